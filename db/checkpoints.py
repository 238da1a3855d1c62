"""The checkpointer: LangGraph's `AsyncPostgresSaver`, on a pool, keeping only each thread's latest state.

Two departures from the stock saver, both measured with `python -m bench`:

- No instance lock on a pool. The stock saver runs every database call behind
  one `asyncio.Lock`, needed when it shares a single connection but pure
  head-of-line blocking on a pool, where each call checks out its own
  connection (langgraph#7259, fix proposed in langgraph#7269).
- Superseded checkpoints are deleted as each new one is written. Every step of
  the stock saver stores the whole message list again, so a 200-turn thread
  kept about 100 times its text. The server reads only the latest checkpoint
  (thread state, `aupdate_state` after a cancel, the next turn), so older ones
  are dropped with their pending writes and the blobs only they referenced.
  With DURABILITY=async or sync a run writes an input checkpoint before its
  first step; that one skips the delete (the run's next checkpoint prunes), so
  the first token does not wait for it. With the default DURABILITY=exit each
  turn writes one checkpoint, and it prunes.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import ChannelVersions, Checkpoint, CheckpointMetadata
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg import AsyncCursor
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

# One statement, one round trip. Checkpoint ids are uuid6, ordered by time; a
# blob is superseded when its version sorts before the latest version of its
# channel (the saver's versions are zero-padded strings).
DELETE_SUPERSEDED = """
WITH writes AS (
    DELETE FROM checkpoint_writes
    WHERE thread_id = %(thread_id)s AND checkpoint_ns = %(ns)s AND checkpoint_id < %(latest)s
), checkpoints AS (
    DELETE FROM checkpoints
    WHERE thread_id = %(thread_id)s AND checkpoint_ns = %(ns)s AND checkpoint_id < %(latest)s
)
DELETE FROM checkpoint_blobs
WHERE thread_id = %(thread_id)s AND checkpoint_ns = %(ns)s
  AND version < %(versions)s::jsonb ->> channel
"""


class LatestPostgresSaver(AsyncPostgresSaver):
    """`AsyncPostgresSaver` that keeps the latest checkpoint of each thread and runs calls in parallel."""

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        saved = await super().aput(config, checkpoint, metadata, new_versions)
        if metadata.get("source") == "input":
            return saved  # the run's next checkpoint prunes, off the path to the first token
        configurable = saved["configurable"]
        params = {
            "thread_id": configurable["thread_id"],
            "ns": configurable["checkpoint_ns"],
            "latest": configurable["checkpoint_id"],
            "versions": Jsonb({k: str(v) for k, v in checkpoint["channel_versions"].items()}),
        }
        async with self._cursor() as cur:
            await cur.execute(DELETE_SUPERSEDED, params)
        return saved

    @asynccontextmanager
    async def _cursor(self, *, pipeline: bool = False) -> AsyncIterator[AsyncCursor[DictRow]]:
        if not isinstance(self.conn, AsyncConnectionPool):
            async with super()._cursor(pipeline=pipeline) as cur:
                yield cur
            return
        async with self.conn.connection() as conn:
            if pipeline and self.supports_pipeline:
                async with conn.pipeline(), conn.cursor(binary=True, row_factory=dict_row) as cur:
                    yield cur
            elif pipeline:
                async with conn.transaction(), conn.cursor(binary=True, row_factory=dict_row) as cur:
                    yield cur
            else:
                async with conn.cursor(binary=True, row_factory=dict_row) as cur:
                    yield cur
