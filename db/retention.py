"""History retention and thread time-to-live, swept in the background.

`HISTORY_TURNS` keeps each thread's checkpoints of its last N turns (runs),
and with them every older checkpoint their state is rebuilt from: a
`DeltaChannel` is replayed from the nearest ancestor holding a snapshot of it,
so those ancestors and their writes stay (the upstream `aprune` refuses
delta threads for this reason). The rest is deleted by our own SQL on the
saver's documented tables (`checkpoints`, `checkpoint_writes`,
`checkpoint_blobs`; their shape is pinned by tests/test_checkpoint_contract.py).

`THREAD_TTL` deletes threads whose last message row is older than that, with
the saver's public `adelete_thread` and our rows' own delete.

Both take the thread's advisory lock for their transaction (the lock a run
holds for its whole turn), so neither touches a thread while a turn writes to
it; a busy thread is tried again at the next sweep.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from langgraph.checkpoint.base import BaseCheckpointSaver

from background import BackgroundTasks
from db import messages as rows
from db.runs import thread_lock_key

log = logging.getLogger(__name__)

BATCH = 500  # threads looked at per query of a sweep

TRY_LOCK_THREAD = "SELECT pg_try_advisory_xact_lock($1)"

SELECT_NOW = "SELECT now()"

SELECT_UPDATED_THREADS = """
SELECT thread_id, updated_at FROM threads WHERE updated_at >= $1 ORDER BY updated_at, thread_id LIMIT $2
"""

SELECT_EXPIRED_THREADS = """
SELECT thread_id FROM threads WHERE updated_at < now() - make_interval(secs => $1)
ORDER BY updated_at LIMIT $2
"""

SELECT_ROOT_CHECKPOINTS = """
SELECT checkpoint_id, parent_checkpoint_id, metadata ->> 'run_id' AS run_id,
       ARRAY(SELECT jsonb_object_keys(checkpoint -> 'channel_values')) AS stored
FROM checkpoints WHERE thread_id = $1 AND checkpoint_ns = '' ORDER BY checkpoint_id DESC
"""

DELETE_WRITES = """
DELETE FROM checkpoint_writes
WHERE thread_id = $1 AND checkpoint_ns = '' AND checkpoint_id = ANY($2::text[])
"""

DELETE_CHECKPOINTS = """
DELETE FROM checkpoints WHERE thread_id = $1 AND checkpoint_ns = '' AND checkpoint_id = ANY($2::text[])
"""

# Subgraph checkpoints carry their own namespace; those older than every kept turn go.
DELETE_NESTED_WRITES = """
DELETE FROM checkpoint_writes WHERE thread_id = $1 AND checkpoint_ns <> '' AND checkpoint_id < $2
"""

DELETE_NESTED_CHECKPOINTS = """
DELETE FROM checkpoints WHERE thread_id = $1 AND checkpoint_ns <> '' AND checkpoint_id < $2
"""

# A blob is read through a checkpoint's channel_versions; one no checkpoint names is unreachable.
DELETE_UNREFERENCED_BLOBS = """
DELETE FROM checkpoint_blobs b
WHERE b.thread_id = $1 AND NOT EXISTS (
    SELECT 1 FROM checkpoints c
    WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = b.checkpoint_ns
      AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version
)
"""


# A rolled-back run's checkpoints (its run id is in their metadata, in every namespace) and writes.
DELETE_RUN_CHECKPOINTS = """
WITH gone AS (
    DELETE FROM checkpoints WHERE thread_id = $1 AND metadata ->> 'run_id' = $2
    RETURNING checkpoint_ns, checkpoint_id
)
DELETE FROM checkpoint_writes w USING gone g
WHERE w.thread_id = $1 AND w.checkpoint_ns = g.checkpoint_ns AND w.checkpoint_id = g.checkpoint_id
"""


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    checkpoint_id: str
    parent_checkpoint_id: str | None
    run_id: str | None
    stored: frozenset[str]  # channels whose value (or DeltaChannel snapshot) this checkpoint holds


def checkpoints_to_keep(
    newest_first: Sequence[StoredCheckpoint], *, turns: int, delta_channels: Sequence[str]
) -> set[str]:
    """The checkpoints of the last `turns` runs, and the ancestors their delta channels replay from."""
    by_id = {c.checkpoint_id: c for c in newest_first}
    recent: list[str] = []
    keep: set[str] = set()
    for checkpoint in newest_first:
        turn = checkpoint.run_id or checkpoint.checkpoint_id
        if turn not in recent:
            if len(recent) == turns:
                continue
            recent.append(turn)
        keep.add(checkpoint.checkpoint_id)
    for checkpoint_id in list(keep):
        checkpoint = by_id[checkpoint_id]
        missing = set(delta_channels) - checkpoint.stored
        parent = checkpoint.parent_checkpoint_id
        while missing and parent in by_id:
            keep.add(parent)
            missing -= by_id[parent].stored
            parent = by_id[parent].parent_checkpoint_id
    return keep


async def prune_thread(
    pool: asyncpg.Pool, *, thread_id: str, turns: int, delta_channels: Sequence[str]
) -> int | None:
    """Delete the thread's checkpoints outside its last `turns`; how many, or None if a run holds it."""
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval(TRY_LOCK_THREAD, thread_lock_key(thread_id)):
            return None
        found = [
            StoredCheckpoint(
                r["checkpoint_id"], r["parent_checkpoint_id"], r["run_id"], frozenset(r["stored"])
            )
            for r in await conn.fetch(SELECT_ROOT_CHECKPOINTS, thread_id)
        ]
        keep = checkpoints_to_keep(found, turns=turns, delta_channels=delta_channels)
        drop = [c.checkpoint_id for c in found if c.checkpoint_id not in keep]
        if not drop:
            return 0
        kept = [c for c in found if c.checkpoint_id in keep]
        oldest = min(
            [c.checkpoint_id for c in kept] + [c.parent_checkpoint_id for c in kept if c.parent_checkpoint_id]
        )
        await conn.execute(DELETE_WRITES, thread_id, drop)
        await conn.execute(DELETE_CHECKPOINTS, thread_id, drop)
        await conn.execute(DELETE_NESTED_WRITES, thread_id, oldest)
        await conn.execute(DELETE_NESTED_CHECKPOINTS, thread_id, oldest)
        await conn.execute(DELETE_UNREFERENCED_BLOBS, thread_id)
        return len(drop)


