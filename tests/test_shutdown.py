"""SIGTERM: no new turns; active runs finish within the grace period, then stop cleanly; exit 0."""

import asyncio
import signal
from collections.abc import Callable

import httpx

from tests.checks import recorded
from tests.processes import ServerProcess, StandInProcess
from tests.sse import frames, turn


async def start_and_terminate(server: ServerProcess, message: str) -> dict:
    """Start a turn, send SIGTERM once its first token arrived, and wait for the process to exit 0."""
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=60) as client,
        client.stream("POST", "/api/chat", json={"message": message}) as response,
    ):
        async for frame in frames(response):
            if frame.event["type"] == "RUN_STARTED":
                started = frame.event
            if frame.event["type"] == "TEXT_MESSAGE_CONTENT":
                break
    assert await asyncio.to_thread(server.stop, signal.SIGTERM) == 0
    return started


async def test_an_active_run_finishes_before_the_server_exits(
    start_server: Callable[..., ServerProcess], standin: StandInProcess
) -> None:
    server = start_server(
        {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": standin.url, "SHUTDOWN_GRACE_SECONDS": "30"}
    )
    started = await start_and_terminate(server, "[tokens=10] [delay=100]")
    server.start()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        rows = await recorded(client, started["threadId"], 2)
        assert rows[-1]["content"] == "turn1 " + " ".join(f"w{i}" for i in range(1, 10))
        replay = await client.get(f"/api/threads/{started['threadId']}")
        assert replay.json()["messages"][-1]["content"] == rows[-1]["content"]


async def test_a_run_past_the_grace_period_is_cancelled_cleanly(
    start_server: Callable[..., ServerProcess], standin: StandInProcess
) -> None:
    server = start_server(
        {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": standin.url, "SHUTDOWN_GRACE_SECONDS": "0.5"}
    )
    started = await start_and_terminate(server, "[slow] [tokens=100]")
    assert "rows not written" not in server.output()
    server.start()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        rows = await recorded(client, started["threadId"], 2)
        partial = rows[-1]["content"]
        assert rows[-1]["role"] == "assistant" and 0 < len(partial.split()) < 100
        messages = (await client.get(f"/api/threads/{started['threadId']}")).json()["messages"]
        assert messages[-1]["content"] == partial
        after = await turn(client, "still there? [tokens=1]", started["threadId"])
        assert after[-1]["type"] == "RUN_FINISHED"
