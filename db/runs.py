"""Run bookkeeping shared by every server process on one database.

One run per thread is enforced by a session-level advisory lock, held on this
process's control connection for as long as the run goes on. A process that
dies closes its connection and so releases its locks. Whether a thread is busy
is therefore read from `pg_locks` (the run row of the lock's holder), never
from a `runs` row alone, which a dead process leaves as 'running'.

When the control connection drops (PostgreSQL restarted), its locks and
LISTENs are gone. It is re-opened at once, in the background; before it serves
anything else it listens again and re-takes the locks of this process's runs
in flight. A lock another process took in the meantime is reported through
`on_lock_lost`, so that run can end instead of writing over the other's turn.
"""

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg

from background import BackgroundTasks
from errors import RunExists

log = logging.getLogger(__name__)

RECONNECT_FIRST_DELAY = 0.1
RECONNECT_MAX_DELAY = 2.0
# The control connection writes only run bookkeeping, which a crash of the database makes moot
# (the locks go with the sessions; a run left 'running' is read as lost): its commits need not
# wait for the WAL to reach the disk. That wait (1-5 ms here) came before every first token.
CONTROL_SESSION = {"synchronous_commit": "off"}

# Migration 7 (db/schema.py): the lock; then, if taken, older runs of the thread marked lost,
# the run's row, and whether the thread waits on a person (`threads.interrupts`).
CLAIM_THREAD = "SELECT locked, inserted, waiting FROM claim_thread($1, $2, $3)"

RETAKE_THREAD = """
WITH claim AS (SELECT pg_try_advisory_lock($1) AS ok)
UPDATE runs SET owner_pid = pg_backend_pid()
WHERE run_id = $2 AND (SELECT ok FROM claim)
RETURNING run_id
"""

RELEASE_THREAD = """
WITH finished AS (
    UPDATE runs SET status = $3, finished_at = now(), last_seq = $4,
                    first_token_ms = $5, tokens = $6, input_tokens = $7, output_tokens = $8
    WHERE run_id = $2
)
SELECT pg_advisory_unlock($1)
"""

UNLOCK_THREAD = "SELECT pg_advisory_unlock($1)"

# The lock's holder is alive by definition: PostgreSQL drops a session's locks with it.
HOLDS_LOCK = """
EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.pid = runs.owner_pid
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND ((l.classid::int8 << 32) | l.objid::int8) = runs.lock_key
)
"""

SELECT_ACTIVE_RUN = f"""
SELECT run_id FROM runs
WHERE thread_id = $1 AND status = 'running' AND {HOLDS_LOCK}
ORDER BY started_at DESC LIMIT 1
"""

# Gone: no process holds the run's thread and its owner's session has ended. Both, since a
# release unlocks the thread a moment before its status update is visible to others.
SELECT_RUN = f"""
SELECT run_id, thread_id, status, last_seq,
       status = 'running' AND NOT {HOLDS_LOCK}
       AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = runs.owner_pid) AS owner_gone
FROM runs WHERE run_id = $1
"""

MARK_LOST = "UPDATE runs SET status = 'lost', finished_at = now() WHERE run_id = $1 AND status = 'running'"

INSERT_EVENTS = """
INSERT INTO run_events (run_id, seq, data)
SELECT $1, * FROM unnest($2::integer[], $3::text[])
ON CONFLICT DO NOTHING
"""

SELECT_EVENTS = "SELECT seq, data FROM run_events WHERE run_id = $1 AND seq > $2 ORDER BY seq"

DELETE_OLD_RUNS = """
WITH runs AS (
    DELETE FROM runs WHERE status <> 'running' AND finished_at < now() - make_interval(secs => $1)
)
DELETE FROM deleted_threads WHERE deleted_at < now() - make_interval(secs => $2)
"""

Listener = Callable[[str], Awaitable[None] | None]
LockLost = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Claim:
    """A thread taken for a run."""

    waiting: bool  # its last run ended waiting on a person (`threads.interrupts` is set)


@dataclass(frozen=True, slots=True)
class RunState:
    run_id: str
    thread_id: str
    status: str
    last_seq: int | None  # the run's last event, once it finished
    owner_gone: bool  # 'running', but no process holds its thread


def thread_lock_key(thread_id: str) -> int:
    """A signed 64-bit advisory lock key for a thread."""
    digest = hashlib.blake2b(thread_id.encode(), digest_size=8, person=b"thread-lock").digest()
    return int.from_bytes(digest, "big", signed=True)


