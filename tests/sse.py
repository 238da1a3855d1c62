"""Reading our SSE streams over a real socket, as a client would."""

import json
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Frame:
    id: str | None
    event: dict[str, Any]


async def frames(response: httpx.Response):
    """Yield each event of an SSE response as it arrives."""
    event_id, data = None, []
    async for line in response.aiter_lines():
        if line == "":
            if data:
                yield Frame(event_id, json.loads("\n".join(data)))
            event_id, data = None, []
        elif line.startswith("id: "):
            event_id = line[4:]
        elif line.startswith("data: "):
            data.append(line[6:])


async def read_some(stream: Any, count: int) -> list[Frame]:
    """The next `count` frames of a `frames()` iterator."""
    return [await anext(stream) for _ in range(count)]


async def turn(
    client: httpx.AsyncClient, message: str, thread_id: str | None = None, **extra: Any
) -> list[dict[str, Any]]:
    """Send a turn with POST /api/chat and read its stream to the end."""
    body = {"message": message, **({"thread_id": thread_id} if thread_id else {}), **extra}
    async with client.stream("POST", "/api/chat", json=body) as response:
        assert response.status_code == 200, await response.aread()
        return [frame.event async for frame in frames(response)]


def types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


def text_of(events: list[dict[str, Any]]) -> str:
    return "".join(e["delta"] for e in events if e["type"] == "TEXT_MESSAGE_CONTENT")


async def user_messages(client: httpx.AsyncClient, thread_id: str) -> list[str]:
    """The user messages of a thread's checkpoint, oldest first."""
    response = await client.get(f"/api/threads/{thread_id}")
    assert response.status_code == 200, response.text
    return [m["content"] for m in response.json()["messages"] if m["role"] == "user"]


async def stream_events(
    client: httpx.AsyncClient, method: str, url: str, **request: Any
) -> list[dict[str, Any]]:
    """Any streaming request read to its end: its events (the request must be accepted)."""
    async with client.stream(method, url, **request) as response:
        assert response.status_code == 200, await response.aread()
        return [frame.event async for frame in frames(response)]


def outcome_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The outcome of the RUN_FINISHED that ends `events`."""
    assert events[-1]["type"] == "RUN_FINISHED", events[-1]
    return events[-1]["outcome"]
