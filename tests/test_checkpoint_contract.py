"""What our SQL and saver subclass assume of langgraph-checkpoint-postgres: an upgrade breaking it fails here.

db/branches.py and db/retention.py read and delete rows of the saver's tables
with our own SQL; db/checkpoints.py overrides the saver's `_cursor` to lift its
instance lock (langgraph#7259), writes `aput_writes` calls started together in one
round trip with the stock statements, and gives the saver's module an `asyncio` whose
`to_thread` calls at once (no thread handoff per dump and load) and walks a
`DeltaChannel`'s history in shorter pages.
"""

import asyncio
import inspect
from collections.abc import AsyncIterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Annotated, Any

import langgraph.checkpoint.postgres.aio as saver_module
import pytest
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.channels import DeltaChannel
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.graph import START, StateGraph
from typing_extensions import TypedDict

from agent.delta import add_message_batches
from db.checkpoints import (
    DELTA_WALK_PAGE,
    PoolPostgresSaver,
    serialize_checkpoints_inline,
    walk_delta_history_in_short_pages,
)
from db.pools import checkpoint_pool
from settings import Settings

COLUMNS = """
SELECT table_name, column_name, data_type FROM information_schema.columns
WHERE table_schema = current_schema()
  AND table_name IN ('checkpoints', 'checkpoint_writes', 'checkpoint_blobs')
"""

# The columns our SQL names, with their types.
EXPECTED = {
    ("checkpoints", "thread_id", "text"),
    ("checkpoints", "checkpoint_ns", "text"),
    ("checkpoints", "checkpoint_id", "text"),
    ("checkpoints", "parent_checkpoint_id", "text"),
    ("checkpoints", "checkpoint", "jsonb"),
    ("checkpoints", "metadata", "jsonb"),
    ("checkpoint_writes", "thread_id", "text"),
    ("checkpoint_writes", "checkpoint_ns", "text"),
    ("checkpoint_writes", "checkpoint_id", "text"),
    ("checkpoint_blobs", "thread_id", "text"),
    ("checkpoint_blobs", "checkpoint_ns", "text"),
    ("checkpoint_blobs", "channel", "text"),
    ("checkpoint_blobs", "version", "text"),
}


class Twice(TypedDict):
    messages: Annotated[list[AnyMessage], DeltaChannel(add_message_batches, snapshot_frequency=2)]


@pytest.fixture
async def saver(database_url: str) -> AsyncIterator[PoolPostgresSaver]:
    async with checkpoint_pool(database_url, Settings(database_url=database_url, db_pool_size=4)) as pool:
        checkpointer = PoolPostgresSaver(pool)
        await checkpointer.setup()
        yield checkpointer


async def echo_turns(saver: PoolPostgresSaver, state: type, echo: Any, thread_id: str, turns: int) -> Any:
    """A one-node graph (START -> `echo`) on `saver`, after `turns` turns "0", "1", ... on a new
    thread, each stored once at its end and named `<thread_id>-<n>`; the graph and the config."""
    builder = StateGraph(state)
    builder.add_node("echo", echo)
    builder.add_edge(START, "echo")
    graph = builder.compile(checkpointer=saver)
    await saver.adelete_thread(thread_id)
    config: dict[str, Any] = {"configurable": {"thread_id": thread_id}}
    for n in range(turns):
        turn = {**config, "metadata": {"run_id": f"{thread_id}-{n}"}}
        await graph.ainvoke({"messages": [HumanMessage(str(n))]}, turn, durability="exit")
    return graph, config


async def test_the_saver_tables_have_the_columns_our_sql_uses(saver: PoolPostgresSaver) -> None:
    async with saver._cursor() as cur:
        await cur.execute(COLUMNS)
        found = {(r["table_name"], r["column_name"], r["data_type"]) for r in await cur.fetchall()}
    assert not EXPECTED - found, EXPECTED - found


async def test_a_checkpoint_names_its_run_its_blobs_and_its_delta_snapshots(saver: PoolPostgresSaver) -> None:
    await echo_turns(saver, Twice, lambda state: {"messages": [AIMessage("echo")]}, "contract", 3)
    async with saver._cursor() as cur:
        await cur.execute(
            "SELECT checkpoint, metadata FROM checkpoints WHERE thread_id = 'contract' AND checkpoint_ns = ''"
        )
        rows = await cur.fetchall()
        assert {r["metadata"].get("run_id") for r in rows} == {f"contract-{n}" for n in range(3)}
        snapshots = [
            r["checkpoint"] for r in rows if r["checkpoint"]["channel_values"].get("messages") is True
        ]
        assert snapshots, "a DeltaChannel snapshot shows as channel_values.<name> = true"
        version = snapshots[0]["channel_versions"]["messages"]
        await cur.execute(
            "SELECT count(*) AS n FROM checkpoint_blobs WHERE thread_id = 'contract' AND channel = 'messages'"
            " AND version = %s",
            (version,),
        )
        assert (await cur.fetchone())["n"] == 1  # its blob, named by the checkpoint's channel_versions


