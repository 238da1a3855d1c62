"""Checks several test files share: the protocol's order of events, rows that land in the background."""

import asyncio

import httpx


def assert_protocol_order(events: list[dict]) -> None:
    assert events[0]["type"] == "RUN_STARTED"
    assert events[-1]["type"] in {"RUN_FINISHED", "RUN_ERROR"}
    assert sum(e["type"] in {"RUN_FINISHED", "RUN_ERROR"} for e in events) == 1
    open_messages, open_calls = set(), set()
    for event in events:
        match event["type"]:
            case "TEXT_MESSAGE_START":
                open_messages.add(event["messageId"])
            case "TEXT_MESSAGE_CONTENT":
                assert event["messageId"] in open_messages
            case "TEXT_MESSAGE_END":
                open_messages.remove(event["messageId"])
            case "TOOL_CALL_START":
                open_calls.add(event["toolCallId"])
            case "TOOL_CALL_ARGS":
                assert event["toolCallId"] in open_calls
            case "TOOL_CALL_END":
                open_calls.remove(event["toolCallId"])
    assert not open_messages and not open_calls


async def recorded(client: httpx.AsyncClient, thread_id: str, count: int) -> list[dict]:
    """The thread's rows, once `count` of them have landed."""
    for _ in range(200):
        response = await client.get(f"/api/threads/{thread_id}/messages")
        if response.status_code == 200 and len(rows := response.json()["messages"]) >= count:
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} rows for {thread_id}: {response.text}")


async def rows_of(client: httpx.AsyncClient, thread_id: str, role: str, count: int) -> list[dict]:
    """The thread's rows of `role`, once `count` have landed (they are written off the critical path)."""
    for _ in range(200):
        rows = (await client.get(f"/api/threads/{thread_id}/messages")).json()["messages"]
        if len(found := [r for r in rows if r["role"] == role]) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} {role} rows: {rows}")
