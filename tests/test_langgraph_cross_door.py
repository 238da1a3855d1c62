"""One run registry, two doors: a run started on either is listed, joined and cancelled through the other."""

import asyncio
from collections.abc import Callable

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.processes import ServerProcess
from tests.sse import frames, turn, types


@pytest.fixture
def sdk(server: ServerProcess) -> LangGraphClient:
    return get_client(url=server.url, api_key=None)


def say(text: str) -> dict:
    return {"messages": [{"role": "user", "content": text}]}


async def test_a_chat_run_is_listed_and_joined_through_the_langgraph_api(
    client: httpx.AsyncClient, sdk: LangGraphClient
) -> None:
    async with client.stream("POST", "/api/chat", json={"message": "[tokens=8] [delay=50]"}) as response:
        events = frames(response)
        started = (await anext(events)).event
        thread_id, run_id = started["threadId"], started["runId"]
        listed = await sdk.runs.list(thread_id)
        assert [(r["run_id"], r["status"]) for r in listed] == [(run_id, "running")]
        assert (await sdk.threads.get(thread_id))["status"] == "busy"
        joined = [p async for p in sdk.runs.join_stream(thread_id, run_id)]
        rest = [frame.event async for frame in events]
    assert rest[-1]["type"] == "RUN_FINISHED"
    assert [p.event for p in joined] == ["metadata", "values"]
    assert joined[-1].data["messages"][-1]["content"] == "turn1 w1 w2 w3 w4 w5 w6 w7"
    assert (await sdk.runs.join(thread_id, run_id))["messages"][-1]["content"] == "turn1 w1 w2 w3 w4 w5 w6 w7"
    assert (await sdk.runs.get(thread_id, run_id))["status"] == "success"


async def test_a_chat_run_is_cancelled_through_the_langgraph_api(
    client: httpx.AsyncClient, sdk: LangGraphClient
) -> None:
    async with client.stream("POST", "/api/chat", json={"message": "[tokens=50] [delay=100]"}) as response:
        events = frames(response)
        started = (await anext(events)).event
        await sdk.runs.cancel(started["threadId"], started["runId"], wait=True)
        rest = [frame.event async for frame in events]
    assert rest[-1]["type"] == "RUN_FINISHED" and rest[-1]["outcome"]["type"] == "cancelled"
    assert (await sdk.runs.get(started["threadId"], started["runId"]))["status"] == "interrupted"


async def test_a_langgraph_run_is_joined_and_cancelled_through_our_own_endpoints(
    client: httpx.AsyncClient, sdk: LangGraphClient
) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    run = await sdk.runs.create(thread_id, "agent", input=say("[tokens=3]"))
    async with client.stream("GET", f"/api/runs/{run['run_id']}/stream") as response:
        joined = [frame.event async for frame in frames(response)]
    assert types(joined) == ["RUN_STARTED", "RUN_FINISHED"]
    assert joined[0]["threadId"] == thread_id and joined[0]["runId"] == run["run_id"]

    slow = await sdk.runs.create(thread_id, "agent", input=say("[tokens=50] [delay=100]"))
    view = (await client.get(f"/api/threads/{thread_id}")).json()
    assert view["active_run_id"] == slow["run_id"]
    cancelled = (await client.post(f"/api/threads/{thread_id}/cancel")).json()
    assert cancelled == {"thread_id": thread_id, "run_id": slow["run_id"], "cancelled": True}
    await sdk.runs.join(thread_id, slow["run_id"])
    assert (await sdk.runs.get(thread_id, slow["run_id"]))["status"] == "interrupted"


async def test_our_own_door_offers_the_multitask_strategies(client: httpx.AsyncClient) -> None:
    async with client.stream("POST", "/api/chat", json={"message": "[tokens=50] [delay=50]"}) as response:
        events = frames(response)
        started = (await anext(events)).event
        thread_id = started["threadId"]
        refused = await client.post("/api/chat", json={"message": "again", "thread_id": thread_id})
        assert refused.status_code == 409
        second = asyncio.create_task(turn(client, "[tokens=2]", thread_id, multitask_strategy="interrupt"))
        rest = [frame.event async for frame in events]
    assert rest[-1]["outcome"]["type"] == "cancelled"
    assert (await second)[-1]["outcome"]["type"] == "success"


async def test_an_interrupt_reached_through_this_door_holds_new_messages_at_the_others(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"GRAPH": "tests.store_graph:memory_graph", "OPENAI_API_KEY": ""})
    sdk = get_client(url=server.url, api_key=None)
    thread_id = (await sdk.threads.create())["thread_id"]
    await sdk.runs.wait(thread_id, "memory", input=say("ask me"))
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        refused = await http.post("/api/chat", json={"message": "hello?", "thread_id": thread_id})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "interrupt_pending"
        await sdk.runs.wait(thread_id, "memory", command={"resume": "Ada"})
        async with http.stream(
            "POST", "/api/chat", json={"message": "hello again", "thread_id": thread_id}
        ) as answer:
            assert answer.status_code == 200
            await answer.aread()
