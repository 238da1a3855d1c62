"""A lone surrogate is refused at every door, and one from a model or a tool never fails the run."""

import asyncio
from collections.abc import Callable

import httpx

from tests.processes import ServerProcess
from tests.sse import frames, text_of, turn, types

LONE_SURROGATE_BODY = b'{"message": "half\\ud800pair"}'


def assert_refused_as_surrogate(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert "lone surrogate" in error["message"]


async def rows_of(client: httpx.AsyncClient, thread_id: str, count: int) -> list[dict]:
    for _ in range(200):
        rows = (await client.get(f"/api/threads/{thread_id}/messages")).json().get("messages", [])
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} rows for {thread_id}")


async def test_post_chat_refuses_a_lone_surrogate(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/chat", content=LONE_SURROGATE_BODY, headers={"content-type": "application/json"}
    )
    assert_refused_as_surrogate(response)


async def test_post_agui_refuses_a_lone_surrogate_in_any_message(client: httpx.AsyncClient) -> None:
    for history in (
        b'[{"id": "u1", "role": "user", "content": "half\\udc00pair"}]',
        b'[{"id": "a0", "role": "assistant", "content": "x\\ud800"},'
        b' {"id": "u1", "role": "user", "content": "hi"}]',
    ):
        body = b'{"threadId": "surrogates", "runId": "r1", "state": {}, "tools": [], "context": [], '
        body += b'"forwardedProps": {}, "messages": ' + history + b"}"
        response = await client.post("/agui", content=body, headers={"content-type": "application/json"})
        assert_refused_as_surrogate(response)


async def test_get_chat_cannot_carry_a_lone_surrogate(client: httpx.AsyncClient) -> None:
    # A query string is bytes: a surrogate's UTF-8-style bytes are not UTF-8 and decode to U+FFFD.
    async with client.stream("GET", "/chat?message=half%ED%A0%80pair%20%5Btokens%3D2%5D") as response:
        assert response.status_code == 200
        events = [frame.event async for frame in frames(response)]
    assert events[-1]["type"] == "RUN_FINISHED"
    rows = await rows_of(client, events[0]["threadId"], 2)
    assert rows[0]["content"] == "half\ufffd\ufffd\ufffdpair [tokens=2]"


async def test_a_lone_surrogate_from_the_model_becomes_a_replacement_character(
    client: httpx.AsyncClient,
) -> None:
    events = await turn(client, "[surrogate] [tokens=3]")
    assert events[-1]["type"] == "RUN_FINISHED", events[-1]
    assert text_of(events) == "turn1 half\ufffdpair w2"
    thread_id = events[0]["threadId"]
    rows = await rows_of(client, thread_id, 2)
    assert rows[1]["content"] == "turn1 half\ufffdpair w2"
    thread = await client.get(f"/api/threads/{thread_id}")
    assert thread.status_code == 200
    assert len(thread.json()["messages"]) == 2
    assert (await turn(client, "and again [tokens=2]", thread_id))[-1]["type"] == "RUN_FINISHED"


async def test_a_lone_surrogate_from_a_tool_becomes_a_replacement_character(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"GRAPH": "tests.graphs:surrogate_tool_graph"})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        events = await turn(client, "read the legacy file")
        assert events[-1]["type"] == "RUN_FINISHED", events[-1]
        assert "TOOL_CALL_RESULT" in types(events)
        result = next(e for e in events if e["type"] == "TOOL_CALL_RESULT")
        assert result["content"] == "caf\ufffd au lait"
        assert text_of(events).endswith("It says: caf\ufffd au lait")
        thread_id = events[0]["threadId"]
        rows = await rows_of(client, thread_id, 5)
        assert [r["content"] for r in rows if r["role"] == "tool"] == ["caf\ufffd au lait"]
        assert (await client.get(f"/api/threads/{thread_id}")).status_code == 200
        assert (await turn(client, "once more", thread_id))[-1]["type"] == "RUN_FINISHED"
