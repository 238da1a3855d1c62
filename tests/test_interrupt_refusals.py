"""What a thread waiting on a person refuses: new input, incomplete or stale resumes; a resume runs once."""

import uuid

import httpx

from tests.sse import outcome_of, stream_events, turn


async def waiting_thread(client: httpx.AsyncClient) -> tuple[str, str]:
    thread_id = f"refuse-{uuid.uuid4().hex[:10]}"
    [interrupt] = outcome_of(await turn(client, "send a note to Ada saying hi", thread_id))["interrupts"]
    return thread_id, interrupt["id"]


def approve(interrupt_id: str) -> list[dict]:
    return [{"interruptId": interrupt_id, "status": "resolved", "payload": {"type": "approve"}}]


async def test_a_new_message_is_refused_naming_the_open_interrupts(offline_client: httpx.AsyncClient) -> None:
    thread_id, interrupt_id = await waiting_thread(offline_client)
    refused = await offline_client.post("/api/chat", json={"message": "never mind", "thread_id": thread_id})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "interrupt_pending"
    assert refused.json()["error"]["interrupts"] == [interrupt_id]
    agui = {
        "threadId": thread_id,
        "runId": f"{thread_id}-x",
        "messages": [{"id": f"{thread_id}-new", "role": "user", "content": "never mind"}],
    }
    assert (await offline_client.post("/agui", json=agui)).json()["error"]["code"] == "interrupt_pending"
    view = (await offline_client.get(f"/api/threads/{thread_id}")).json()
    assert [i["id"] for i in view["interrupts"]] == [interrupt_id]


async def test_a_resume_that_misses_an_open_interrupt_is_refused(start_server) -> None:
    server = start_server({"GRAPH": "tests.graphs:two_questions_graph"})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        thread_id = f"two-{uuid.uuid4().hex[:10]}"
        interrupts = outcome_of(await turn(client, "hi", thread_id))["interrupts"]
        assert len(interrupts) == 2
        first, second = (i["id"] for i in interrupts)
        body = {
            "thread_id": thread_id,
            "resume": [{"interruptId": first, "status": "resolved", "payload": "x"}],
        }
        refused = await client.post("/api/chat", json=body)
        assert refused.status_code == 422
        assert refused.json()["error"] == {
            "code": "resume_incomplete",
            "message": refused.json()["error"]["message"],
            "missing": [second],
        }
        both = [{"interruptId": i, "status": "resolved", "payload": i[:4]} for i in (first, second)]
        resumed = await stream_events(
            client, "POST", "/api/chat", json={"thread_id": thread_id, "resume": both}
        )
        assert outcome_of(resumed) == {"type": "success"}


async def test_an_unknown_interrupt_is_refused(offline_client: httpx.AsyncClient) -> None:
    thread_id, interrupt_id = await waiting_thread(offline_client)
    body = {"thread_id": thread_id, "resume": approve(interrupt_id) + approve("not-an-interrupt")}
    refused = await offline_client.post("/api/chat", json=body)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "interrupt_not_pending"
    assert refused.json()["error"]["interrupts"] == ["not-an-interrupt"]


async def test_the_same_resume_sent_twice_runs_once(offline_client: httpx.AsyncClient) -> None:
    thread_id, interrupt_id = await waiting_thread(offline_client)
    body = {"thread_id": thread_id, "resume": approve(interrupt_id)}
    first = await stream_events(offline_client, "POST", "/api/chat", json=body)
    assert outcome_of(first) == {"type": "success"}
    again = await offline_client.post("/api/chat", json=body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "interrupt_not_pending"
    results = [
        m
        for m in (await offline_client.get(f"/api/threads/{thread_id}")).json()["messages"]
        if m["role"] == "tool"
    ]
    assert len(results) == 1


async def test_a_resume_with_a_message_or_without_a_thread_is_refused(
    offline_client: httpx.AsyncClient,
) -> None:
    thread_id, interrupt_id = await waiting_thread(offline_client)
    both = {"thread_id": thread_id, "message": "and this", "resume": approve(interrupt_id)}
    assert (await offline_client.post("/api/chat", json=both)).status_code == 422
    assert (await offline_client.post("/api/chat", json={"resume": approve(interrupt_id)})).status_code == 422
    bad = await offline_client.get("/chat", params={"thread_id": thread_id, "resume": "not json"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
