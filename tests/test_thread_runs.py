"""GET /api/threads/{id}/runs: a thread's runs, newest first, with their outcome and figures."""

import asyncio

import httpx

from tests.sse import frames, turn, types


async def test_a_threads_runs_are_listed_newest_first_with_their_figures(client: httpx.AsyncClient) -> None:
    first = await turn(client, "hello [tokens=4]")
    thread_id = first[0]["threadId"]
    second = await turn(client, "again [tokens=7]", thread_id)
    listed = (await client.get(f"/api/threads/{thread_id}/runs")).json()
    assert listed["thread_id"] == thread_id
    assert [run["run_id"] for run in listed["runs"]] == [second[0]["runId"], first[0]["runId"]]
    for run, events in zip(listed["runs"], [second, first], strict=True):
        assert run["status"] == "success"
        assert run["tokens"] == types(events).count("TEXT_MESSAGE_CONTENT")
        assert run["first_token_ms"] is not None and run["first_token_ms"] >= 0
        # An ordering, not a speed: both figures count from the claim (docs/PROTOCOL.md), one in
        # the process and one from the row's timestamps, each rounded to the millisecond.
        assert run["duration_ms"] is not None and run["duration_ms"] >= run["first_token_ms"] - 1
        assert run["finished_at"] is not None
        usage = events[-1].get("usage")
        if usage:
            assert run["usage"]["input_tokens"] == usage[0]["inputTokens"]
            assert run["usage"]["output_tokens"] == usage[0]["outputTokens"]
    assert listed["runs"][0]["events"] == len(second)


async def test_a_stopped_run_is_listed_as_cancelled_and_its_events_replay(
    client: httpx.AsyncClient,
) -> None:
    body = {"message": "slow [tokens=200] [delay=50]"}
    async with client.stream("POST", "/api/chat", json=body) as response:
        stream = frames(response)
        started = (await anext(stream)).event
        thread_id, run_id = started["threadId"], started["runId"]
        while (await anext(stream)).event["type"] != "TEXT_MESSAGE_CONTENT":
            pass
        listed = (await client.get(f"/api/threads/{thread_id}/runs")).json()
        assert listed["runs"][0]["status"] == "running"
        await client.post(f"/api/threads/{thread_id}/cancel")
        async for _ in stream:
            pass
    for _ in range(100):  # the row is written as the run releases its thread, just before its last event
        listed = (await client.get(f"/api/threads/{thread_id}/runs")).json()
        if listed["runs"][0]["status"] != "running":
            break
        await asyncio.sleep(0.05)
    assert listed["runs"][0]["status"] == "cancelled"
    async with client.stream("GET", f"/api/runs/{run_id}/stream", params={"after": 0}) as replay:
        replayed = [frame.event async for frame in frames(replay)]
    assert replayed[0]["type"] == "RUN_STARTED"
    assert replayed[-1]["outcome"]["type"] == "cancelled"


async def test_the_runs_of_an_unknown_thread_are_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/threads/no-such-thread-runs/runs")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
