"""Turns the parts of `graph.astream(stream_mode=STREAM_MODES, subgraphs=True)` into AG-UI events.

Pure: no I/O, no clock. The run feeds it stream parts and sends what it returns.
Tokens come from the models' callbacks (`agent.token_tap`, through `token()`),
or from "messages" mode parts; steps, finished messages and tool results come
from "tasks" mode, which reports each node's start and its writes; "custom" mode
carries progress a node wrote through LangGraph's stream writer. A message a
node returned without streaming it is sent whole when its task finishes. A
token from the callbacks can come before the `tasks` part that starts its node
has been read (it is made in the node's task, the part travels through
LangGraph's stream queue): it is held until that part, so a step always starts
before its messages.

Subgraphs are AG-UI subagents (`agent.subagents`: opened on a namespace's
first part, closed when the task that ran it finishes); every event from inside
carries its `subagentRunId`. Steps are unique per
subagent, as the AG-UI client requires: a second concurrent task of the same
node (a `Send` fan-out) is the step `writer (2)`. STEP_STARTED and the start of
each message and tool call carry `metadata.path`, the nodes from the root graph
down to the node that made it. Messages of parallel branches stream
interleaved, each under its own id, and end when their chunk says it is the
last or their task finishes. A task that stopped on `interrupt()` reports its
interrupts (a subgraph's at each level, innermost first); the run then ends with
an interrupt outcome listing each once.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from ag_ui.core import (
    BaseEvent,
    CustomEvent,
    Interrupt,
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
from ag_ui.core.events import (
    RunFinishedCancelledOutcome,
    RunFinishedInterruptOutcome,
    RunFinishedSuccessOutcome,
)
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage

from agent.interrupts import agui_interrupt
from agent.messages import message_text
from agent.subagents import Namespace, Subagents
from agent.token_tap import TappedToken

STREAM_MODES = ["tasks", "custom"]  # tokens come from agent.token_tap


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


@dataclass(slots=True)
class _Step:
    name: str  # unique among the open steps of its subagent
    scope: str | None  # subagent run id; None at the top
    path: list[str] = field(default_factory=list)


class EventTranslator:
    """The AG-UI events of one run, built from its stream parts."""

    def __init__(self, *, thread_id: str, run_id: str) -> None:
        self.thread_id = thread_id
        self.run_id = run_id
        self.partial_text: dict[str, str] = {}  # message id -> text streamed so far
        self._open_messages: dict[str, tuple[str | None, str | None]] = {}  # id -> (task, scope)
        self._open_tool_calls: dict[tuple[str, int], tuple[str, str | None, str | None]] = {}
        # (message id, index) -> (call id, task, scope)
        self._sent_messages: set[str] = set()
        self._sent_tool_calls: set[str] = set()
        self._sent_results: set[str] = set()
        self._steps: dict[str, _Step] = {}  # task id -> its open step
        self._subagents = Subagents()
        self._usage: dict[str, tuple[int, int]] = {}  # message id -> input, output tokens
        self._tasks_seen: set[str] = set()  # ids of the tasks the `tasks` stream has announced
        self._held: dict[str, list[TappedToken]] = {}  # task id -> its tokens that came before its start
        self.interrupts: dict[str, Interrupt] = {}  # interrupt id -> what the run stopped on

    def started(self) -> RunStartedEvent:
        return RunStartedEvent(thread_id=self.thread_id, run_id=self.run_id)

    def translate(self, mode: str, data: Any, namespace: Namespace = ()) -> list[BaseEvent]:
        events, scope = self._subagents.enter(namespace) if namespace else ([], None)
        if mode == "messages":
            chunk, metadata = data
            if isinstance(chunk, AIMessageChunk):
                events += self._token(chunk, scope, namespace, metadata)
        elif mode == "tasks":
            if "result" in data:
                events += self._task_finished(data, scope)
            else:
                events += self._task_started(data, scope, namespace)
        elif mode == "custom":
            events.append(CustomEvent(name="progress", value=data, subagent_run_id=scope))
        return events

    def token(self, token: TappedToken) -> list[BaseEvent]:
        """The events of a token taken from a model's callbacks: none yet if its task has not started
        (a node the `tasks` stream never reports, tagged hidden, has its tokens sent at once)."""
        owner = _owner_task(token.metadata)
        if token.task_announced and owner is not None and owner not in self._tasks_seen:
            self._held.setdefault(owner, []).append(token)
            return []
        return self.translate("messages", (token.chunk, token.metadata), token.namespace)

    def release_held(self, task_id: str | None = None) -> list[BaseEvent]:
        """The events of the tokens held for one task, or for every task."""
        if task_id is None:
            held = [token for tokens in self._held.values() for token in tokens]
            self._held.clear()
        else:
            held = self._held.pop(task_id, [])
        events: list[BaseEvent] = []
        for token in held:
            events += self.translate("messages", (token.chunk, token.metadata), token.namespace)
        return events

    def finished(self, *, cancelled: bool = False) -> list[BaseEvent]:
        if cancelled:
            outcome: Any = RunFinishedCancelledOutcome()
        elif self.interrupts:
            outcome = RunFinishedInterruptOutcome(interrupts=list(self.interrupts.values()))
        else:
            outcome = RunFinishedSuccessOutcome()
        usage = None
        if self._usage:
            input_tokens = sum(used[0] for used in self._usage.values())
            output_tokens = sum(used[1] for used in self._usage.values())
            usage = [
                TokenUsage(
                    input_tokens=input_tokens,
                    output_tokens=output_tokens,
                    total_tokens=input_tokens + output_tokens,
                )
            ]
        return [
            *self.close_open(),
            RunFinishedEvent(thread_id=self.thread_id, run_id=self.run_id, outcome=outcome, usage=usage),
        ]

    def failed(self, *, message: str, code: str) -> list[BaseEvent]:
        return [*self.close_open(), RunErrorEvent(message=message, code=code)]

    def close_open(self) -> list[BaseEvent]:
        """End every message, tool call, step and subagent still open, as a run that stops must."""
        events = self.release_held()
        events += self._end_messages() + self._end_tool_calls()
        for task_id in list(self._steps):
            events += self._end_step(task_id)
        return events + self._subagents.finish_all()

    def _token(
        self, chunk: AIMessageChunk, scope: str | None, namespace: Namespace, metadata: dict[str, Any]
    ) -> list[BaseEvent]:
        message_id = chunk.id or "message"
        events: list[BaseEvent] = []
        if text := message_text(chunk):
            if message_id not in self._open_messages:
                events += self._end_tool_calls(message_id)
                events.append(
                    TextMessageStartEvent(
                        message_id=message_id,
                        role="assistant",
                        subagent_run_id=scope,
                        metadata={"path": self._subagents.path(namespace, None)} if namespace else None,
                    )
                )
                self._open_messages[message_id] = (_owner_task(metadata), scope)
                self._sent_messages.add(message_id)
            events.append(TextMessageContentEvent(message_id=message_id, delta=text, subagent_run_id=scope))
            self.partial_text[message_id] = self.partial_text.get(message_id, "") + text
        for part in chunk.tool_call_chunks:
            key = (message_id, part.get("index") or 0)
            if (open_call := self._open_tool_calls.get(key)) is None:
                call_id = part.get("id") or f"{message_id}-{key[1]}"
                events += self._end_messages(message_id)
                events.append(
                    ToolCallStartEvent(
                        tool_call_id=call_id,
                        tool_call_name=part.get("name") or "",
                        parent_message_id=message_id,
                        subagent_run_id=scope,
                    )
                )
                self._open_tool_calls[key] = (call_id, _owner_task(metadata), scope)
                self._sent_tool_calls.add(call_id)
                self._sent_messages.add(message_id)
            else:
                call_id = open_call[0]
            if args := part.get("args"):
                events.append(ToolCallArgsEvent(tool_call_id=call_id, delta=args, subagent_run_id=scope))
        if chunk.chunk_position == "last":
            events += self._end_messages(message_id) + self._end_tool_calls(message_id)
        return events

    def _task_started(self, task: dict[str, Any], scope: str | None, namespace: Namespace) -> list[BaseEvent]:
        open_names = {step.name for step in self._steps.values() if step.scope == scope}
        name, copy = task["name"], 1
        while name in open_names:
            copy += 1
            name = f"{task['name']} ({copy})"
        path = self._subagents.path(namespace, task["name"])
        self._steps[task["id"]] = _Step(name=name, scope=scope, path=path)
        self._tasks_seen.add(task["id"])
        started = StepStartedEvent(
            step_name=name, subagent_run_id=scope, metadata={"path": path} if namespace else None
        )
        return [started, *self.release_held(task["id"])]

    def _task_finished(self, task: dict[str, Any], scope: str | None) -> list[BaseEvent]:
        task_id = task["id"]
        self._tasks_seen.add(task_id)
        held = self.release_held(task_id)
        for interrupt in task.get("interrupts") or ():
            if interrupt["id"] not in self.interrupts:
                self.interrupts[interrupt["id"]] = agui_interrupt(interrupt, subagent_run_id=scope)
        events = held + self._end_messages(task=task_id) + self._end_tool_calls(task=task_id)
        for message in node_messages(task["result"]):
            events += self._whole_message(message, scope)
        events += self._subagents.finish_task(task_id)
        return events + self._end_step(task_id)

    def _end_step(self, task_id: str) -> list[BaseEvent]:
        step = self._steps.pop(task_id, None)
        if step is None:
            return []
        return [StepFinishedEvent(step_name=step.name, subagent_run_id=step.scope)]

    def _whole_message(self, message: BaseMessage, scope: str | None) -> list[BaseEvent]:
        if isinstance(message, ToolMessage):
            if message.tool_call_id in self._sent_results:
                return []
            self._sent_results.add(message.tool_call_id)
            return [
                ToolCallResultEvent(
                    message_id=message.id or f"{message.tool_call_id}-result",
                    tool_call_id=message.tool_call_id,
                    content=message_text(message),
                    role="tool",
                    subagent_run_id=scope,
                )
            ]
        if not isinstance(message, AIMessage):
            return []
        message_id = message.id or "message"
        if message.usage_metadata:
            used = message.usage_metadata
            self._usage[message_id] = (used.get("input_tokens", 0), used.get("output_tokens", 0))
        events: list[BaseEvent] = []
        text = message_text(message)
        if text and message_id not in self._sent_messages:
            events += [
                TextMessageStartEvent(message_id=message_id, role="assistant", subagent_run_id=scope),
                TextMessageContentEvent(message_id=message_id, delta=text, subagent_run_id=scope),
                TextMessageEndEvent(message_id=message_id, subagent_run_id=scope),
            ]
        for call in message.tool_calls:
            if call["id"] and call["id"] not in self._sent_tool_calls:
                self._sent_tool_calls.add(call["id"])
                events += [
                    ToolCallStartEvent(
                        tool_call_id=call["id"],
                        tool_call_name=call["name"],
                        parent_message_id=message_id,
                        subagent_run_id=scope,
                    ),
                    ToolCallArgsEvent(
                        tool_call_id=call["id"], delta=json.dumps(call["args"]), subagent_run_id=scope
                    ),
                    ToolCallEndEvent(tool_call_id=call["id"], subagent_run_id=scope),
                ]
        self._sent_messages.add(message_id)
        self.partial_text.pop(message_id, None)
        return events

    def _end_messages(self, message_id: str | None = None, *, task: str | None = None) -> list[BaseEvent]:
        """End the open text messages: one, those of one task (or of no known task), or all."""
        ending = [
            (mid, scope)
            for mid, (owner, scope) in self._open_messages.items()
            if (message_id is None or mid == message_id) and (task is None or owner in (task, None))
        ]
        for mid, _ in ending:
            del self._open_messages[mid]
        return [TextMessageEndEvent(message_id=mid, subagent_run_id=scope) for mid, scope in ending]

    def _end_tool_calls(self, message_id: str | None = None, *, task: str | None = None) -> list[BaseEvent]:
        """End the open tool calls: those of one message, of one task, or all."""
        ending = [
            key
            for key, (_, owner, _) in self._open_tool_calls.items()
            if (message_id is None or key[0] == message_id) and (task is None or owner in (task, None))
        ]
        events: list[BaseEvent] = []
        for key in ending:
            call_id, _, scope = self._open_tool_calls.pop(key)
            events.append(ToolCallEndEvent(tool_call_id=call_id, subagent_run_id=scope))
        return events


def _owner_task(metadata: dict[str, Any]) -> str | None:
    """The id of the task that streamed a message, from the end of its checkpoint namespace."""
    namespace = metadata.get("langgraph_checkpoint_ns") or ""
    return namespace.rpartition("|")[2].rpartition(":")[2] or None
