"""The message rows a turn records: the user's message and each finished message."""

import json
from datetime import UTC, datetime

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent.messages import message_text
from db.messages import MessageRow

TITLE_LENGTH = 80


def title_of(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"


def rows_for(messages: list[BaseMessage]) -> list[MessageRow]:
    """One row per user, assistant and tool message, and one per tool call."""
    now = datetime.now(UTC)
    rows = []
    for message in messages:
        message_id = message.id or ""
        text = _storable(message_text(message))
        if isinstance(message, HumanMessage):
            rows.append(MessageRow(message_id=message_id, role="user", content=text, created_at=now))
        elif isinstance(message, AIMessage):
            if text or not message.tool_calls:
                rows.append(MessageRow(message_id=message_id, role="assistant", content=text, created_at=now))
            rows += [
                MessageRow(
                    message_id=message_id,
                    role="tool_call",
                    content="",
                    created_at=now,
                    tool_name=call["name"],
                    tool_call_id=call["id"],
                    tool_args=json.dumps(call["args"]).replace("\\u0000", "\\ufffd"),
                )
                for call in message.tool_calls
            ]
        elif isinstance(message, ToolMessage):
            rows.append(
                MessageRow(
                    message_id=message_id,
                    role="tool",
                    content=text,
                    created_at=now,
                    tool_name=message.name,
                    tool_call_id=message.tool_call_id,
                )
            )
    return rows


def _storable(text: str) -> str:
    # PostgreSQL text cannot hold NUL characters.
    return text.replace("\x00", "\ufffd")
