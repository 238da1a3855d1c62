"""The store: LangGraph's AsyncPostgresStore, handed to the graph and served at /store to the SDK."""

import uuid
from collections.abc import Callable

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.processes import ServerProcess


@pytest.fixture
def memory_sdk(start_server: Callable[..., ServerProcess]) -> LangGraphClient:
    server = start_server({"GRAPH": "tests.store_graph:memory_graph", "OPENAI_API_KEY": ""})
    return get_client(url=server.url, api_key=None)


def say(text: str) -> dict:
    return {"messages": [{"role": "user", "content": text}]}


async def test_the_store_keeps_items_for_the_sdk_and_memory_for_the_graph(
    memory_sdk: LangGraphClient,
) -> None:
    sdk = memory_sdk
    ns = ["users", uuid.uuid4().hex]
    await sdk.store.put_item(ns, "profile", {"name": "Ada", "lang": "en"})
    await sdk.store.put_item(ns, "other", {"name": "Bob", "lang": "fr"})
    assert (await sdk.store.get_item(ns, "profile"))["value"] == {"name": "Ada", "lang": "en"}
    found = await sdk.store.search_items(ns, filter={"lang": "fr"})
    assert [item["key"] for item in found["items"]] == ["other"]
    assert ns in (await sdk.store.list_namespaces(prefix=ns))["namespaces"]
    await sdk.store.delete_item(ns, "profile")
    with pytest.raises(httpx.HTTPStatusError) as gone:
        await sdk.store.get_item(ns, "profile")
    assert gone.value.response.status_code == 404

    [assistant] = await sdk.assistants.search()
    assert assistant["assistant_id"] == "memory"
    before = len((await sdk.store.search_items(["notes"], limit=1000))["items"])
    first = await sdk.runs.wait(None, "memory", input=say("one"))
    second = await sdk.runs.wait((await sdk.threads.create())["thread_id"], "memory", input=say("two"))
    assert first["messages"][-1]["content"] == f"{before + 1} notes; nobody asked"
    assert second["messages"][-1]["content"] == f"{before + 2} notes; nobody asked"


async def test_an_interrupt_is_streamed_and_answered_with_resume(memory_sdk: LangGraphClient) -> None:
    sdk = memory_sdk
    thread_id = (await sdk.threads.create())["thread_id"]
    parts = [
        p
        async for p in sdk.runs.stream(
            thread_id, "memory", input=say("ask me"), stream_mode=["updates", "values"]
        )
    ]
    [update] = [p.data for p in parts if p.event == "updates"]
    assert update["__interrupt__"][0]["value"] == {"question": "who is asking?"}
    assert parts[-1].event == "values" and parts[-1].data["__interrupt__"][0]["value"]["question"]
    thread = await sdk.threads.get(thread_id)
    assert thread["status"] == "interrupted" and list(thread["interrupts"].values())[0][0]["id"]
    resumed = [
        p
        async for p in sdk.runs.stream(
            thread_id, "memory", command={"resume": "Ada"}, stream_mode=["values", "custom"]
        )
    ]
    assert [p.data for p in resumed if p.event == "custom"] == [{"note": "ask me"}]
    assert resumed[-1].data["messages"][-1]["content"].endswith("notes; Ada")
    assert (await sdk.threads.get(thread_id))["status"] == "idle"
