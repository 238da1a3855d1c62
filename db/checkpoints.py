"""The checkpointer: LangGraph's `AsyncPostgresSaver` on a pool, keeping every checkpoint.

Every turn's checkpoint is kept (history, forks); what keeps the tables small
is the graph's state (`agent/delta.py`: messages as a `DeltaChannel`) and the
retention sweep (`db/retention.py`, our own SQL on the saver's documented
tables, pinned by `tests/test_checkpoint_contract.py`).

Shorter channel versions: the stock saver writes `<32 digits>.<random float>`
(about 50 characters), and a checkpoint names five to ten of them, a third of
its row. `get_next_version` (public, meant to be overridden) writes `<10
digits>.<8 hex>` instead: the same order (zero-padded, and a version the old
format wrote sorts below any this one writes, so threads stored before keep
working) and a random part, so the blobs of two branches forked from one
checkpoint never share a key. Measured with `python -m bench --only growth`.

One other departure from the stock saver: no instance lock on a pool. The
stock saver runs every database call behind one `asyncio.Lock`, needed when it
shares a single connection but pure head-of-line blocking on a pool, where each
call checks out its own connection (langgraph#7259, fix proposed in
langgraph#7269, still open in langgraph-checkpoint-postgres 3.2.0, which has no
public switch for it). `_cursor` is the upstream's one private seam for this;
`tests/test_checkpoint_contract.py` pins its signature and what it yields.
"""

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg import AsyncCursor
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

VERSION_DIGITS = 10  # a channel updated ten billion times in one thread wraps; none will be


class PoolPostgresSaver(AsyncPostgresSaver):
    """`AsyncPostgresSaver` with short channel versions, whose calls on a pool run in parallel."""

    def get_next_version(self, current: str | int | None, channel: None) -> str:
        number = 0 if current is None else int(str(current).split(".")[0])
        return f"{number + 1:0{VERSION_DIGITS}d}.{random.getrandbits(32):08x}"

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
