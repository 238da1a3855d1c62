"""GET /api/threads/{id}/state: every channel of a thread's state, at its latest or a given checkpoint."""

from collections.abc import Callable

import httpx

from tests.processes import ServerProcess
from tests.sse import turn


async def test_the_state_has_every_channel_and_its_messages_in_the_agui_shape(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"GRAPH": "tests.graphs:noting_graph", "OPENAI_API_KEY": ""})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        thread_id = (await turn(client, "remember the milk"))[0]["threadId"]
        await turn(client, "and the eggs", thread_id)
        state = (await client.get(f"/api/threads/{thread_id}/state")).json()
        thread = (await client.get(f"/api/threads/{thread_id}")).json()
    assert state["values"]["notes"] == ["remember the milk", "and the eggs"]
    assert state["values"]["visits"] == 2
    assert state["values"]["messages"] == thread["messages"]
    assert state["values"]["messages"][-1]["content"] == "Noted: and the eggs"
    assert state["checkpoint_id"]
    assert state["next"] == []


async def test_a_checkpoint_is_read_by_its_id_and_an_unknown_one_is_404(client: httpx.AsyncClient) -> None:
    thread_id = (await turn(client, "what is 2 * 3?"))[0]["threadId"]
    latest = (await client.get(f"/api/threads/{thread_id}/state")).json()
    again = await client.get(
        f"/api/threads/{thread_id}/state", params={"checkpoint_id": latest["checkpoint_id"]}
    )
    assert again.status_code == 200
    assert again.json()["values"] == latest["values"]
    missing = await client.get(f"/api/threads/{thread_id}/state", params={"checkpoint_id": "no-such-one"})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


async def test_the_state_of_an_unknown_thread_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/threads/no-such-thread-state/state")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