async def expire_thread(pool: asyncpg.Pool, checkpointer: BaseCheckpointSaver, *, thread_id: str) -> bool:
    """Delete the thread's checkpoints and rows unless a run holds it; whether it was deleted."""
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval(TRY_LOCK_THREAD, thread_lock_key(thread_id)):
            return False
        await checkpointer.adelete_thread(thread_id)
        await rows.delete_thread(pool, thread_id=thread_id)
        return True


class Retention:
    """The background sweep applying HISTORY_TURNS and THREAD_TTL."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        checkpointer: BaseCheckpointSaver,
        delta_channels: Sequence[str],
        history_turns: int | None,
        thread_ttl: float | None,
        every: float,
    ) -> None:
        self._pool = pool
        self._checkpointer = checkpointer
        self._delta_channels = list(delta_channels)
        self._history_turns = history_turns
        self._thread_ttl = thread_ttl
        self._every = every
        self._since = datetime.min.replace(
            tzinfo=UTC
        )  # threads updated since then are pruned at the next sweep
        self._busy: set[str] = set()  # threads a run held at the last sweep
        self._tasks = BackgroundTasks("retention")

    def open(self) -> None:
        if self._history_turns is not None or self._thread_ttl is not None:
            self._tasks.spawn(self._sweep_forever(), name="history retention and thread TTL")

    async def close(self) -> None:
        await self._tasks.cancel()

    async def sweep(self) -> None:
        """Apply THREAD_TTL, then HISTORY_TURNS to the threads updated since the last sweep."""
        if self._thread_ttl is not None:
            for record in await self._pool.fetch(SELECT_EXPIRED_THREADS, self._thread_ttl, BATCH):
                if await expire_thread(self._pool, self._checkpointer, thread_id=record["thread_id"]):
                    log.info("thread %s idle for over %.0fs: deleted", record["thread_id"], self._thread_ttl)
        if self._history_turns is None:
            return
        started = await self._pool.fetchval(SELECT_NOW)
        found = await self._pool.fetch(SELECT_UPDATED_THREADS, self._since, BATCH)
        updated = [r["thread_id"] for r in found]
        busy, self._busy = self._busy, set()
        for thread_id in dict.fromkeys([*busy, *updated]):
            pruned = await prune_thread(
                self._pool,
                thread_id=thread_id,
                turns=self._history_turns,
                delta_channels=self._delta_channels,
            )
            if pruned is None:
                self._busy.add(thread_id)
        self._since = started if len(found) < BATCH else found[-1]["updated_at"]

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.exception("the retention sweep failed; trying again in %.0fs", self._every)
            await asyncio.sleep(self._every)


async def forget_run(pool: asyncpg.Pool, *, thread_id: str, run_id: str) -> None:
    """Delete every checkpoint a run wrote: the thread is as it was before the run (a rollback).

    The caller holds the thread, and the run wrote the newest checkpoints, so no kept
    checkpoint replays from one deleted here.
    """
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(DELETE_RUN_CHECKPOINTS, thread_id, run_id)
        await conn.execute(DELETE_UNREFERENCED_BLOBS, thread_id)
