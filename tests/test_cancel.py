"""Stop: a cancelled run ends promptly and cleanly, keeps what the user saw, and the thread goes on."""

from collections.abc import Callable

import httpx
import pytest

from tests.checks import assert_protocol_order
from tests.processes import ServerProcess, StandInProcess
from tests.sse import frames, text_of, turn, types


async def stream_until(
    client: httpx.AsyncClient, body: dict, stop_at: Callable[[list[dict]], bool]
) -> list[dict]:
    """Start a turn, call `stop_at` after each event, cancel when it says so, read to the end."""
    events: list[dict] = []
    cancelled = False
    async with client.stream("POST", "/api/chat", json=body) as response:
        async for frame in frames(response):
            events.append(frame.event)
            if not cancelled and stop_at(events):
                reply = await client.post(f"/api/threads/{events[0]['threadId']}/cancel")
                assert reply.json() == {
                    "thread_id": events[0]["threadId"],
                    "run_id": events[0]["runId"],
                    "cancelled": True,
                }
                cancelled = True
    return events


def content_count(events: list[dict]) -> int:
    return types(events).count("TEXT_MESSAGE_CONTENT")


async def test_cancel_mid_stream_keeps_the_partial_answer(
    client: httpx.AsyncClient, standin: StandInProcess
) -> None:
    events = await stream_until(client, {"message": "[slow] [tokens=40]"}, lambda e: content_count(e) == 3)
    assert_protocol_order(events)
    assert events[-1]["outcome"] == {"type": "cancelled"}
    assert content_count(events) < 40
    partial = text_of(events)
    thread_id = events[0]["threadId"]

    thread = (await client.get(f"/api/threads/{thread_id}")).json()
    assert thread["active_run_id"] is None
    assert [(m["role"], m.get("content")) for m in thread["messages"]] == [
        ("user", "[slow] [tokens=40]"),
        ("assistant", partial),
    ]

    after = await turn(client, "and now? [tokens=2]", thread_id)
    assert after[-1]["outcome"] == {"type": "success"}
    sent = [m["content"] for m in standin.requests()[-1]["messages"]]
    assert sent == ["[slow] [tokens=40]", partial, "and now? [tokens=2]"]


@pytest.fixture(scope="module")
def slow_tool_server(database_url: str, log_dir) -> ServerProcess:
    process = ServerProcess(
        {"DATABASE_URL": database_url, "GRAPH": "tests.graphs:slow_tool_graph"}, log_dir
    ).start()
    yield process
    process.stop()


async def test_cancel_mid_tool_answers_the_tool_call(slow_tool_server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=slow_tool_server.url, timeout=30) as client:
        events = await stream_until(client, {"message": "wait 30"}, lambda e: types(e).count("CUSTOM") == 2)
        assert_protocol_order(events)
        assert events[-1]["outcome"] == {"type": "cancelled"}
        assert "TOOL_CALL_RESULT" not in types(events)
        thread_id = events[0]["threadId"]
        messages = (await client.get(f"/api/threads/{thread_id}")).json()["messages"]
        assert [m["role"] for m in messages] == ["user", "assistant", "tool"]
        assert messages[2]["toolCallId"] == messages[1]["toolCalls"][0]["id"]
        assert messages[2]["error"]

        after = await turn(client, "wait 0.1", thread_id)
        assert after[-1]["outcome"] == {"type": "success"}
        assert text_of(after).endswith("Done: waited 0.1 s")


async def test_progress_events_reach_the_client(slow_tool_server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=slow_tool_server.url, timeout=30) as client:
        events = await turn(client, "wait 0.1")
    progress = [e for e in events if e["type"] == "CUSTOM"]
    assert len(progress) == 10 and progress[0]["name"] == "progress"
    assert progress[-1]["value"] == {"message": "waited 9/10", "fraction": 0.9}


async def test_cancelling_an_idle_thread_changes_nothing(client: httpx.AsyncClient) -> None:
    thread_id = (await turn(client, "hi [tokens=1]"))[0]["threadId"]
    reply = await client.post(f"/api/threads/{thread_id}/cancel")
    assert reply.json() == {"thread_id": thread_id, "run_id": None, "cancelled": False}


async def test_pressing_stop_twice_still_ends_the_run_once_and_frees_the_thread(
    client: httpx.AsyncClient,
) -> None:
    events: list[dict] = []
    async with client.stream("POST", "/api/chat", json={"message": "[slow] [tokens=40]"}) as response:
        async for frame in frames(response):
            events.append(frame.event)
            if content_count(events) == 2:
                thread_id = events[0]["threadId"]
                for _ in range(3):
                    await client.post(f"/api/threads/{thread_id}/cancel")
    assert_protocol_order(events)
    assert events[-1]["outcome"] == {"type": "cancelled"}
    assert (await client.get(f"/api/threads/{thread_id}")).json()["active_run_id"] is None
    assert (await turn(client, "again [tokens=1]", thread_id))[-1]["type"] == "RUN_FINISHED"
