"""How long a stream's reader may wait for one chunk: one timer per stream, not one per read.

Why not `asyncio.timeout` around each read: every one pushes a timer into the
loop's heap and cancels it, and the cancelled timers stay there until popped;
that was a tenth of the reading path's CPU, as much as all the SSE parsing.
This timer moves on only when it fires (every `seconds` at most). It counts
only the reader's waits: the reader pauses it while a chunk is with the
consumer, so the task is only ever cancelled inside a read, as LangChain's
`stream_chunk_timeout` (a `wait_for` around each `__anext__`) has it.
"""

import asyncio


class ChunkDeadline:
    """Cancels the reading task once it has waited `seconds` for one chunk."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self._cancelling = self._task.cancelling() if self._task else 0
        self._fired = False
        self._waiting_since: float | None = self._loop.time()
        self._timer = self._loop.call_at(self._waiting_since + seconds, self._check)

    def pause(self) -> None:
        """The chunk read is with the consumer: its time does not count."""
        self._waiting_since = None

    def resume(self) -> None:
        """The reader waits for the next chunk from now on."""
        self._waiting_since = self._loop.time()

    def expired(self) -> bool:
        """Whether the deadline cancelled the task; if so the cancellation is taken back."""
        return self._fired and self._task is not None and self._task.uncancel() <= self._cancelling

    def cancel(self) -> None:
        self._timer.cancel()

    def _check(self) -> None:
        now = self._loop.time()
        since = self._waiting_since
        if since is not None and now >= since + self._seconds and self._task is not None:
            self._fired = True
            self._task.cancel()
        else:
            self._timer = self._loop.call_at((since or now) + self._seconds, self._check)
