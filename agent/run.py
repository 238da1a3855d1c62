"""One run's events: an append-only buffer that any number of streams follow.

The run task appends; each SSE response follows from the sequence number its
client has seen, so a client that disconnects and comes back (or a second
client that joins) misses nothing. The buffer keeps the latest
`max_events` events; older ones are dropped first.
"""

import asyncio
import time

from ag_ui.core import BaseEvent
from langchain_core.messages import BaseMessage

TERMINAL_TYPES = ('{"type":"RUN_FINISHED"', '{"type":"RUN_ERROR"')


class Run:
    def __init__(
        self, *, run_id: str, thread_id: str, max_events: int, input_messages: list[BaseMessage]
    ) -> None:
        self.run_id = run_id
        self.thread_id = thread_id
        self.input_messages = input_messages  # what the run appends to its thread
        self.task: asyncio.Task[None] | None = None
        self.finished_at: float | None = None  # time.monotonic()
        self.publishing = False  # events also go to the run_events table
        self.cancelling = False
        self._events: list[str] = []  # JSON text of each event
        self._first_seq = 1
        self._max_events = max_events
        self._wake = asyncio.Event()

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    @property
    def last_seq(self) -> int:
        return self._first_seq + len(self._events) - 1

    def append(self, event: BaseEvent) -> None:
        self._events.append(event.model_dump_json(by_alias=True))
        if len(self._events) > self._max_events:
            drop = len(self._events) - self._max_events
            del self._events[:drop]
            self._first_seq += drop
        self._wake.set()
        self._wake = asyncio.Event()

    def finish(self) -> None:
        self.finished_at = time.monotonic()
        self._wake.set()

    def follow(self, after: int) -> "Follower":
        """Every event after `after`, live, until the run's last one."""
        return Follower(self, after)

    async def wait_for_change(self) -> None:
        if not self.done:
            await self._wake.wait()


class Follower:
    """An async iterator over a run's events after a sequence number, live, until its last one.

    `ready()` also takes every event already buffered without waiting, so a
    stream can send a burst of tokens in one write instead of one write each.
    """

    def __init__(self, run: Run, after: int) -> None:
        self._run = run
        self._seq = after

    def __aiter__(self) -> "Follower":
        return self

    async def __anext__(self) -> tuple[int, str]:
        while (event := self._take()) is None:
            if self._run.done:
                raise StopAsyncIteration
            await self._run.wait_for_change()
        return event

    def ready(self) -> list[tuple[int, str]]:
        """The events already in the buffer, taken now."""
        events = []
        while (event := self._take()) is not None:
            events.append(event)
        return events

    def _take(self) -> tuple[int, str] | None:
        run = self._run
        self._seq = max(self._seq, run._first_seq - 1)  # events dropped from the buffer are skipped
        if self._seq >= run.last_seq:
            return None
        self._seq += 1
        return self._seq, run._events[self._seq - run._first_seq]
