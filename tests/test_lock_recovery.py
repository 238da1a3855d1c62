"""A process whose database connection drops takes its threads back before anything else.

Dropping the control connection (as a PostgreSQL restart does) releases its
advisory locks and LISTENs. The process re-opens it at once and re-takes the
locks of its runs in flight; a run whose thread another session took meanwhile
ends with `run_lost` instead of writing over that session's turn.
"""

import asyncio

import asyncpg
import httpx

from db.runs import thread_lock_key
from tests.sse import frames, read_some


async def owner_pid(conn: asyncpg.Connection, run_id: str) -> int:
    return await conn.fetchval("SELECT owner_pid FROM runs WHERE run_id = $1", run_id)


async def retaken(conn: asyncpg.Connection, run_id: str, old_pid: int) -> int:
    """The run's owner's new backend, once the owner re-took its thread on a new connection."""
    for _ in range(200):
        if (pid := await owner_pid(conn, run_id)) != old_pid:
            return pid
        await asyncio.sleep(0.05)
    raise AssertionError(f"run {run_id} was not re-taken")


async def test_a_busy_thread_stays_busy_and_cancellable_after_the_connection_drops(
    database_url: str, pair
) -> None:
    a, b = pair
    conn = await asyncpg.connect(database_url)
    try:
        async with (
            httpx.AsyncClient(base_url=a.url, timeout=30) as on_a,
            httpx.AsyncClient(base_url=b.url, timeout=30) as on_b,
            on_a.stream("POST", "/api/chat", json={"message": "[slow] [tokens=100]"}) as response,
        ):
            stream = frames(response)
            started = (await read_some(stream, 3))[0].event
            run_id, thread_id = started["runId"], started["threadId"]
            old_pid = await owner_pid(conn, run_id)
            await conn.execute("SELECT pg_terminate_backend($1)", old_pid)
            await retaken(conn, run_id, old_pid)

            busy = await on_b.post("/api/chat", json={"message": "me too", "thread_id": thread_id})
            assert busy.status_code == 409 and busy.json()["error"]["run_id"] == run_id
            cancelled = await on_b.post(f"/api/threads/{thread_id}/cancel")
            assert cancelled.json() == {"thread_id": thread_id, "run_id": run_id, "cancelled": True}
            rest = [frame.event async for frame in stream]
        assert rest[-1]["type"] == "RUN_FINISHED" and rest[-1]["outcome"] == {"type": "cancelled"}
    finally:
        await conn.close()


async def test_a_run_whose_thread_was_taken_meanwhile_ends_with_run_lost(database_url: str, pair) -> None:
    a, _ = pair
    conn = await asyncpg.connect(database_url)
    try:
        async with (
            httpx.AsyncClient(base_url=a.url, timeout=30) as on_a,
            on_a.stream("POST", "/api/chat", json={"message": "[slow] [tokens=100]"}) as response,
        ):
            stream = frames(response)
            started = (await read_some(stream, 3))[0].event
            run_id, thread_id = started["runId"], started["threadId"]
            await conn.execute("SELECT pg_terminate_backend($1)", await owner_pid(conn, run_id))
            await conn.execute("SELECT pg_advisory_lock($1)", thread_lock_key(thread_id))
            rest = [frame.event async for frame in stream]
        assert rest[-1]["type"] == "RUN_ERROR" and rest[-1]["code"] == "run_lost"
        assert "another request took the thread" in rest[-1]["message"]
        assert await conn.fetchval("SELECT status FROM runs WHERE run_id = $1", run_id) == "lost"
    finally:
        await conn.close()
