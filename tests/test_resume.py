"""A run belongs to the server: it outlives its connection, and can be joined and resumed."""

import asyncio

import httpx

from tests.processes import StandInProcess
from tests.sse import frames, text_of, turn, types


async def first_events(client: httpx.AsyncClient, body: dict, count: int) -> list[dict]:
    """Start a turn, read `count` events with their ids, then hang up."""
    seen = []
    async with client.stream("POST", "/api/chat", json=body) as response:
        async for frame in frames(response):
            seen.append({**frame.event, "_id": frame.id})
            if len(seen) == count:
                break
    return seen


async def finished_thread(client: httpx.AsyncClient, thread_id: str) -> dict:
    for _ in range(300):
        thread = (await client.get(f"/api/threads/{thread_id}")).json()
        if thread["active_run_id"] is None:
            return thread
        await asyncio.sleep(0.05)
    raise AssertionError(f"thread {thread_id} still running")


async def test_a_run_finishes_after_its_client_hangs_up(client: httpx.AsyncClient) -> None:
    seen = await first_events(client, {"message": "[tokens=8] [delay=50]"}, 3)
    thread = await finished_thread(client, seen[0]["threadId"])
    assert thread["messages"][-1]["content"] == "turn1 w1 w2 w3 w4 w5 w6 w7"


async def test_on_disconnect_cancel_stops_the_run(client: httpx.AsyncClient) -> None:
    seen = await first_events(client, {"message": "[slow] [tokens=40]", "on_disconnect": "cancel"}, 4)
    run_id = seen[0]["runId"]
    thread = await finished_thread(client, seen[0]["threadId"])
    assert len(thread["messages"][-1]["content"].split()) < 40
    async with client.stream("GET", f"/api/runs/{run_id}/stream") as response:
        events = [frame.event async for frame in frames(response)]
    assert events[-1]["outcome"] == {"type": "cancelled"}


async def test_join_with_last_event_id_replays_what_was_missed(client: httpx.AsyncClient) -> None:
    seen = await first_events(client, {"message": "[tokens=10] [delay=30]"}, 3)
    run_id = seen[0]["runId"]
    assert seen[2]["_id"] == f"{run_id}:3"
    async with client.stream(
        "GET", f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": f"{run_id}:3"}
    ) as response:
        rest = [frame async for frame in frames(response)]
    assert [f.id for f in rest] == [f"{run_id}:{n}" for n in range(4, 4 + len(rest))]
    whole = [{k: v for k, v in e.items() if k != "_id"} for e in seen] + [f.event for f in rest]
    assert types(whole).count("RUN_STARTED") == 1 and whole[-1]["type"] == "RUN_FINISHED"
    assert text_of(whole) == "turn1 " + " ".join(f"w{i}" for i in range(1, 10))

    async with client.stream("GET", f"/api/runs/{run_id}/stream", params={"after": 0}) as response:
        replay = [frame.event async for frame in frames(response)]
    assert replay == whole

    finished = await client.get(
        f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": f"{run_id}:{len(whole)}"}
    )
    assert finished.status_code == 204

    reconnect = {"Last-Event-ID": f"{run_id}:3"}  # an EventSource opened with ?after=0 reconnecting
    async with client.stream(
        "GET", f"/api/runs/{run_id}/stream", params={"after": 0}, headers=reconnect
    ) as response:
        resumed = [frame.id async for frame in frames(response)]
    assert resumed[0] == f"{run_id}:4"


async def test_an_event_source_reconnect_resumes_and_never_resends_the_turn(
    client: httpx.AsyncClient, standin: StandInProcess
) -> None:
    params = {"message": "[tokens=6] [delay=30]"}
    async with client.stream("GET", "/chat", params=params) as response:
        async for frame in frames(response):
            last_id = frame.id
            if frame.event["type"] == "RUN_STARTED":
                started = frame.event
            if frame.event["type"] == "TEXT_MESSAGE_CONTENT":
                break
    requests_before = len(standin.requests())
    params["thread_id"] = started["threadId"]
    async with client.stream("GET", "/chat", params=params, headers={"Last-Event-ID": last_id}) as response:
        rest = [frame.event async for frame in frames(response)]
    assert rest[-1]["type"] == "RUN_FINISHED" and "RUN_STARTED" not in types(rest)
    assert len(standin.requests()) == requests_before
    done = await client.get("/chat", params=params, headers={"Last-Event-ID": f"{started['runId']}:9999"})
    assert done.status_code == 204
    thread = await finished_thread(client, started["threadId"])
    assert [m["role"] for m in thread["messages"]] == ["user", "assistant"]


async def test_unknown_runs_are_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/runs/no-such-run/stream")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


async def test_a_second_turn_on_a_busy_thread_is_409_with_the_active_run(client: httpx.AsyncClient) -> None:
    seen = await first_events(client, {"message": "[slow] [tokens=20]"}, 1)
    thread_id, run_id = seen[0]["threadId"], seen[0]["runId"]
    busy = await client.post("/api/chat", json={"message": "me too", "thread_id": thread_id})
    assert busy.status_code == 409
    assert busy.json()["error"] == {
        "code": "thread_busy",
        "message": f"thread {thread_id} already has an active run",
        "run_id": run_id,
    }
    await client.post(f"/api/threads/{thread_id}/cancel")
    await finished_thread(client, thread_id)
    assert (await turn(client, "now me [tokens=1]", thread_id))[-1]["type"] == "RUN_FINISHED"
