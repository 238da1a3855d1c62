"""Threads can be listed, read from their checkpoint, and deleted."""

import httpx

from tests.checks import recorded
from tests.sse import frames, turn


async def test_a_thread_reads_back_from_its_checkpoint(client: httpx.AsyncClient) -> None:
    events = await turn(client, "what is 2 * 21?")
    thread = (await client.get(f"/api/threads/{events[0]['threadId']}")).json()
    assert thread["active_run_id"] is None
    roles = [m["role"] for m in thread["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant"]
    call = thread["messages"][1]["toolCalls"][0]
    assert call["function"]["name"] == "calculator"
    assert thread["messages"][2]["toolCallId"] == call["id"]
    assert thread["messages"][3]["content"] == "The result is 42."


async def test_newest_threads_come_first(client: httpx.AsyncClient) -> None:
    older = (await turn(client, "older [tokens=1]"))[0]["threadId"]
    newer = (await turn(client, "newer [tokens=1]"))[0]["threadId"]
    await recorded(client, older, 2)
    await recorded(client, newer, 2)
    ids = [
        t["thread_id"] for t in (await client.get("/api/threads", params={"limit": 200})).json()["threads"]
    ]
    assert ids.index(newer) < ids.index(older)


async def test_deleting_a_thread_removes_checkpoint_and_rows(client: httpx.AsyncClient) -> None:
    thread_id = (await turn(client, "short lived [tokens=1]"))[0]["threadId"]
    await recorded(client, thread_id, 2)
    assert (await client.delete(f"/api/threads/{thread_id}")).json()["deleted"] is True
    assert (await client.get(f"/api/threads/{thread_id}")).status_code == 404
    assert (await client.get(f"/api/threads/{thread_id}/messages")).status_code == 404


async def test_unknown_threads_are_404_with_a_json_error(client: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", "/api/threads/no-such-thread"),
        ("GET", "/api/threads/no-such-thread/messages"),
        ("DELETE", "/api/threads/no-such-thread"),
        ("POST", "/api/threads/no-such-thread/cancel"),
    ]:
        response = await client.request(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ready", "database": "ok", "model": "standin"}


async def test_a_thread_mid_run_shows_the_message_being_answered(client: httpx.AsyncClient) -> None:
    message = "in flight [tokens=6] [delay=100]"
    async with client.stream("POST", "/api/chat", json={"message": message}) as response:
        async for frame in frames(response):
            if frame.event["type"] == "RUN_STARTED":
                started = frame.event
            if frame.event["type"] == "TEXT_MESSAGE_CONTENT":
                thread = (await client.get(f"/api/threads/{started['threadId']}")).json()
                break
    assert thread["active_run_id"] == started["runId"]
    assert [(m["role"], m["content"]) for m in thread["messages"]] == [("user", message)]
