"""A thread's checkpointed messages as AG-UI messages, for snapshots and the history view."""

import json
from typing import Any

from ag_ui.core import AssistantMessage, FunctionCall, SystemMessage, ToolCall, UserMessage
from ag_ui.core import ToolMessage as AguiToolMessage
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.messages import SystemMessage as LcSystemMessage

from agent.events import message_text


def agui_messages(messages: list[BaseMessage]) -> list[Any]:
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
        elif isinstance(m, ToolMessage):
            converted.append(
                AguiToolMessage(
                    id=message_id,
                    content=message_text(m),
                    tool_call_id=m.tool_call_id,
                    error=message_text(m) if m.status == "error" else None,
                )
            )
        elif isinstance(m, LcSystemMessage):
            converted.append(SystemMessage(id=message_id, content=message_text(m)))
    return converted
