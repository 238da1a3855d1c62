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

Messages load through `db/serde.py`'s serializer, which rebuilds them without
validating them again (the stored bytes are the stock serializer's).

One other departure from the stock saver: no instance lock on a pool. The
stock saver runs every database call behind one `asyncio.Lock`, needed when it
shares a single connection but pure head-of-line blocking on a pool, where each
call checks out its own connection (langgraph#7259, fix proposed in
langgraph#7269, still open in langgraph-checkpoint-postgres 3.2.0, which has no
public switch for it). `_cursor` is the upstream's one private seam for this;
`tests/test_checkpoint_contract.py` pins its signature and what it yields.

Writes started together share a round trip (`aput_writes`: at the end of a run
LangGraph stores a `DeltaChannel`'s writes with one call per step, all at once).

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

And a second: a `DeltaChannel`'s history is looked for in pages of 64
checkpoints (`walk_delta_history_in_short_pages`), not 1,024. The walk back to
the nearest snapshot reads a page of checkpoint rows at a time, each with a
lookup in the blobs, and the stock page is as long as the thread up to 1,024
checkpoints, however near the snapshot is: 0.5 ms of a turn at 200 turns
(measured here with pages of 128), growing with the thread. The default graph
snapshots every 100 updates (`agent/delta.py`), 50 plain turns, so one short
page nearly always reaches it; a graph that snapshots less often takes more pages, with
the same result. The page is the module's `_DELTA_PAGE_SIZE` (no switch, no
upstream issue yet), pinned like `asyncio` above.
"""

import asyncio
import random
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import langgraph.checkpoint.postgres.aio as saver_module
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.postgres.aio import WRITES_IDX_MAP, AsyncPostgresSaver
from langgraph.checkpoint.serde.base import SerializerProtocol
from psycopg import AsyncCursor, AsyncPipeline
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from db.serde import CheckpointSerializer

VERSION_DIGITS = 10  # a channel updated ten billion times in one thread wraps; none will be
DELTA_WALK_PAGE = 64  # checkpoints per page of a DeltaChannel history walk (stock: 1,024)


WriteCall = tuple[RunnableConfig, Sequence[tuple[str, Any]], str, str]  # aput_writes' arguments


class PoolPostgresSaver(AsyncPostgresSaver):
    """`AsyncPostgresSaver` with short channel versions, whose calls on a pool run in parallel."""

    _writes_batch: list[tuple[WriteCall, "asyncio.Future[None] | None"]] | None = None

    def __init__(
        self, conn: Any, pipe: AsyncPipeline | None = None, serde: SerializerProtocol | None = None
    ) -> None:
        super().__init__(conn, pipe, serde or CheckpointSerializer())

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """The stock `aput_writes`, except that calls started together share one round trip.

        At the end of a run LangGraph stores a `DeltaChannel`'s writes with one call per
        step, all started at once, and saves the checkpoint once they are in: each call
        was a pool checkout and a round trip of its own. The first call waits one loop
        turn for the others and writes them all in one pipeline. The statements are the
        stock saver's, on the same rows (`tests/test_checkpoint_contract.py`).
        """
        call: WriteCall = (config, writes, task_id, task_path)
        if self._writes_batch is not None:
            joined: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._writes_batch.append((call, joined))
            return await joined
        self._writes_batch = batch = [(call, None)]
        try:
            try:
                await asyncio.sleep(0)  # the calls started with this one join it now
            finally:
                self._writes_batch = None
            await self._write_calls([call for call, _ in batch])
        except BaseException as error:
            for _, joined in batch[1:]:
                if joined is not None and not joined.done():
                    if isinstance(error, asyncio.CancelledError):
                        joined.cancel()
                    else:
                        joined.set_exception(error)
            raise
        for _, joined in batch[1:]:
            if joined is not None and not joined.done():
                joined.set_result(None)

    async def _write_calls(self, calls: list[WriteCall]) -> None:
        async with self._cursor(pipeline=True) as cur:
            for config, writes, task_id, task_path in calls:
                query = (
                    self.UPSERT_CHECKPOINT_WRITES_SQL
                    if all(w[0] in WRITES_IDX_MAP for w in writes)
                    else self.INSERT_CHECKPOINT_WRITES_SQL
                )
                configurable = config["configurable"]
                params = self._dump_writes(
                    configurable["thread_id"],
                    configurable["checkpoint_ns"],
                    configurable["checkpoint_id"],
                    task_id,
                    task_path,
                    writes,
                )
                await cur.executemany(query, params)

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


def walk_delta_history_in_short_pages() -> None:
    """Make `AsyncPostgresSaver` walk a `DeltaChannel`'s history `DELTA_WALK_PAGE` checkpoints at a time."""
    saver_module._DELTA_PAGE_SIZE = DELTA_WALK_PAGE
