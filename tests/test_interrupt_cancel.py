"""Cancel on a thread waiting on a person abandons its interrupts and leaves it usable."""

import uuid

import httpx

from tests.sse import outcome_of, turn


async def test_cancel_answers_the_asked_tool_call_as_cancelled(offline_client: httpx.AsyncClient) -> None:
    thread_id = f"cancel-{uuid.uuid4().hex[:10]}"
    [interrupt] = outcome_of(await turn(offline_client, "send a note to Ada saying hi", thread_id))[
        "interrupts"
    ]
    cancelled = (await offline_client.post(f"/api/threads/{thread_id}/cancel")).json()
    assert cancelled == {
        "thread_id": thread_id,
        "run_id": None,
        "cancelled": True,
        "interrupts": [interrupt["id"]],
    }
    view = (await offline_client.get(f"/api/threads/{thread_id}")).json()
    assert view["interrupts"] == []
    [result] = [m for m in view["messages"] if m["role"] == "tool"]
    assert result["toolCallId"] == interrupt["toolCallId"] and result["error"]

    events = await turn(offline_client, "what is 2 + 3?", thread_id)
    assert outcome_of(events) == {"type": "success"}
    again = (await offline_client.post(f"/api/threads/{thread_id}/cancel")).json()
    assert again["cancelled"] is False
