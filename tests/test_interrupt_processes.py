"""An interrupt lives in the checkpoint: another process, or the same one restarted, resumes it."""

import uuid

import httpx

from tests.sse import outcome_of, stream_events, turn


def approve(interrupt_id: str) -> dict:
    return {
        "interruptId": interrupt_id,
        "status": "resolved",
        "payload": {"decisions": [{"type": "approve"}]},
    }


async def test_a_second_process_resumes_the_first_ones_interrupt(pair) -> None:
    a, b = pair
    thread_id = f"pair-{uuid.uuid4().hex[:10]}"
    async with (
        httpx.AsyncClient(base_url=a.url, timeout=30) as first,
        httpx.AsyncClient(base_url=b.url, timeout=30) as second,
    ):
        [interrupt] = outcome_of(await turn(first, "send a note to Ada saying hi", thread_id))["interrupts"]
        assert (
            await second.post("/api/chat", json={"message": "x", "thread_id": thread_id})
        ).status_code == 409
        body = {"thread_id": thread_id, "resume": [approve(interrupt["id"])]}
        resumed = await stream_events(second, "POST", "/api/chat", json=body)
        assert outcome_of(resumed) == {"type": "success"}
        assert [e["content"] for e in resumed if e["type"] == "TOOL_CALL_RESULT"] == [
            "Note sent to Ada: “hi”"
        ]


async def test_a_restart_between_the_interrupt_and_the_resume(start_server) -> None:
    env = {"OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"}
    server = start_server(env)
    thread_id = f"restart-{uuid.uuid4().hex[:10]}"
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        [interrupt] = outcome_of(await turn(client, "send a note to Ada saying hi", thread_id))["interrupts"]
    server.stop()
    server.start()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        view = (await client.get(f"/api/threads/{thread_id}")).json()
        assert [i["id"] for i in view["interrupts"]] == [interrupt["id"]]
        body = {"thread_id": thread_id, "resume": [approve(interrupt["id"])]}
        resumed = await stream_events(client, "POST", "/api/chat", json=body)
        assert outcome_of(resumed) == {"type": "success"}
