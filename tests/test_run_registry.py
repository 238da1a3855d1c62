"""The run registry, in this process on a real PostgreSQL: one run per thread, runs found and followed."""

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, MessagesState, StateGraph

from agent.ids import new_id
from db.recorder import MessageRecorder
from db.runs import RunCoordinator
from db.schema import migrate
from errors import NotFound, RunExists, ThreadBusy
from runs.registry import RunRegistry
from runs.waiting import WaitingThreads
from settings import Settings


def held_graph(release: asyncio.Event):
    """A graph whose one node answers once `release` is set."""

    async def answer(state: MessagesState) -> dict:
        await release.wait()
        return {"messages": [AIMessage("done", id=new_id())]}

    graph = StateGraph(MessagesState)
    graph.add_node("answer", answer)
    graph.add_edge(START, "answer")
    graph.add_edge("answer", END)
    return graph.compile(checkpointer=InMemorySaver())


@pytest.fixture
async def release() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture
async def registry(database_url: str, release: asyncio.Event) -> AsyncIterator[RunRegistry]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    await migrate(pool)
    coordinator = RunCoordinator(database_url, pool)
    await coordinator.open()
    recorder = MessageRecorder(pool)
    graph = held_graph(release)
    runs = RunRegistry(
        graph=graph,
        coordinator=coordinator,
        recorder=recorder,
        settings=Settings(_env_file=None, database_url=database_url, shutdown_grace_seconds=5),
        waiting=WaitingThreads(graph=graph, pool=pool),
    )
    await runs.open()
    yield runs
    release.set()
    await runs.shutdown()
    await recorder.drain(5)
    await coordinator.close()
    await pool.close()


def said(text: str) -> list:
    return [HumanMessage(text, id=new_id())]


async def test_a_second_run_on_a_busy_thread_is_refused_naming_the_first(registry, release) -> None:
    thread_id = new_id()
    first = await registry.start(thread_id=thread_id, messages=said("one"))
    with pytest.raises(ThreadBusy) as refused:
        await registry.start(thread_id=thread_id, messages=said("two"))
    assert refused.value.details["run_id"] == first.run_id
    assert await registry.active_run_id(thread_id) == first.run_id
    release.set()
    assert first.task is not None
    await first.task
    assert first.status == "success" and await registry.active_run_id(thread_id) is None


async def test_runs_racing_for_one_thread_in_one_process_name_the_winner(registry) -> None:
    thread_id = new_id()
    outcomes = await asyncio.gather(
        *(registry.start(thread_id=thread_id, messages=said(f"racer {n}")) for n in range(10)),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(winners) == 1
    assert {o.details["run_id"] for o in outcomes if isinstance(o, ThreadBusy)} == {winners[0].run_id}


async def test_a_run_id_is_used_once(registry, release) -> None:
    run_id = new_id()
    run = await registry.start(thread_id=new_id(), messages=said("one"), run_id=run_id)
    release.set()
    assert run.task is not None
    await run.task
    with pytest.raises(RunExists):
        await registry.start(thread_id=new_id(), messages=said("two"), run_id=run_id)


async def test_a_finished_run_has_nothing_after_its_last_event_and_everything_before(
    registry, release
) -> None:
    release.set()
    run = await registry.start(thread_id=new_id(), messages=said("hi"))
    assert run.task is not None
    await run.task
    assert await registry.follow(run.run_id, run.last_seq) is None
    replay = await registry.follow(run.run_id, 0)
    assert replay is not None
    assert [seq async for seq, _ in replay] == list(range(1, run.last_seq + 1))
    with pytest.raises(NotFound):
        await registry.follow("no-such-run", 0)


async def test_a_run_cancelled_before_its_task_ran_still_ends_cleanly_and_frees_its_thread(
    registry,
) -> None:
    thread_id = new_id()
    run = await registry.start(thread_id=thread_id, messages=said("wait"))
    assert await registry.cancel(thread_id) == run.run_id
    assert run.task is not None
    await run.task
    assert run.status == "cancelled"
    assert await registry.cancel(thread_id) is None