def test_the_upstream_cursor_is_the_seam_we_override() -> None:
    upstream = AsyncPostgresSaver._cursor
    assert list(inspect.signature(upstream).parameters) == ["self", "pipeline"]
    assert inspect.signature(upstream).parameters["pipeline"].kind is inspect.Parameter.KEYWORD_ONLY
    # Still behind the instance lock upstream: when this fails, langgraph#7259 is fixed upstream
    # and db/checkpoints.py's override can go.
    assert "self.lock" in inspect.getsource(upstream)


def test_short_channel_versions_sort_as_their_numbers_and_above_the_stock_ones() -> None:
    saver = PoolPostgresSaver.__new__(PoolPostgresSaver)
    versions = [saver.get_next_version(None, None)]
    for _ in range(120):
        versions.append(saver.get_next_version(versions[-1], None))
    assert versions == sorted(versions) and len(versions[-1]) < 20
    stock = AsyncPostgresSaver.get_next_version(saver, "00000000000000000000000000000041.0.5", None)
    assert saver.get_next_version(stock, None) > stock  # a thread stored before goes on in order
    assert saver.get_next_version(stock, None).startswith("0000000043.")
    assert saver.get_next_version("0000000007.a", None) != saver.get_next_version("0000000007.a", None)


class NoThreads(ThreadPoolExecutor):
    def submit(self, *args: object, **kwargs: object) -> Future:  # type: ignore[override]
        raise AssertionError("the saver handed work to a thread")


async def test_the_saver_dumps_and_loads_through_its_modules_asyncio_on_the_loop(
    saver: PoolPostgresSaver,
) -> None:
    """The name `serialize_checkpoints_inline` replaces is the one the saver calls: with no thread
    to hand work to, a checkpoint, its writes and its reading back all still work."""
    source = inspect.getsource(saver_module)
    assert "asyncio.to_thread(" in source and "import asyncio" in source
    serialize_checkpoints_inline()
    loop = asyncio.get_running_loop()
    loop.set_default_executor(NoThreads(max_workers=1))
    try:

        async def echo(state: Twice) -> dict:  # a sync node would run in a thread of LangGraph's
            return {"messages": [AIMessage("echo")]}

        graph, config = await echo_turns(saver, Twice, echo, "inline", 3)
        state = await graph.aget_state(config)
        assert [m.text for m in state.values["messages"]] == ["0", "echo", "1", "echo", "2", "echo"]
    finally:
        loop.set_default_executor(ThreadPoolExecutor())


WRITE_ROWS = """
SELECT checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, blob
FROM checkpoint_writes WHERE thread_id = %s ORDER BY task_id, idx
"""


async def test_writes_started_together_are_the_stock_savers_rows_in_one_round_trip(
    saver: PoolPostgresSaver,
) -> None:
    writes = {
        "task-a": [("messages", [HumanMessage("hi", id="h1")])],
        "task-b": [("messages", [AIMessage("hello", id="a1")]), ("branch:to:agent", None)],
    }

    def config(thread_id: str) -> dict:
        return {"configurable": {"thread_id": thread_id, "checkpoint_ns": "", "checkpoint_id": "cp-1"}}

    for thread_id in ("stock-writes", "our-writes"):
        await saver.adelete_thread(thread_id)
    for task_id, task_writes in writes.items():
        await AsyncPostgresSaver.aput_writes(saver, config("stock-writes"), task_writes, task_id, "~path")
    checkouts = saver.conn.get_stats().get("requests_num", 0)
    await asyncio.gather(
        *(saver.aput_writes(config("our-writes"), w, task_id, "~path") for task_id, w in writes.items())
    )
    assert saver.conn.get_stats().get("requests_num", 0) - checkouts == 1
    async with saver._cursor() as cur:
        await cur.execute(WRITE_ROWS, ("stock-writes",))
        stock = await cur.fetchall()
        await cur.execute(WRITE_ROWS, ("our-writes",))
        ours = await cur.fetchall()
    assert ours == stock and len(ours) == 3


async def test_a_delta_history_longer_than_a_walk_page_replays_whole(
    saver: PoolPostgresSaver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page `walk_delta_history_in_short_pages` shortens is the one the history walk reads;
    a snapshot several pages back is still found, and the messages after it replayed."""
    assert isinstance(saver_module._DELTA_PAGE_SIZE, int)
    assert "_DELTA_PAGE_SIZE" in inspect.getsource(AsyncPostgresSaver.aget_delta_channel_history)
    walk_delta_history_in_short_pages()
    assert saver_module._DELTA_PAGE_SIZE == DELTA_WALK_PAGE
    monkeypatch.setattr(saver_module, "_DELTA_PAGE_SIZE", 2)

    class Rare(TypedDict):
        messages: Annotated[list[AnyMessage], DeltaChannel(add_message_batches, snapshot_frequency=9)]

    def echo(state: Rare) -> dict:
        return {"messages": [AIMessage(f"echo {len(state['messages'])}")]}

    graph, config = await echo_turns(saver, Rare, echo, "pages", 7)
    texts = [m.content for m in (await graph.aget_state(config)).values["messages"]]
    assert texts == [text for n in range(7) for text in (str(n), f"echo {2 * n + 1}")]
