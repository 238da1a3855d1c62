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

And one departure for the whole saver module: its (de)serialization runs on the
event loop, not through `asyncio.to_thread` (`serialize_checkpoints_inline`).
The saver hands each dump and load to a thread, four a turn; a handoff costs
about 100 µs of CPU (measured here: 110 µs on uvloop, against some 10 µs for
dumping a turn's writes), and the work holds the GIL all along (msgpack over
Python objects), so the thread buys no parallelism, only the handoff. The
saver has no switch for it (no upstream issue asks for one yet), so the
module's `asyncio` name is given a `to_thread` that calls at once; the rest
of `asyncio` is untouched. `tests/test_checkpoint_contract.py` pins that the
saver still goes through that name.
"""

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import langgraph.checkpoint.postgres.aio as saver_module
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


T = TypeVar("T")


class _AsyncioCallingAtOnce:
    """`asyncio` as the saver module sees it, whose `to_thread` calls the function on the loop."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def to_thread(func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return func(*args, **kwargs)


def serialize_checkpoints_inline() -> None:
    """Make `AsyncPostgresSaver` dump and load on the event loop instead of a thread each time."""
    saver_module.asyncio = _AsyncioCallingAtOnce()  # type: ignore[assignment]
