"""Message rows land in PostgreSQL once each, written off the critical path."""

import httpx

from tests.checks import recorded
from tests.sse import turn


async def test_each_message_is_recorded_once(client: httpx.AsyncClient) -> None:
    events = await turn(client, "hello rows [tokens=3]")
    thread_id = events[0]["threadId"]
    rows = await recorded(client, thread_id, 2)
    assert [(r["role"], r["content"]) for r in rows] == [
        ("user", "hello rows [tokens=3]"),
        ("assistant", "turn1 w1 w2"),
    ]
    assert {r["run_id"] for r in rows} == {events[0]["runId"]}
    message_id = next(e["messageId"] for e in events if e["type"] == "TEXT_MESSAGE_START")
    assert rows[1]["message_id"] == message_id


async def test_a_tool_call_records_call_and_result_rows(client: httpx.AsyncClient) -> None:
    events = await turn(client, "what is 6 * 7?")
    rows = await recorded(client, events[0]["threadId"], 4)
    assert [r["role"] for r in rows] == ["user", "tool_call", "tool", "assistant"]
    call, result = rows[1], rows[2]
    assert call["tool_name"] == "calculator" and call["tool_args"] == '{"expression": "6 * 7"}'
    assert result["tool_call_id"] == call["tool_call_id"] and result["content"] == "42"


async def test_the_thread_list_shows_title_and_count(client: httpx.AsyncClient) -> None:
    thread_id = (await turn(client, "a title for this thread [tokens=2]"))[0]["threadId"]
    await turn(client, "second [tokens=2]", thread_id)
    await recorded(client, thread_id, 4)
    listed = (await client.get("/api/threads", params={"limit": 200})).json()["threads"]
    mine = next(t for t in listed if t["thread_id"] == thread_id)
    assert mine["title"] == "a title for this thread [tokens=2]"
    assert mine["message_count"] == 4
