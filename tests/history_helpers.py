"""Reading a thread's checkpoint history, and starting turns from a checkpoint through each door."""

import json
import uuid
from typing import Any

import httpx

from tests.sse import frames


async def history(client: httpx.AsyncClient, thread_id: str, **params: Any) -> list[dict[str, Any]]:
    """The thread's checkpoints, newest first."""
    response = await client.get(f"/api/threads/{thread_id}/history", params=params)
    assert response.status_code == 200, response.text
    return response.json()["checkpoints"]


async def turn_ends(client: httpx.AsyncClient, thread_id: str) -> list[dict[str, Any]]:
    """The checkpoints that end a turn (source 'loop'), newest first."""
    return [c for c in await history(client, thread_id, limit=200) if c["source"] == "loop"]


async def messages(client: httpx.AsyncClient, thread_id: str) -> list[dict[str, Any]]:
    """The thread's messages at its head, as GET /api/threads/{id} gives them."""
    return (await client.get(f"/api/threads/{thread_id}")).json()["messages"]


async def send_from(
    client: httpx.AsyncClient, door: str, thread_id: str, text: str, checkpoint_id: str
) -> list[dict[str, Any]]:
    """Start a turn from `checkpoint_id` through `door` (chat, eventsource or agui); its events."""
    if door == "chat":
        request = client.build_request(
            "POST",
            "/api/chat",
            json={"message": text, "thread_id": thread_id, "checkpoint_id": checkpoint_id},
        )
    elif door == "eventsource":
        params = {"message": text, "thread_id": thread_id, "checkpoint_id": checkpoint_id}
        request = client.build_request("GET", "/chat", params=params)
    else:
        state = (await client.get(f"/api/threads/{thread_id}/history", params={"values": "true"})).json()
        before = next(c for c in state["checkpoints"] if c["checkpoint_id"] == checkpoint_id)
        sent = [
            *before["values"]["messages"],
            {"id": f"msg-{uuid.uuid4().hex}", "role": "user", "content": text},
        ]
        body = {
            "threadId": thread_id,
            "runId": f"run-{uuid.uuid4().hex}",
            "messages": sent,
            "state": {},
            "tools": [],
            "context": [],
            "forwardedProps": {"checkpoint_id": checkpoint_id},
        }
        request = client.build_request("POST", "/agui", content=json.dumps(body))
        request.headers["content-type"] = "application/json"
    response = await client.send(request, stream=True)
    try:
        assert response.status_code == 200, await response.aread()
        return [frame.event async for frame in frames(response)]
    finally:
        await response.aclose()
