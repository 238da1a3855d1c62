"""One run: its ids, what it appends to its thread, its task and its events."""

import asyncio
import time
from typing import Any, Literal

from ag_ui.core import BaseEvent
from langchain_core.messages import BaseMessage

from runs.buffer import EventBuffer, Follower
from runs.figures import RunFigures

Status = Literal["running", "success", "error", "cancelled", "lost"]


class Run:
    def __init__(
        self, *, run_id: str, thread_id: str, max_events: int, input_messages: list[BaseMessage]
    ) -> None:
        self.run_id = run_id
        self.thread_id = thread_id
        self.input_messages = input_messages  # what the run appends to its thread
        self.resume: dict[str, Any] | None = None  # interrupt id -> answer, when the run resumes
        self.status: Status = "running"
        self.finished_at: float | None = None  # time.monotonic()
        self.figures = RunFigures()  # for the runs list, stored when the run ends
        self._events = EventBuffer(max_events=max_events)
        self._task: asyncio.Task[None] | None = None
        self._cancelling = False
        self._turn_started = False
        self.lost = False  # another process took the thread while the database was away

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    @property
    def last_seq(self) -> int:
        return self._events.last_seq

    def start(self, task: asyncio.Task[None]) -> None:
        self._task = task

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    def append(self, event: BaseEvent | str) -> None:
        self._events.append(event)

    def finish(self, status: Status) -> None:
        """The last event is in: close the buffer for its followers."""
        self.status = status
        self.finished_at = time.monotonic()
        self._events.close()

    def follow(self, after: int) -> Follower:
        return self._events.follow(after)

    async def changed(self) -> None:
        """Return once an event is appended or the run finishes."""
        await self._events.changed()

    def begin_turn(self) -> None:
        """Called first thing in the run's task; raises CancelledError if it was cancelled already.

        A task cancelled before its first step never runs its body at all, so a cancel
        that comes that early waits for this call instead: the clean-up must run.
        """
        self._turn_started = True
        if self._cancelling or self.lost:
            raise asyncio.CancelledError

    def cancel(self) -> bool:
        """Stop the run's task; False if it was not running or a cancel is already under way.

        Once only: a second cancel would interrupt the clean-up of the first (saving
        the partial answer, releasing the thread) and leave the thread locked.
        """
        if self._task is None or self.done or self._cancelling:
            return False
        self._cancelling = True
        if self._turn_started:
            self._task.cancel()
        return True

    def lose(self) -> None:
        """Stop the run without saving anything: its thread now belongs to another run."""
        self.lost = True
        if self._task is not None and not self.done and self._turn_started:
            self._task.cancel()
