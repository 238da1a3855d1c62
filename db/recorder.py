"""Writes message rows in the background, off the path of the stream.

Each write is its own background task. A failing write is retried with capped
exponential back-off until it lands; rows are idempotent (unique per thread and
message), so a retry that follows a write which did land inserts nothing.
`drain()` awaits every outstanding write at shutdown.
"""

import asyncio
import logging

import asyncpg

from background import BackgroundTasks
from db.messages import MessageRow, insert_messages

log = logging.getLogger(__name__)

FIRST_RETRY_DELAY = 0.1
MAX_RETRY_DELAY = 5.0
# Errors a retry cannot mend: the rows themselves are at fault (a bug), not the database.
PERMANENT_ERRORS = (
    asyncpg.DataError,
    asyncpg.IntegrityConstraintViolationError,
    asyncpg.SyntaxOrAccessError,
)


class MessageRecorder:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._tasks = BackgroundTasks("message rows")

    def record(
        self, *, thread_id: str, run_id: str | None, title: str | None, rows: list[MessageRow]
    ) -> None:
        """Start writing `rows`; returns at once."""
        if not rows:
            return
        self._tasks.spawn(
            self._write(thread_id=thread_id, run_id=run_id, title=title, rows=rows),
            name=f"rows of thread {thread_id}",
        )

    async def drain(self, within: float | None = None) -> None:
        """Wait for every outstanding write; after `within` seconds, log and cancel the rest."""
        await self._tasks.drain(within)

    async def _write(
        self, *, thread_id: str, run_id: str | None, title: str | None, rows: list[MessageRow]
    ) -> None:
        delay = FIRST_RETRY_DELAY
        attempt = 1
        while True:
            try:
                await insert_messages(self._pool, thread_id=thread_id, run_id=run_id, title=title, rows=rows)
            except PERMANENT_ERRORS:
                log.exception("message rows of thread %s cannot be written", thread_id)
                return
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning(
                    "writing %d message rows of thread %s failed (attempt %d, retrying in %.1fs): %r",
                    len(rows),
                    thread_id,
                    attempt,
                    delay,
                    error,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY)
                attempt += 1
            else:
                if attempt > 1:
                    log.info("message rows of thread %s written after %d attempts", thread_id, attempt)
                return
