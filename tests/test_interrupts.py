"""A graph that calls `interrupt()` stops with an interrupt outcome and resumes through every door.

The default graph's `send_note` asks for approval (the offline model calls it for
"send a note to Ada saying hi"); `tests/graphs.py:question_graph` asks a plain question.
"""

import json
import uuid
from typing import Any

import httpx

from tests.checks import rows_of
from tests.sse import outcome_of, stream_events, turn


async def ask_to_send(client: httpx.AsyncClient, text: str = "hi") -> tuple[str, list[dict[str, Any]]]:
    thread_id = f"hitl-{uuid.uuid4().hex[:10]}"
    return thread_id, await turn(client, f"send a note to Ada saying {text}", thread_id)


async def listed(client: httpx.AsyncClient, thread_id: str) -> dict[str, Any]:
    threads = (await client.get("/api/threads", params={"limit": 100})).json()["threads"]
    return next(t for t in threads if t["thread_id"] == thread_id)


async def test_a_tool_approval_ends_the_run_with_an_interrupt_outcome(
    offline_client: httpx.AsyncClient,
) -> None:
    thread_id, events = await ask_to_send(offline_client)
    [interrupt] = outcome_of(events)["interrupts"]
    [call] = [e for e in events if e["type"] == "TOOL_CALL_START"]
    assert interrupt["reason"] == "tool_approval"
    assert interrupt["toolCallId"] == call["toolCallId"]
    assert interrupt["message"] == "Send a note to Ada: “hi”?"
    assert interrupt["responseSchema"]["required"] == ["decisions"]
    request = interrupt["metadata"]["value"]["action_requests"][0]
    assert request["name"] == "send_note" and request["args"] == {"to": "Ada", "text": "hi"}
    assert not [e for e in events if e["type"] == "TOOL_CALL_RESULT"]

    view = (await offline_client.get(f"/api/threads/{thread_id}")).json()
    assert [i["id"] for i in view["interrupts"]] == [interrupt["id"]]
    summary = await listed(offline_client, thread_id)
    assert summary["waiting"] and summary["interrupts"][0]["id"] == interrupt["id"]
    [row] = await rows_of(offline_client, thread_id, "interrupt", 1)
    assert row["tool_call_id"] == call["toolCallId"]
    assert json.loads(row["tool_args"])["action_requests"][0]["args"] == request["args"]


async def test_approve_through_post_api_chat(offline_client: httpx.AsyncClient) -> None:
    thread_id, events = await ask_to_send(offline_client)
    [interrupt] = outcome_of(events)["interrupts"]
    answer = {"decisions": [{"type": "approve"}]}
    resume = [{"interruptId": interrupt["id"], "status": "resolved", "payload": answer}]
    resumed = await stream_events(
        offline_client, "POST", "/api/chat", json={"thread_id": thread_id, "resume": resume}
    )
    assert outcome_of(resumed) == {"type": "success"}
    [result] = [e for e in resumed if e["type"] == "TOOL_CALL_RESULT"]
    assert result["toolCallId"] == interrupt["toolCallId"] and result["content"] == "Note sent to Ada: “hi”"

    view = (await offline_client.get(f"/api/threads/{thread_id}")).json()
    assert view["interrupts"] == []
    assert not (await listed(offline_client, thread_id))["waiting"]
    [row] = await rows_of(offline_client, thread_id, "interrupt_answer", 1)
    assert row["message_id"] == f"answer-{interrupt['id']}" and row["content"] == "resolved"
    assert json.loads(row["tool_args"]) == answer


async def test_edit_through_get_chat_as_an_event_source_sends_it(offline_client: httpx.AsyncClient) -> None:
    thread_id, events = await ask_to_send(offline_client)
    [interrupt] = outcome_of(events)["interrupts"]
    edit = {"type": "edit", "edited_action": {"name": "send_note", "args": {"text": "hello"}}}
    resume = json.dumps([{"interruptId": interrupt["id"], "status": "resolved", "payload": edit}])
    resumed = await stream_events(
        offline_client, "GET", "/chat", params={"thread_id": thread_id, "resume": resume}
    )
    [result] = [e for e in resumed if e["type"] == "TOOL_CALL_RESULT"]
    assert result["content"] == "Note sent to Ada: “hello” (edited by the reviewer)"
    assert outcome_of(resumed) == {"type": "success"}


async def test_reject_through_post_agui(offline_client: httpx.AsyncClient) -> None:
    thread_id, events = await ask_to_send(offline_client)
    [interrupt] = outcome_of(events)["interrupts"]
    body = {
        "threadId": thread_id,
        "runId": f"{thread_id}-2",
        "messages": [],
        "resume": [
            {
                "interruptId": interrupt["id"],
                "status": "resolved",
                "payload": {"type": "reject", "message": "no"},
            }
        ],
    }
    resumed = await stream_events(offline_client, "POST", "/agui", json=body)
    [result] = [e for e in resumed if e["type"] == "TOOL_CALL_RESULT"]
    assert result["content"] == "the reviewer rejected sending the note: no"
    assert outcome_of(resumed) == {"type": "success"}
    assert (await turn(offline_client, "hello again", thread_id))[-1]["type"] == "RUN_FINISHED"


async def test_a_plain_question_is_answered_with_its_payload(start_server) -> None:
    server = start_server({"GRAPH": "tests.graphs:question_graph"})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        thread_id = f"ask-{uuid.uuid4().hex[:10]}"
        [interrupt] = outcome_of(await turn(client, "hi", thread_id))["interrupts"]
        assert interrupt["reason"] == "input_required" and interrupt["message"] == "What is your name?"
        assert interrupt["metadata"] == {"value": "What is your name?"} and "toolCallId" not in interrupt
        resume = [{"interruptId": interrupt["id"], "status": "resolved", "payload": "Ada"}]
        resumed = await stream_events(
            client, "POST", "/api/chat", json={"thread_id": thread_id, "resume": resume}
        )
        assert "Hello, Ada!" in "".join(e.get("delta", "") for e in resumed)
