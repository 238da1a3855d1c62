"""Turns the parts of `graph.astream(stream_mode=STREAM_MODES)` into AG-UI events.

Pure: no I/O, no clock. The run feeds it stream parts and sends what it returns.
Tokens come from "messages" mode; steps, finished messages and tool results come
from "tasks" mode, which reports each node's start and its writes; "custom" mode
carries progress a node wrote through LangGraph's stream writer. A message a
node returned without streaming it is sent whole when its task finishes.
"""

import json
from collections.abc import Iterable
from typing import Any

from ag_ui.core import (
    BaseEvent,
    CustomEvent,
    RunErrorEvent,
    RunFinishedEvent,
    RunStartedEvent,
    StepFinishedEvent,
    StepStartedEvent,
    TextMessageContentEvent,
    TextMessageEndEvent,
    TextMessageStartEvent,
    TokenUsage,
    ToolCallArgsEvent,
    ToolCallEndEvent,
    ToolCallResultEvent,
    ToolCallStartEvent,
)
from ag_ui.core.events import RunFinishedCancelledOutcome, RunFinishedSuccessOutcome
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage

from agent.messages import message_text

STREAM_MODES = ["messages", "tasks", "custom"]


def node_messages(writes: Any) -> list[BaseMessage]:
    """The messages a node wrote to the `messages` channel, in order."""
    if not isinstance(writes, dict):
        return []
    value = writes.get("messages")
    value = getattr(value, "value", value)  # langgraph.types.Overwrite wraps a list
    if isinstance(value, BaseMessage):
        return [value]
    if isinstance(value, list | tuple):
        return [m for m in value if isinstance(m, BaseMessage)]
    return []


