"""SIGTERM keeps live streams open: each ends with its run's own last event, then the connection closes."""

import asyncio
import signal
from collections.abc import Callable

import httpx

from tests.checks import assert_protocol_order
from tests.processes import ServerProcess, StandInProcess
from tests.sse import frames, text_of


async def read_through_sigterm(server: ServerProcess, message: str) -> tuple[list[dict], bool]:
    """Read a turn's whole stream, sending SIGTERM at its first token; and whether a new
    connection was refused while the stream was still open."""
    events: list[dict] = []
    refused_while_open = False
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=60) as client,
        client.stream("POST", "/api/chat", json={"message": message}) as response,
    ):
        async for frame in frames(response):
            events.append(frame.event)
            if frame.event["type"] == "TEXT_MESSAGE_CONTENT" and not refused_while_open:
                server.process.send_signal(signal.SIGTERM)
                refused_while_open = await connection_refused(server.url)
    return events, refused_while_open


async def connection_refused(url: str) -> bool:
    """True once a new connection to `url` is refused (the server stopped listening)."""
    async with httpx.AsyncClient(timeout=5) as fresh:
        for _ in range(100):
            try:
                await fresh.get(f"{url}/healthz")
            except httpx.ConnectError:
                return True
            await asyncio.sleep(0.05)
    return False


async def test_a_stream_stays_open_while_its_run_finishes_in_the_grace_period(
    start_server: Callable[..., ServerProcess], standin: StandInProcess
) -> None:
    server = start_server(
        {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": standin.url, "SHUTDOWN_GRACE_SECONDS": "30"}
    )
    events, refused = await read_through_sigterm(server, "[tokens=12] [delay=100]")
    assert_protocol_order(events)
    assert events[-1]["type"] == "RUN_FINISHED" and events[-1]["outcome"] == {"type": "success"}
    assert text_of(events) == "turn1 " + " ".join(f"w{i}" for i in range(1, 12))
    assert refused, "new connections are refused while the server drains"
    assert await asyncio.to_thread(server.process.wait, 60) == 0
    assert "ASGI callable returned without completing response" not in server.output()


async def test_a_stream_whose_run_outlives_the_grace_ends_with_the_cancelled_outcome(
    start_server: Callable[..., ServerProcess], standin: StandInProcess
) -> None:
    server = start_server(
        {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": standin.url, "SHUTDOWN_GRACE_SECONDS": "1"}
    )
    events, _ = await read_through_sigterm(server, "[slow] [tokens=100]")
    assert_protocol_order(events)
    assert events[-1]["type"] == "RUN_FINISHED" and events[-1]["outcome"] == {"type": "cancelled"}
    assert 0 < len(text_of(events).split()) < 100
    assert await asyncio.to_thread(server.process.wait, 60) == 0
