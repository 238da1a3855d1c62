"""LangChain messages and AG-UI messages, both ways, and the text of a message.

LangChain → AG-UI: a thread's checkpointed messages for MESSAGES_SNAPSHOT and
the thread view. AG-UI → LangChain: the messages of a `RunAgentInput`. AG-UI
clients send the whole conversation on every run; the checkpoint already holds
what the thread has seen, so only messages with an id it does not know are
converted. Activity and reasoning messages are the client's rendering of
earlier runs, not conversation, and are left out.
"""

import json
from collections.abc import Collection, Sequence
from typing import Any

from ag_ui.core import (
    AssistantMessage,
    DeveloperMessage,
    FunctionCall,
    SystemMessage,
    TextPart,
    ToolCall,
    ToolMessage,
    UserMessage,
)
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.messages import SystemMessage as LcSystemMessage
from langchain_core.messages import ToolMessage as LcToolMessage
from langchain_core.messages.tool import ToolCall as LcToolCall

from errors import InvalidRequest


def message_text(message: BaseMessage) -> str:
    return message.text if isinstance(message.content, list) else str(message.content)


def agui_messages(messages: list[BaseMessage]) -> list[Any]:
    """The thread's messages as AG-UI messages, for MESSAGES_SNAPSHOT and the thread view."""
    converted: list[Any] = []
    for m in messages:
        message_id = m.id or ""
        if isinstance(m, HumanMessage):
            converted.append(UserMessage(id=message_id, content=message_text(m)))
        elif isinstance(m, AIMessage):
            calls = [
                ToolCall(
                    id=call["id"] or "",
                    function=FunctionCall(name=call["name"], arguments=json.dumps(call["args"])),
                )
                for call in m.tool_calls
            ]
            stopped = m.response_metadata.get("finish_reason") == "cancelled"
            converted.append(
                AssistantMessage(
                    id=message_id,
                    content=message_text(m) or None,
                    tool_calls=calls or None,
                    metadata={"finishReason": "cancelled"} if stopped else None,
                )
            )
        elif isinstance(m, LcToolMessage):
            converted.append(
                ToolMessage(
                    id=message_id,
                    content=message_text(m),
                    tool_call_id=m.tool_call_id,
                    error=message_text(m) if m.status == "error" else None,
                )
            )
        elif isinstance(m, LcSystemMessage):
            converted.append(SystemMessage(id=message_id, content=message_text(m)))
    return converted


def new_messages(messages: Sequence[Any], *, known_ids: Collection[str]) -> list[BaseMessage]:
    """The input's messages whose id is not in `known_ids`, in order, as LangChain messages."""
    seen = set(known_ids)
    converted: list[BaseMessage] = []
    for message in messages:
        if message.id in seen:
            continue
        seen.add(message.id)
        if (langchain := langchain_message(message)) is not None:
            converted.append(langchain)
    return converted


def langchain_message(message: Any) -> BaseMessage | None:
    """One AG-UI message as a LangChain message; None for activity and reasoning messages."""
    if isinstance(message, UserMessage):
        return HumanMessage(_text(message.content, message.id), id=message.id)
    if isinstance(message, AssistantMessage):
        calls = [_tool_call(call, message.id) for call in message.tool_calls or []]
        return AIMessage(message.content or "", id=message.id, tool_calls=calls)
    if isinstance(message, ToolMessage):
        return LcToolMessage(
            _text(message.content, message.id),
            id=message.id,
            tool_call_id=message.tool_call_id,
            status="error" if message.error is not None else "success",
        )
    if isinstance(message, SystemMessage | DeveloperMessage):
        return LcSystemMessage(message.content, id=message.id)
    return None


def _text(content: str | list[Any], message_id: str) -> str:
    if isinstance(content, str):
        return content
    if not all(isinstance(part, TextPart) for part in content):
        kinds = sorted({part.type for part in content if not isinstance(part, TextPart)})
        raise InvalidRequest(f"message {message_id}: only text parts are supported, not {', '.join(kinds)}")
    return "".join(part.text for part in content)


def _tool_call(call: Any, message_id: str) -> LcToolCall:
    try:
        args = json.loads(call.function.arguments or "{}")
    except json.JSONDecodeError as error:
        raise InvalidRequest(
            f"message {message_id}: the arguments of tool call {call.id} are not JSON ({error})"
        ) from None
    if not isinstance(args, dict):
        raise InvalidRequest(f"message {message_id}: the arguments of tool call {call.id} are not an object")
    return LcToolCall(name=call.function.name, args=args, id=call.id)