class RunCoordinator:
    """This process's control connection: thread locks, run rows, cross-process signals."""

    def __init__(self, url: str, pool: asyncpg.Pool, *, on_lock_lost: LockLost | None = None) -> None:
        self._url = url
        self._pool = pool
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._listeners: dict[str, Listener] = {}
        self._held: dict[str, str] = {}  # thread id -> run id, locked on the control connection
        self._on_lock_lost = on_lock_lost
        self._tasks = BackgroundTasks("run coordinator")
        self._closing = False

    def on_lock_lost(self, callback: LockLost) -> None:
        self._on_lock_lost = callback

    async def open(self) -> None:
        async with self._lock:
            await self._connect()

    async def close(self) -> None:
        self._closing = True
        await self._tasks.cancel()
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

    async def claim_thread(self, *, thread_id: str, run_id: str) -> Claim | None:
        """Take the thread for `run_id`; None when another run holds it.

        Raises RunExists when `run_id` was used before (a client may choose its run ids).
        """
        key = thread_lock_key(thread_id)
        async with self._lock:
            if thread_id in self._held:  # advisory locks are re-entrant within a session
                return None
            locked, inserted, waiting = await self._control(CLAIM_THREAD, key, run_id, thread_id)
            if locked and not inserted:
                await self._control(UNLOCK_THREAD, key)
                raise RunExists(f"run {run_id} already exists")
            if not locked:
                return None
            self._held[thread_id] = run_id
            return Claim(waiting=bool(waiting))

    async def release_thread(
        self,
        *,
        thread_id: str,
        run_id: str,
        status: str,
        last_seq: int,
        first_token_ms: int | None = None,
        tokens: int = 0,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
    ) -> None:
        """Unlock the thread and record how the run ended, with the figures the runs list shows."""
        async with self._lock:
            if self._held.get(thread_id) == run_id:
                del self._held[thread_id]
            await self._control(
                RELEASE_THREAD,
                thread_lock_key(thread_id),
                run_id,
                status,
                last_seq,
                first_token_ms,
                tokens,
                input_tokens,
                output_tokens,
            )

    async def active_run(self, *, thread_id: str) -> str | None:
        """The run that holds the thread now, in any live process."""
        return await self._pool.fetchval(SELECT_ACTIVE_RUN, thread_id)

    async def run_state(self, *, run_id: str) -> RunState | None:
        row = await self._pool.fetchrow(SELECT_RUN, run_id)
        return RunState(**dict(row)) if row else None

    async def mark_lost(self, *, run_id: str) -> None:
        await self._pool.execute(MARK_LOST, run_id)

    async def notify(self, channel: str, payload: str) -> None:
        await self._pool.execute("SELECT pg_notify($1, $2)", channel, payload)

    async def publish_events(self, *, run_id: str, events: list[tuple[int, str]], channel: str) -> None:
        """Store events for followers in other processes, and wake them on `channel`."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                INSERT_EVENTS, run_id, [seq for seq, _ in events], [data for _, data in events]
            )
            await conn.execute("SELECT pg_notify($1, $2)", channel, run_id)

    async def stored_events(self, *, run_id: str, after: int) -> list[tuple[int, str]]:
        return [(r["seq"], r["data"]) for r in await self._pool.fetch(SELECT_EVENTS, run_id, after)]

    async def delete_old_runs(self, *, older_than_seconds: float, tombstones_after_seconds: float) -> None:
        await self._pool.execute(DELETE_OLD_RUNS, float(older_than_seconds), float(tombstones_after_seconds))

    async def _control(self, query: str, *args: Any) -> Any:
        """The first row of `query` on the control connection (the caller holds `_lock`)."""
        conn = await self._control_connection()
        try:
            return _first_row(await conn.fetchrow(query, *args))
        except (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError):
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
        """Open the control connection, listen again and re-take the locks of runs in flight."""
        if self._conn is not None and not self._conn.is_closed():
            self._conn.terminate()
        self._conn = None
        conn = await asyncpg.connect(self._url, server_settings=CONTROL_SESSION)
        for channel in self._listeners:
            await conn.add_listener(channel, self._on_notification)
        for thread_id, run_id in list(self._held.items()):
            if await conn.fetchval(RETAKE_THREAD, thread_lock_key(thread_id), run_id) is None:
                log.warning("run %s: thread %s was taken while the database was away", run_id, thread_id)
                del self._held[thread_id]
                if self._on_lock_lost is not None:
                    self._on_lock_lost(run_id)
        conn.add_termination_listener(self._on_terminated)
        self._conn = conn

    def _on_terminated(self, conn: asyncpg.Connection) -> None:
        if not self._closing and conn is self._conn:
            self._tasks.spawn(self._reconnect(), name="control connection reconnect")

    async def _reconnect(self) -> None:
        delay = RECONNECT_FIRST_DELAY
        while not self._closing:
            try:
                async with self._lock:
                    if self._conn is None or self._conn.is_closed():
                        await self._connect()
                log.info("control connection re-opened")
                return
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("control connection: reconnecting failed (%r); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_DELAY)

    def _on_notification(self, _conn: Any, _pid: int, channel: str, payload: str) -> None:
        callback = self._listeners.get(channel)
        if callback is None:
            return
        result = callback(payload)
        if asyncio.iscoroutine(result):
            self._tasks.spawn(result, name=f"notification on {channel}")


def _first_row(row: asyncpg.Record | None) -> Any:
    if row is None:
        return None
    return row[0] if len(row) == 1 else tuple(row)
