"""Run bookkeeping shared by every server process on one database.

One run per thread is enforced by a session-level advisory lock, held on this
process's control connection for as long as the run goes on. A process that
dies closes its connection and so releases its locks; the `runs` rows it left
as 'running' are marked 'lost' by whoever next takes the thread, or by a
follower that finds the owner's backend gone.

The control connection also LISTENs: `run_cancel` carries cancel requests to
the process that runs the run, `run_follow` asks the owner to publish a run's
events to `run_events`, and `run_events` wakes the followers in other
processes when it did.
"""

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from errors import RunExists

log = logging.getLogger(__name__)

CANCEL_CHANNEL = "run_cancel"
FOLLOW_CHANNEL = "run_follow"
EVENTS_CHANNEL = "run_events"

CLAIM_THREAD = """
WITH claim AS (SELECT pg_try_advisory_lock($1) AS ok),
lost AS (
    UPDATE runs SET status = 'lost', finished_at = now()
    WHERE thread_id = $3 AND status = 'running' AND (SELECT ok FROM claim)
),
inserted AS (
    INSERT INTO runs (run_id, thread_id, status, owner_pid)
    SELECT $2, $3, 'running', pg_backend_pid() FROM claim WHERE ok
    ON CONFLICT (run_id) DO NOTHING
    RETURNING run_id
)
SELECT (SELECT ok FROM claim) AS locked, EXISTS (SELECT 1 FROM inserted) AS inserted
"""

RELEASE_THREAD = """
WITH finished AS (UPDATE runs SET status = $3, finished_at = now() WHERE run_id = $2)
SELECT pg_advisory_unlock($1)
"""

UNLOCK_THREAD = "SELECT pg_advisory_unlock($1)"

SELECT_ACTIVE_RUN = """
SELECT run_id FROM runs WHERE thread_id = $1 AND status = 'running'
ORDER BY started_at DESC LIMIT 1
"""

SELECT_RUN = """
SELECT run_id, thread_id, status,
       status = 'running' AND NOT EXISTS (
           SELECT 1 FROM pg_stat_activity WHERE pid = runs.owner_pid
       ) AS owner_gone
FROM runs WHERE run_id = $1
"""

MARK_LOST = "UPDATE runs SET status = 'lost', finished_at = now() WHERE run_id = $1 AND status = 'running'"

INSERT_EVENTS = """
INSERT INTO run_events (run_id, seq, data)
SELECT $1, * FROM unnest($2::integer[], $3::text[])
ON CONFLICT DO NOTHING
"""

SELECT_EVENTS = "SELECT seq, data FROM run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq"

DELETE_OLD_RUNS = (
    "DELETE FROM runs WHERE status <> 'running' AND finished_at < now() - make_interval(secs => $1)"
)

Listener = Callable[[str], Awaitable[None] | None]


def thread_lock_key(thread_id: str) -> int:
    """A signed 64-bit advisory lock key for a thread."""
    digest = hashlib.blake2b(thread_id.encode(), digest_size=8, person=b"thread-lock").digest()
    return int.from_bytes(digest, "big", signed=True)


class RunCoordinator:
    """This process's control connection: thread locks, run rows, cross-process signals."""

    def __init__(self, url: str, pool: asyncpg.Pool) -> None:
        self._url = url
        self._pool = pool
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._listeners: dict[str, Listener] = {}
        self._handlers: set[asyncio.Future[Any]] = set()

    async def open(self) -> None:
        async with self._lock:
            await self._connect()

    async def close(self) -> None:
        async with self._lock:
            if self._conn is not None:
                await self._conn.close()
                self._conn = None

    async def listen(self, channel: str, callback: Listener) -> None:
        """Call `callback(payload)` for every notification on `channel`."""
        async with self._lock:
            conn = await self._control_connection()
            self._listeners[channel] = callback
            await conn.add_listener(channel, self._on_notification)

    async def claim_thread(self, *, thread_id: str, run_id: str) -> bool:
        """Take the thread for `run_id`; False when another run holds it.

        Raises RunExists when `run_id` was used before (a client may choose its run ids).
        """
        key = thread_lock_key(thread_id)
        locked, inserted = await self._on_control(CLAIM_THREAD, key, run_id, thread_id)
        if locked and not inserted:
            await self._on_control(UNLOCK_THREAD, key)
            raise RunExists(f"run {run_id} already exists")
        return bool(locked)

    async def release_thread(self, *, thread_id: str, run_id: str, status: str) -> None:
        await self._on_control(RELEASE_THREAD, thread_lock_key(thread_id), run_id, status)

    async def active_run(self, *, thread_id: str) -> str | None:
        return await self._pool.fetchval(SELECT_ACTIVE_RUN, thread_id)

    async def run_state(self, *, run_id: str) -> dict[str, Any] | None:
        """The run's row, with `owner_gone` when its process died mid-run."""
        row = await self._pool.fetchrow(SELECT_RUN, run_id)
        return dict(row) if row else None

    async def mark_lost(self, *, run_id: str) -> None:
        await self._pool.execute(MARK_LOST, run_id)

    async def notify(self, channel: str, payload: str) -> None:
        await self._pool.execute("SELECT pg_notify($1, $2)", channel, payload)

    async def publish_events(self, *, run_id: str, events: list[tuple[int, str]]) -> None:
        """Store events for followers in other processes, and wake them."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                INSERT_EVENTS, run_id, [seq for seq, _ in events], [data for _, data in events]
            )
            await conn.execute("SELECT pg_notify($1, $2)", EVENTS_CHANNEL, run_id)

    async def stored_events(self, *, run_id: str, after: int) -> list[tuple[int, str]]:
        return [(r["seq"], r["data"]) for r in await self._pool.fetch(SELECT_EVENTS, run_id, after)]

    async def delete_old_runs(self, *, older_than_seconds: float) -> None:
        await self._pool.execute(DELETE_OLD_RUNS, float(older_than_seconds))

    async def _on_control(self, query: str, *args: Any) -> Any:
        """The first row of `query` on the control connection: a value, or a tuple of several."""
        async with self._lock:
            conn = await self._control_connection()
            try:
                return _first_row(await conn.fetchrow(query, *args))
            except (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError):
                # The database restarted: the locks of this connection are gone with it.
                log.warning("control connection lost; reconnecting")
                await self._connect()
                assert self._conn is not None
                return _first_row(await self._conn.fetchrow(query, *args))

    async def _control_connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            await self._connect()
        assert self._conn is not None
        return self._conn

    async def _connect(self) -> None:
        if self._conn is not None and not self._conn.is_closed():
            self._conn.terminate()
        self._conn = await asyncpg.connect(self._url)
        for channel in self._listeners:
            await self._conn.add_listener(channel, self._on_notification)

    def _on_notification(self, _conn: Any, _pid: int, channel: str, payload: str) -> None:
        callback = self._listeners.get(channel)
        if callback is None:
            return
        result = callback(payload)
        if asyncio.iscoroutine(result):
            task = asyncio.ensure_future(result)
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
            task.add_done_callback(_log_failure)


def _first_row(row: asyncpg.Record | None) -> Any:
    if row is None:
        return None
    return row[0] if len(row) == 1 else tuple(row)


def _log_failure(task: "asyncio.Future[Any]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("notification handler failed", exc_info=task.exception())