class EventTranslator:
    """The AG-UI events of one run, built from its stream parts."""

    def __init__(self, *, thread_id: str, run_id: str) -> None:
        self.thread_id = thread_id
        self.run_id = run_id
        self.partial_text: dict[str, str] = {}  # message id -> text streamed so far
        self._open_message: str | None = None
        self._open_tool_calls: dict[tuple[str, int], str] = {}  # (message, index) -> call id
        self._sent_messages: set[str] = set()
        self._sent_tool_calls: set[str] = set()
        self._open_steps: dict[str, str] = {}  # task id -> node
        self._input_tokens = 0
        self._output_tokens = 0

    def started(self) -> RunStartedEvent:
        return RunStartedEvent(thread_id=self.thread_id, run_id=self.run_id)

    def translate(self, mode: str, data: Any) -> list[BaseEvent]:
        if mode == "messages":
            chunk, _metadata = data
            return self._token(chunk) if isinstance(chunk, AIMessageChunk) else []
        if mode == "tasks":
            return self._task_finished(data) if "result" in data else self._task_started(data)
        if mode == "custom":
            return [CustomEvent(name="progress", value=data)]
        return []

    def finished(self, *, cancelled: bool = False) -> list[BaseEvent]:
        outcome = RunFinishedCancelledOutcome() if cancelled else RunFinishedSuccessOutcome()
        usage = None
        if self._input_tokens or self._output_tokens:
            usage = [
                TokenUsage(
                    input_tokens=self._input_tokens,
                    output_tokens=self._output_tokens,
                    total_tokens=self._input_tokens + self._output_tokens,
                )
            ]
        return [
            *self.close_open(),
            RunFinishedEvent(thread_id=self.thread_id, run_id=self.run_id, outcome=outcome, usage=usage),
        ]

    def failed(self, *, message: str, code: str) -> list[BaseEvent]:
        return [*self.close_open(), RunErrorEvent(message=message, code=code)]

    def close_open(self) -> list[BaseEvent]:
        """End every message, tool call and step still open, as a run that stops must."""
        events = self._end_message() + self._end_tool_calls()
        events += [StepFinishedEvent(step_name=node) for node in self._open_steps.values()]
        self._open_steps.clear()
        return events

    def _token(self, chunk: AIMessageChunk) -> list[BaseEvent]:
        message_id = chunk.id or "message"
        events: list[BaseEvent] = []
        if text := message_text(chunk):
            if self._open_message != message_id:
                events += self._end_tool_calls() + self._end_message()
                events.append(TextMessageStartEvent(message_id=message_id, role="assistant"))
                self._open_message = message_id
                self._sent_messages.add(message_id)
            events.append(TextMessageContentEvent(message_id=message_id, delta=text))
            self.partial_text[message_id] = self.partial_text.get(message_id, "") + text
        for part in chunk.tool_call_chunks:
            key = (message_id, part.get("index") or 0)
            call_id = self._open_tool_calls.get(key)
            if call_id is None:
                call_id = part.get("id") or f"{message_id}-{key[1]}"
                events += self._end_message()
                events.append(
                    ToolCallStartEvent(
                        tool_call_id=call_id,
                        tool_call_name=part.get("name") or "",
                        parent_message_id=message_id,
                    )
                )
                self._open_tool_calls[key] = call_id
                self._sent_tool_calls.add(call_id)
                self._sent_messages.add(message_id)
            if args := part.get("args"):
                events.append(ToolCallArgsEvent(tool_call_id=call_id, delta=args))
        if chunk.chunk_position == "last":
            events += self._end_message() + self._end_tool_calls()
        return events

    def _task_started(self, task: dict[str, Any]) -> list[BaseEvent]:
        self._open_steps[task["id"]] = task["name"]
        return [StepStartedEvent(step_name=task["name"])]

    def _task_finished(self, task: dict[str, Any]) -> list[BaseEvent]:
        events = self._end_message() + self._end_tool_calls()
        for message in node_messages(task["result"]):
            events += self._whole_message(message)
        if self._open_steps.pop(task["id"], None) is not None:
            events.append(StepFinishedEvent(step_name=task["name"]))
        return events

    def _whole_message(self, message: BaseMessage) -> list[BaseEvent]:
        if isinstance(message, ToolMessage):
            return [
                ToolCallResultEvent(
                    message_id=message.id or f"{message.tool_call_id}-result",
                    tool_call_id=message.tool_call_id,
                    content=message_text(message),
                    role="tool",
                )
            ]
        if not isinstance(message, AIMessage):
            return []
        if message.usage_metadata:
            self._input_tokens += message.usage_metadata.get("input_tokens", 0)
            self._output_tokens += message.usage_metadata.get("output_tokens", 0)
        message_id = message.id or "message"
        events: list[BaseEvent] = []
        text = message_text(message)
        if text and message_id not in self._sent_messages:
            events += [
                TextMessageStartEvent(message_id=message_id, role="assistant"),
                TextMessageContentEvent(message_id=message_id, delta=text),
                TextMessageEndEvent(message_id=message_id),
            ]
        for call in message.tool_calls:
            if call["id"] and call["id"] not in self._sent_tool_calls:
                events += [
                    ToolCallStartEvent(
                        tool_call_id=call["id"],
                        tool_call_name=call["name"],
                        parent_message_id=message_id,
                    ),
                    ToolCallArgsEvent(tool_call_id=call["id"], delta=json.dumps(call["args"])),
                    ToolCallEndEvent(tool_call_id=call["id"]),
                ]
        self._sent_messages.add(message_id)
        self.partial_text.pop(message_id, None)
        return events

    def _end_message(self) -> list[BaseEvent]:
        if self._open_message is None:
            return []
        message_id, self._open_message = self._open_message, None
        return [TextMessageEndEvent(message_id=message_id)]

    def _end_tool_calls(self) -> list[BaseEvent]:
        ends: Iterable[str] = self._open_tool_calls.values()
        events: list[BaseEvent] = [ToolCallEndEvent(tool_call_id=call_id) for call_id in ends]
        self._open_tool_calls.clear()
        return events
