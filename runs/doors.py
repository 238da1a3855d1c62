"""A run's events as the other door sees them.

A run keeps its events in the format of the door that started it: AG-UI events
(JSON with a `type`) or the LangGraph Server API's named events. Joined
through the other door, a run shows its start, its failure and its end only:

- through /api/runs/{id}/stream, a LangGraph run is RUN_STARTED, then
  RUN_ERROR or RUN_FINISHED (the messages are in the thread, read it after);
- through the LangGraph API's join stream, an AG-UI run is `metadata`, then
  `error`, or the thread's `values` once it ends.

Events of the door's own format pass through untouched, bursts included.
"""

import json
from collections.abc import AsyncIterator, Awaitable, Callable

from ag_ui.core import RunErrorEvent, RunFinishedEvent, RunStartedEvent

from runs.buffer import Event, EventFeed, named_event, split_named


class AguiView:
    """An EventFeed of AG-UI events: a LangGraph run's named events become its start and end."""

    def __init__(self, feed: EventFeed, *, thread_id: str, run_id: str) -> None:
        self._feed = feed
        self._thread_id = thread_id
        self._run_id = run_id
        self._ended = False
        self._seq = 0
        self._iterator = feed.__aiter__()

    def __aiter__(self) -> "AguiView":
        return self

    async def __anext__(self) -> Event:
        while True:
            try:
                event = await self._iterator.__anext__()
            except StopAsyncIteration:
                if self._ended:
                    raise
                self._ended = True
                finished = RunFinishedEvent(thread_id=self._thread_id, run_id=self._run_id)
                return self._seq, finished.model_dump_json(by_alias=True)
            if (shown := self._show(event)) is not None:
                return shown

    def ready(self) -> list[Event]:
        return [shown for event in self._feed.ready() if (shown := self._show(event)) is not None]

    def _show(self, event: Event) -> Event | None:
        seq, text = event
        self._seq = seq
        name, data = split_named(text)
        if name is None:
            self._ended = self._ended or '"RUN_FINISHED"' in data or '"RUN_ERROR"' in data
            return event
        if name == "metadata":
            started = RunStartedEvent(thread_id=self._thread_id, run_id=self._run_id)
            return seq, started.model_dump_json(by_alias=True)
        if name == "error":
            self._ended = True
            body = json.loads(data)
            error = RunErrorEvent(message=body.get("message", ""), code=body.get("error"))
            return seq, error.model_dump_json(by_alias=True)
        return None


async def langgraph_view(
    feed: EventFeed, *, run_id: str, thread_id: str, values: Callable[[], Awaitable[str]]
) -> AsyncIterator[Event]:
    """The LangGraph API's events of a run: an AG-UI run's start, failure and final `values`."""
    agui = False
    failed = False
    seq = 0
    async for seq, text in feed:
        name, data = split_named(text)
        if name is not None:
            yield seq, text
            continue
        if '"RUN_STARTED"' in data:
            agui = True
            yield seq, named_event("metadata", json.dumps({"run_id": run_id, "thread_id": thread_id}))
        elif '"RUN_ERROR"' in data:
            failed = True
            body = json.loads(data)
            yield (
                seq,
                named_event("error", json.dumps({"error": body.get("code"), "message": body["message"]})),
            )
    if agui and not failed:
        yield seq + 1, named_event("values", await values())
