"""A turn streams AG-UI events over SSE, in the order PROTOCOL.md promises."""

import httpx

from tests.checks import assert_protocol_order
from tests.sse import frames, text_of, turn, types


async def test_a_turn_streams_tokens_in_protocol_order(client: httpx.AsyncClient) -> None:
    events = await turn(client, "hello [tokens=5]")
    assert_protocol_order(events)
    assert types(events).count("TEXT_MESSAGE_CONTENT") == 5
    assert text_of(events) == "turn1 w1 w2 w3 w4"
    assert events[-1]["outcome"] == {"type": "success"}
    assert events[-1]["usage"][0]["outputTokens"] == 5


async def test_run_started_names_a_new_thread_and_run(client: httpx.AsyncClient) -> None:
    events = await turn(client, "hi")
    started = events[0]
    assert started["threadId"] and started["runId"]
    assert events[-1]["threadId"] == started["threadId"]


async def test_the_wire_format_is_lf_framed_with_ids_and_retry(client: httpx.AsyncClient) -> None:
    async with client.stream("POST", "/api/chat", json={"message": "hi [tokens=2]"}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"
        assert response.headers["cache-control"] == "no-cache"
        raw = (await response.aread()).decode()
    assert "\r" not in raw
    assert raw.startswith("retry: 2000\n\n")
    blocks = [b for b in raw.split("\n\n") if b.startswith("id: ")]
    run_id = blocks[0].split("\n")[0][4:].split(":")[0]
    assert [b.split("\n")[0] for b in blocks] == [f"id: {run_id}:{n}" for n in range(1, len(blocks) + 1)]
    assert all("event:" not in b for b in blocks)


async def test_tokens_arrive_while_the_model_is_still_answering(client: httpx.AsyncClient) -> None:
    async with client.stream("POST", "/api/chat", json={"message": "[tokens=6] [delay=150]"}) as response:
        async for frame in frames(response):
            if frame.event["type"] == "RUN_STARTED":
                started = frame.event
            if frame.event["type"] == "TEXT_MESSAGE_CONTENT":
                state = (await client.get(f"/api/threads/{started['threadId']}")).json()
                assert state["active_run_id"] == started["runId"]
                break


async def test_a_tool_call_streams_call_and_result(client: httpx.AsyncClient) -> None:
    events = await turn(client, "what is 12 * 7?")
    assert_protocol_order(events)
    start = next(e for e in events if e["type"] == "TOOL_CALL_START")
    assert start["toolCallName"] == "calculator"
    args = "".join(e["delta"] for e in events if e["type"] == "TOOL_CALL_ARGS")
    assert args == '{"expression": "12 * 7"}'
    result = next(e for e in events if e["type"] == "TOOL_CALL_RESULT")
    assert result["toolCallId"] == start["toolCallId"] and result["content"] == "84"
    assert text_of(events) == "The result is 84."
    steps = [e["stepName"] for e in events if e["type"] == "STEP_STARTED"]
    assert steps == ["agent", "tools", "agent"]


async def test_get_chat_streams_for_event_source(client: httpx.AsyncClient) -> None:
    async with client.stream("GET", "/chat", params={"message": "hi [tokens=3]"}) as response:
        events = [frame.event async for frame in frames(response)]
    assert_protocol_order(events)
    assert text_of(events) == "turn1 w1 w2"


async def test_a_turn_can_open_with_a_snapshot_of_the_thread(client: httpx.AsyncClient) -> None:
    thread_id = (await turn(client, "first [tokens=2]"))[0]["threadId"]
    events = await turn(client, "second [tokens=2]", thread_id, snapshot=True)
    assert types(events)[:2] == ["RUN_STARTED", "MESSAGES_SNAPSHOT"]
    snapshot = events[1]["messages"]
    assert [(m["role"], m["content"]) for m in snapshot] == [
        ("user", "first [tokens=2]"),
        ("assistant", "turn1 w1"),
        ("user", "second [tokens=2]"),
    ]
    assert_protocol_order(events)
