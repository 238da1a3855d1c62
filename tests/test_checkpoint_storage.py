"""A thread's checkpoint rows hold its latest state only, and the checkpointer runs calls in parallel."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import START, MessagesState, StateGraph
from psycopg.rows import dict_row

from db.checkpoints import LatestPostgresSaver
from db.pools import checkpoint_pool
from settings import Settings
from tests.processes import ServerProcess
from tests.sse import text_of, turn

COUNT_ROWS = """
SELECT (SELECT count(*) FROM checkpoints WHERE thread_id = %(t)s) AS checkpoints,
       (SELECT count(*) FROM checkpoint_blobs WHERE thread_id = %(t)s AND channel = 'messages') AS lists
"""


async def rows_of(database_url: str, thread_id: str) -> dict[str, int]:
    async with await psycopg.AsyncConnection.connect(database_url, row_factory=dict_row) as conn:
        return await (await conn.execute(COUNT_ROWS, {"t": thread_id})).fetchone()


async def test_a_thread_keeps_one_checkpoint_and_one_message_list(
    client: httpx.AsyncClient, server: ServerProcess, database_url: str
) -> None:
    thread_id = (await turn(client, "storage one [tokens=3]"))[0]["threadId"]
    for n in range(2, 6):
        events = await turn(client, f"storage {n} [tokens=3]", thread_id)
    assert text_of(events).startswith("turn5")
    assert await rows_of(database_url, thread_id) == {"checkpoints": 1, "lists": 1}
    state = (await client.get(f"/api/threads/{thread_id}")).json()
    assert [m["role"] for m in state["messages"]] == ["user", "assistant"] * 5


async def test_a_tool_turn_keeps_the_whole_exchange(client: httpx.AsyncClient, database_url: str) -> None:
    thread_id = (await turn(client, "what is 6 * 7?"))[0]["threadId"]
    events = await turn(client, "and again [tokens=2]", thread_id)
    assert text_of(events).startswith("turn2")
    assert (await rows_of(database_url, thread_id))["checkpoints"] == 1
    state = (await client.get(f"/api/threads/{thread_id}")).json()
    roles = [m["role"] for m in state["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant", "user", "assistant"]


@pytest.fixture
async def saver(database_url: str) -> AsyncIterator[LatestPostgresSaver]:
    """The server's checkpointer on the server's own pool."""
    async with checkpoint_pool(database_url, Settings(database_url=database_url, db_pool_size=4)) as pool:
        checkpointer = LatestPostgresSaver(pool)
        await checkpointer.setup()
        yield checkpointer


async def test_the_checkpointer_on_a_pool_takes_no_instance_lock(saver: LatestPostgresSaver) -> None:
    async with saver._cursor() as first, saver._cursor() as second:
        assert not saver.lock.locked()
        await asyncio.gather(first.execute("SELECT 1"), second.execute("SELECT 1"))


async def test_state_updates_after_pruning_still_apply(saver: LatestPostgresSaver, database_url: str) -> None:
    """What a cancelled run does: read the latest state, then update it."""
    builder = StateGraph(MessagesState)
    builder.add_node("echo", lambda state: {"messages": [AIMessage("echo")]})
    builder.add_edge(START, "echo")
    graph = builder.compile(checkpointer=saver)
    config = {"configurable": {"thread_id": "storage-update"}}
    await saver.adelete_thread("storage-update")
    for text in ("one", "two"):
        await graph.ainvoke({"messages": [HumanMessage(text)]}, config)
    await graph.aupdate_state(config, {"messages": [AIMessage("partial")]})
    state = await graph.aget_state(config)
    assert [m.content for m in state.values["messages"]] == ["one", "echo", "two", "echo", "partial"]
    assert (await rows_of(database_url, "storage-update"))["checkpoints"] == 1
