"""Every turn's checkpoint is kept, yet each message is stored once; the saver runs calls in parallel."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import START, StateGraph
from psycopg.rows import dict_row

from agent.delta import ChatState
from db.checkpoints import PoolPostgresSaver
from db.pools import checkpoint_pool
from settings import Settings
from tests.sse import text_of, turn

COUNT_ROWS = """
SELECT (SELECT count(*) FROM checkpoints WHERE thread_id = %(t)s) AS checkpoints,
       (SELECT count(*) FROM checkpoint_blobs WHERE thread_id = %(t)s AND channel = 'messages') AS lists,
       (SELECT count(*) FROM checkpoint_writes WHERE thread_id = %(t)s AND channel = 'messages') AS writes
"""


async def rows_of(database_url: str, thread_id: str) -> dict[str, int]:
    async with await psycopg.AsyncConnection.connect(database_url, row_factory=dict_row) as conn:
        return await (await conn.execute(COUNT_ROWS, {"t": thread_id})).fetchone()


async def test_each_turn_keeps_a_checkpoint_and_stores_only_its_new_messages(
    client: httpx.AsyncClient, database_url: str
) -> None:
    thread_id = (await turn(client, "storage one [tokens=3]"))[0]["threadId"]
    for n in range(2, 6):
        events = await turn(client, f"storage {n} [tokens=3]", thread_id)
    assert text_of(events).startswith("turn5")
    # one checkpoint per turn and the thread's first (empty) one; each message written once,
    # and no whole message list stored (the first snapshot comes after SNAPSHOT_EVERY updates)
    assert await rows_of(database_url, thread_id) == {"checkpoints": 6, "lists": 0, "writes": 10}
    state = (await client.get(f"/api/threads/{thread_id}")).json()
    assert [m["role"] for m in state["messages"]] == ["user", "assistant"] * 5


async def test_a_tool_turn_keeps_the_whole_exchange(client: httpx.AsyncClient) -> None:
    thread_id = (await turn(client, "what is 6 * 7?"))[0]["threadId"]
    events = await turn(client, "and again [tokens=2]", thread_id)
    assert text_of(events).startswith("turn2")
    state = (await client.get(f"/api/threads/{thread_id}")).json()
    roles = [m["role"] for m in state["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant", "user", "assistant"]


@pytest.fixture
async def saver(database_url: str) -> AsyncIterator[PoolPostgresSaver]:
    """The server's checkpointer on the server's own pool."""
    async with checkpoint_pool(database_url, Settings(database_url=database_url, db_pool_size=4)) as pool:
        checkpointer = PoolPostgresSaver(pool)
        await checkpointer.setup()
        yield checkpointer


async def test_the_checkpointer_on_a_pool_takes_no_instance_lock(saver: PoolPostgresSaver) -> None:
    async with saver._cursor() as first, saver._cursor() as second:
        assert not saver.lock.locked()
        await asyncio.gather(first.execute("SELECT 1"), second.execute("SELECT 1"))


async def test_state_updates_apply_to_a_delta_channel(saver: PoolPostgresSaver) -> None:
    """What a cancelled run does: read the latest state, then update it."""
    builder = StateGraph(ChatState)
    builder.add_node("echo", lambda state: {"messages": [AIMessage("echo")]})
    builder.add_edge(START, "echo")
    graph = builder.compile(checkpointer=saver)
    config = {"configurable": {"thread_id": "storage-update"}}
    await saver.adelete_thread("storage-update")
    for text in ("one", "two"):
        await graph.ainvoke({"messages": [HumanMessage(text)]}, config, durability="exit")
    await graph.aupdate_state(config, {"messages": [AIMessage("partial")]})
    state = await graph.aget_state(config)
    assert [m.content for m in state.values["messages"]] == ["one", "echo", "two", "echo", "partial"]
