"""One run's events: an append-only buffer that any number of streams follow.

The run task appends; each SSE response follows from the sequence number its
client has seen, so a client that disconnects and comes back (or a second
client that joins) misses nothing. The buffer keeps the latest `max_events`
events; older ones are dropped first.

An event is JSON text: an AG-UI event, or a named event of the LangGraph
Server API, stored as `named_event(name, json)` ("name\n{...}", JSON text has
no raw newline), so that the name survives `run_events` to other processes.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Protocol

from ag_ui.core import BaseEvent

from agent.event_json import event_json

Event = tuple[int, str]  # sequence number, JSON text


def named_event(name: str, data: str) -> str:
    """An event with an SSE event name, as the buffer keeps it."""
    return f"{name}\n{data}"


def split_named(text: str) -> tuple[str | None, str]:
    """A kept event's SSE name (None for AG-UI events) and its JSON text."""
    if text.startswith("{"):
        return None, text
    name, _, data = text.partition("\n")
    return name, data


class EventFeed(Protocol):
    """The events of a run after some sequence number, live, until its last one."""

    def __aiter__(self) -> AsyncIterator[Event]: ...

    def ready(self) -> list[Event]:
        """The events that can be taken now without waiting."""
        ...


class IteratorFeed:
    """An async iterator of events as an EventFeed that never has events ready ahead
    (a run followed from another process, or seen through another door)."""

    def __init__(self, events: AsyncIterator[Event]) -> None:
        self._events = events

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._events

    def ready(self) -> list[Event]:
        return []


class EventBuffer:
    def __init__(self, *, max_events: int) -> None:
        self._events: list[str] = []
        self._first_seq = 1
        self._max_events = max_events
        self._closed = False
        self._wake = asyncio.Event()

    @property
    def closed(self) -> bool:
        """True once the run's last event is in."""
        return self._closed

    @property
    def last_seq(self) -> int:
        return self._first_seq + len(self._events) - 1

    def append(self, event: BaseEvent | str) -> None:
        self._events.append(event if isinstance(event, str) else event_json(event))
        if len(self._events) > self._max_events:
            drop = len(self._events) - self._max_events
            del self._events[:drop]
            self._first_seq += drop
        self._wake.set()
        self._wake = asyncio.Event()

    def close(self) -> None:
        self._closed = True
        self._wake.set()

    def follow(self, after: int) -> "Follower":
        """Every event after `after`, live, until the last one."""
        return Follower(self, after)

    def take(self, after: int) -> Event | None:
        """The first event kept after `after` (events dropped from the buffer are skipped)."""
        seq = max(after, self._first_seq - 1) + 1
        if seq > self.last_seq:
            return None
        return seq, self._events[seq - self._first_seq]

    async def changed(self) -> None:
        """Return once an event is appended or the buffer closes."""
        if not self._closed:
            await self._wake.wait()


class Follower:
    """An async iterator over a buffer's events after a sequence number, live, until its last one.

    `ready()` takes every event already buffered without waiting, so a stream
    can send a burst of tokens in one write instead of one write each.
    """

    def __init__(self, buffer: EventBuffer, after: int) -> None:
        self._buffer = buffer
        self._seq = after

    def __aiter__(self) -> "Follower":
        return self

    async def __anext__(self) -> Event:
        while (event := self._take()) is None:
            if self._buffer.closed:
                raise StopAsyncIteration
            await self._buffer.changed()
        return event

    def ready(self) -> list[Event]:
        events = []
        while (event := self._take()) is not None:
            events.append(event)
        return events

    def _take(self) -> Event | None:
        event = self._buffer.take(self._seq)
        if event is not None:
            self._seq = event[0]
        return event
