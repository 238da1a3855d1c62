"""HISTORY_TURNS keeps each thread's last turns of history; THREAD_TTL deletes idle threads; no more."""

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import psycopg

from tests.history_helpers import history, messages
from tests.processes import ServerProcess
from tests.sse import turn

SWEEP = {"RETENTION_SWEEP_SECONDS": "0.1"}


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait until `check()` holds (a sweep runs every 0.1 s); fail after a generous bound."""
    for _ in range(300):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


async def turns(client: httpx.AsyncClient, name: str, count: int) -> tuple[str, list[str]]:
    events = await turn(client, f"{name} 1")
    thread_id, run_ids = events[0]["threadId"], [events[0]["runId"]]
    for n in range(2, count + 1):
        run_ids.append((await turn(client, f"{name} {n}", thread_id))[0]["runId"])
    return thread_id, run_ids


async def test_history_turns_keeps_the_last_turns_of_a_plain_graph(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"GRAPH": "tests.graphs:echo_graph", "HISTORY_TURNS": "2", **SWEEP})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        long_id, run_ids = await turns(client, "plain long", 5)
        short_id, short_runs = await turns(client, "plain short", 2)

        async def pruned() -> bool:
            return {c["run_id"] for c in await history(client, long_id, limit=200)} == set(run_ids[-2:])

        await eventually(pruned, "the long thread keeps only its last two turns")
        assert len(await messages(client, long_id)) == 10
        rows = (await client.get(f"/api/threads/{long_id}/messages")).json()["messages"]
        assert len(rows) == 10  # message rows are the record: retention leaves them
        short = await history(client, short_id, limit=200)
        assert {c["run_id"] for c in short} == set(short_runs)
        assert (await turn(client, "plain long 6", long_id))[-1]["type"] == "RUN_FINISHED"
        assert len(await messages(client, long_id)) == 12


async def test_history_turns_keeps_what_a_delta_channel_replays_from(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"GRAPH": "tests.graphs:delta_echo_graph", "HISTORY_TURNS": "1", **SWEEP})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        thread_id, run_ids = await turns(client, "delta", 7)
        before = len(await history(client, thread_id, limit=200))

        async def pruned() -> bool:
            return len(await history(client, thread_id, limit=200)) < before

        await eventually(pruned, "older checkpoints deleted")
        await asyncio.sleep(0.3)  # a few more sweeps: they must not take more
        kept = await history(client, thread_id, limit=200, values="true")
        assert kept[0]["run_id"] == run_ids[-1]
        for checkpoint in kept:  # every checkpoint left still rebuilds its whole message list
            said = [m["content"] for m in checkpoint["values"]["messages"]]
            assert len(said) == checkpoint["message_count"]
            assert said == [
                f"{word}delta {n // 2 + 1}" for n, word in enumerate(["", "echo "] * (len(said) // 2))
            ]
        assert len(await messages(client, thread_id)) == 14


async def test_thread_ttl_deletes_idle_threads_and_nothing_else(
    start_server: Callable[..., ServerProcess], database_url: str
) -> None:
    server = start_server({"GRAPH": "tests.graphs:echo_graph", "THREAD_TTL": "3600", **SWEEP})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        idle_id, _ = await turns(client, "ttl idle", 2)
        fresh_id, _ = await turns(client, "ttl fresh", 2)
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
            await conn.execute(
                "UPDATE threads SET updated_at = now() - interval '2 hours' WHERE thread_id = %s", (idle_id,)
            )

        async def gone() -> bool:
            return (await client.get(f"/api/threads/{idle_id}")).status_code == 404

        await eventually(gone, "the idle thread deleted")
        async with await psycopg.AsyncConnection.connect(database_url) as conn:
            left = await conn.execute("SELECT count(*) FROM checkpoints WHERE thread_id = %s", (idle_id,))
            assert (await left.fetchone())[0] == 0
        assert len(await messages(client, fresh_id)) == 4
        assert len(await history(client, fresh_id)) == 2
