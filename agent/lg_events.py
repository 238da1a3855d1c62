"""Turns the parts of `graph.astream(stream_mode=[...], subgraphs=...)` into LangGraph Server API events.

Pure: no I/O, no clock. Each event is named by its stream mode (`values`,
`updates`, `custom`, ...), suffixed with `|<namespace>` for a part from inside a
subgraph, as LangGraph's SDKs split it. The API's `messages-tuple` mode is
LangGraph's `messages` mode as it comes, `[chunk, metadata]`; its `messages`
mode accumulates the chunks of each message and sends `messages/metadata` once,
then `messages/partial` per chunk (the message so far) and `messages/complete`
when the message is whole.
"""

from typing import Any

from langchain_core.messages import BaseMessage, BaseMessageChunk

from agent.lg_json import dumps
from runs.buffer import named_event

STREAM_MODES = ("values", "updates", "messages-tuple", "messages", "custom", "tasks", "checkpoints", "debug")

Namespace = tuple[str, ...]


def graph_stream_modes(modes: list[str]) -> list[str]:
    """LangGraph's stream modes for the API's `modes`; `updates` always (rows, interrupts)."""
    wanted = {"messages" if mode == "messages-tuple" else mode for mode in modes}
    return sorted(wanted | {"updates"})


class LangGraphTranslator:
    def __init__(self, *, run_id: str, thread_id: str, modes: list[str]) -> None:
        self.run_id = run_id
        self.thread_id = thread_id
        self._modes = set(modes)
        self._partial: dict[str, BaseMessageChunk] = {}
        self._open: dict[str, str] = {}  # the task (checkpoint_ns) -> id of its message still growing
        self.values_sent_interrupt = False

    def metadata(self) -> str:
        body = {"run_id": self.run_id, "thread_id": self.thread_id, "attempt": 1}
        return named_event("metadata", dumps(body))

    def translate(self, mode: str, data: Any, namespace: Namespace = ()) -> list[str]:
        suffix = "".join(f"|{part}" for part in namespace)
        if mode == "messages":
            return self._messages(data, suffix)
        if mode not in self._modes:
            return []
        if mode == "values" and isinstance(data, dict) and "__interrupt__" in data:
            self.values_sent_interrupt = True
        return [named_event(mode + suffix, dumps(data))]

    def values(self, values: Any) -> list[str]:
        """A `values` event the graph did not stream itself (the state when it stopped on an interrupt)."""
        return [named_event("values", dumps(values))] if "values" in self._modes else []

    def failed(self, *, error: str, message: str) -> str:
        return named_event("error", dumps({"error": error, "message": message}))

    def _messages(self, data: Any, suffix: str) -> list[str]:
        message, metadata = data
        events = []
        if "messages-tuple" in self._modes:
            events.append(named_event("messages" + suffix, dumps([message, metadata])))
        if "messages" in self._modes and isinstance(message, BaseMessage):
            events += self._accumulated(message, metadata, suffix)
        return events

    def _accumulated(self, message: BaseMessage, metadata: Any, suffix: str) -> list[str]:
        message_id = message.id or ""
        task = metadata.get("langgraph_checkpoint_ns", "") if isinstance(metadata, dict) else ""
        last = getattr(message, "chunk_position", None) == "last"
        if last and message_id not in self._partial and task in self._open:
            # The closing chunk can come under another id (LangChain's own run id), empty.
            message_id = self._open[task]
            message = message.model_copy(update={"id": message_id})
        events = []
        seen = self._partial.get(message_id)
        if seen is None and message_id not in self._partial:
            events.append(
                named_event("messages/metadata" + suffix, dumps({message_id: {"metadata": metadata}}))
            )
        if isinstance(message, BaseMessageChunk):
            whole = message if seen is None else seen + message
            self._partial[message_id] = whole
            self._open[task] = message_id
            events.append(named_event("messages/partial" + suffix, dumps([whole])))
            if last:
                del self._open[task]
                events.append(named_event("messages/complete" + suffix, dumps([whole])))
        else:
            events.append(named_event("messages/complete" + suffix, dumps([message])))
        return events
