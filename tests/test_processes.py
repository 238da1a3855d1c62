"""Several server processes on one PostgreSQL: any process continues, joins or cancels any thread."""

import asyncio
import signal
import time

import httpx

from tests.checks import assert_protocol_order, recorded
from tests.processes import ServerProcess, StandInProcess
from tests.sse import frames, read_some, text_of, turn


async def test_a_run_on_one_process_is_joined_and_resumed_from_another(pair) -> None:
    a, b = pair
    async with (  # noqa: SIM117 -- the run on A is read while B joins it
        httpx.AsyncClient(base_url=a.url, timeout=30) as on_a,
        httpx.AsyncClient(base_url=b.url, timeout=30) as on_b,
    ):
        async with on_a.stream("POST", "/api/chat", json={"message": "[tokens=15] [delay=60]"}) as response:
            stream = frames(response)
            first = await read_some(stream, 4)
            run_id = first[0].event["runId"]
            async with on_b.stream(
                "GET", f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": first[-1].id}
            ) as joined:
                rest = [frame async for frame in frames(joined)]
            remaining_on_a = [frame async for frame in stream]
    assert [f.id for f in rest] == [f"{run_id}:{n}" for n in range(5, 5 + len(rest))]
    assert [f.event for f in first + rest] == [f.event for f in first + remaining_on_a]
    assert_protocol_order([f.event for f in first + rest])
    assert text_of([f.event for f in rest]).endswith("w14")


async def test_a_cancel_sent_to_one_process_stops_the_run_on_another(pair) -> None:
    a, b = pair
    async with (
        httpx.AsyncClient(base_url=a.url, timeout=30) as on_a,
        httpx.AsyncClient(base_url=b.url, timeout=30) as on_b,
    ):
        async with on_a.stream("POST", "/api/chat", json={"message": "[slow] [tokens=50]"}) as response:
            stream = frames(response)
            first = await read_some(stream, 4)
            thread_id = first[0].event["threadId"]
            busy = await on_b.post("/api/chat", json={"message": "me too", "thread_id": thread_id})
            assert busy.status_code == 409 and busy.json()["error"]["run_id"] == first[0].event["runId"]
            seen_from_b = (await on_b.get(f"/api/threads/{thread_id}")).json()
            assert seen_from_b["active_run_id"] == first[0].event["runId"]
            assert [m["content"] for m in seen_from_b["messages"]] == ["[slow] [tokens=50]"]
            cancelled = await on_b.post(f"/api/threads/{thread_id}/cancel")
            assert cancelled.json()["cancelled"] is True
            rest = [frame.event async for frame in stream]
        assert rest[-1]["outcome"] == {"type": "cancelled"}
        after = await turn(on_b, "continued on b [tokens=2]", thread_id)
        assert after[-1]["type"] == "RUN_FINISHED"


async def test_a_killed_process_frees_its_threads_and_followers_hear_run_lost(
    database_url: str, standin: StandInProcess, log_dir, pair
) -> None:
    _, b = pair
    env = {"DATABASE_URL": database_url, "OPENAI_API_KEY": "k", "OPENAI_BASE_URL": standin.url}
    doomed = ServerProcess(env, log_dir).start()
    async with (
        httpx.AsyncClient(base_url=doomed.url, timeout=30) as on_doomed,
        httpx.AsyncClient(base_url=b.url, timeout=30) as on_b,
    ):
        async with on_doomed.stream("POST", "/api/chat", json={"message": "[slow] [tokens=100]"}) as response:
            first = await read_some(frames(response), 4)
        started = first[0].event
        async with on_b.stream(
            "GET", f"/api/runs/{started['runId']}/stream", params={"after": 4}
        ) as follower:
            stream = frames(follower)
            followed = await read_some(stream, 1)
            doomed.stop(signal.SIGKILL)
            rest = [frame.event async for frame in stream]
        assert followed and rest[-1] == {
            "type": "RUN_ERROR",
            "code": "run_lost",
            "message": rest[-1]["message"],
        }
        assert "stopped before it finished" in rest[-1]["message"]
        after = await turn(on_b, "anyone there? [tokens=2]", started["threadId"])
        assert after[-1]["type"] == "RUN_FINISHED"


async def test_two_processes_under_load_lose_and_duplicate_no_rows(pair) -> None:
    a, b = pair
    async with (
        httpx.AsyncClient(base_url=a.url, timeout=60) as on_a,
        httpx.AsyncClient(base_url=b.url, timeout=60) as on_b,
    ):
        threads = [(await turn(on_a, f"thread {i} [tokens=2]"))[0]["threadId"] for i in range(8)]

        async def converse(thread_id: str, index: int) -> None:
            for n in range(3):
                client = (on_a, on_b)[(index + n) % 2]
                events = await turn(client, f"turn {n} on {index} [tokens=3]", thread_id)
                assert events[-1]["type"] == "RUN_FINISHED"

        await asyncio.gather(*(converse(t, i) for i, t in enumerate(threads)))
        for index, thread_id in enumerate(threads):
            rows = await recorded(on_b, thread_id, 8)
            assert len(rows) == 8
            assert len({(r["message_id"], r["tool_call_id"]) for r in rows}) == 8
            messages = (await on_a.get(f"/api/threads/{thread_id}")).json()["messages"]
            assert [m["role"] for m in messages] == ["user", "assistant"] * 4
            assert [m["content"] for m in messages if m["role"] == "user"] == [
                f"thread {index} [tokens=2]",
                *(f"turn {n} on {index} [tokens=3]" for n in range(3)),
            ]


def test_workers_share_one_port(database_url: str, log_dir) -> None:
    server = ServerProcess(
        {"DATABASE_URL": database_url, "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"}, log_dir
    )
    server.start("--workers", "2")
    try:
        for _ in range(600):
            if server.output().count("Application startup complete") == 2:
                break
            time.sleep(0.1)
        assert httpx.get(f"{server.url}/readyz").status_code == 200
    finally:
        assert server.stop() == 0
    assert (
        "Started parent process" in server.output()
        and server.output().count("Application startup complete") == 2
    )
