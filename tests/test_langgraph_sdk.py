"""LangGraph's own Python client, `langgraph-sdk`, works unchanged against the server."""

import asyncio
import uuid

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.processes import ServerProcess

QUESTION = {"messages": [{"role": "user", "content": "what is 12 * 7?"}]}


def say(text: str) -> dict:
    return {"messages": [{"role": "user", "content": text}]}


@pytest.fixture
def sdk(server: ServerProcess) -> LangGraphClient:
    return get_client(url=server.url, api_key=None)


async def test_the_graph_is_the_one_assistant(sdk: LangGraphClient) -> None:
    assert await sdk.http.get("/ok") == {"ok": True}
    [assistant] = await sdk.assistants.search()
    assert assistant["assistant_id"] == assistant["graph_id"] == "agent"
    assert (await sdk.assistants.get("agent"))["graph_id"] == "agent"
    graph = await sdk.assistants.get_graph("agent")
    assert {"agent", "tools"} <= {node["id"] for node in graph["nodes"]}
    schemas = await sdk.assistants.get_schemas("agent")
    assert "messages" in schemas["input_schema"]["properties"]


async def test_threads_are_created_read_searched_patched_and_deleted(sdk: LangGraphClient) -> None:
    owner = uuid.uuid4().hex
    thread = await sdk.threads.create(metadata={"owner": owner})
    thread_id = thread["thread_id"]
    assert thread["status"] == "idle" and thread["metadata"] == {"owner": owner, "graph_id": "agent"}
    again = await sdk.threads.create(thread_id=thread_id, if_exists="do_nothing")
    assert again["thread_id"] == thread_id
    with pytest.raises(httpx.HTTPStatusError) as refused:
        await sdk.threads.create(thread_id=thread_id, if_exists="raise")
    assert refused.value.response.status_code == 409
    await sdk.threads.update(thread_id, metadata={"label": "x"})
    assert (await sdk.threads.get(thread_id))["metadata"]["label"] == "x"
    found = await sdk.threads.search(metadata={"owner": owner}, status="idle", limit=5)
    assert [t["thread_id"] for t in found] == [thread_id]
    assert await sdk.threads.search(metadata={"owner": owner}, status="busy") == []
    await sdk.threads.delete(thread_id)
    with pytest.raises(httpx.HTTPStatusError) as gone:
        await sdk.threads.get(thread_id)
    assert gone.value.response.status_code == 404


async def test_search_pages_and_sorts_threads_and_finds_them_by_graph_id(sdk: LangGraphClient) -> None:
    owner = uuid.uuid4().hex
    made = [(await sdk.threads.create(metadata={"owner": owner}))["thread_id"] for _ in range(3)]
    newest_first = await sdk.threads.search(metadata={"owner": owner, "graph_id": "agent"}, limit=2)
    assert [t["thread_id"] for t in newest_first] == made[::-1][:2]
    rest = await sdk.threads.search(metadata={"owner": owner}, limit=2, offset=2)
    assert [t["thread_id"] for t in rest] == made[:1]
    oldest_first = await sdk.threads.search(metadata={"owner": owner}, sort_order="asc")
    assert [t["thread_id"] for t in oldest_first] == made


async def test_a_streamed_run_sends_each_mode_it_was_asked_for(sdk: LangGraphClient) -> None:
    thread = await sdk.threads.create()
    modes = ["values", "updates", "messages-tuple", "custom", "tasks", "checkpoints", "debug"]
    parts = [
        p async for p in sdk.runs.stream(thread["thread_id"], "agent", input=QUESTION, stream_mode=modes)
    ]
    names = [p.event for p in parts]
    assert names[0] == "metadata"
    assert {"values", "updates", "messages", "tasks", "checkpoints", "debug"} <= set(names)
    tokens = "".join(
        p.data[0]["content"] for p in parts if p.event == "messages" and p.data[0]["type"] == "AIMessageChunk"
    )
    assert tokens == "The result is 84."
    last_values = [p.data for p in parts if p.event == "values"][-1]
    assert [m["type"] for m in last_values["messages"]] == ["human", "ai", "tool", "ai"]
    assert {"agent", "tools"} <= {node for p in parts if p.event == "updates" for node in p.data}


async def test_messages_mode_sends_each_message_as_it_grows(sdk: LangGraphClient) -> None:
    parts = [
        p async for p in sdk.runs.stream(None, "agent", input=say("hi [tokens=3]"), stream_mode="messages")
    ]
    partial = [p.data[0]["content"] for p in parts if p.event == "messages/partial"]
    assert partial[-1] == "turn1 w1 w2" and "turn1 w1" in partial
    assert all(later.startswith(earlier) for earlier, later in zip(partial, partial[1:], strict=False))
    assert [p.data[0]["content"] for p in parts if p.event == "messages/complete"] == ["turn1 w1 w2"]
    assert any(p.event == "messages/metadata" for p in parts)


async def test_tokens_arrive_before_the_model_finishes(sdk: LangGraphClient) -> None:
    thread = await sdk.threads.create()
    stream = sdk.runs.stream(
        thread["thread_id"], "agent", input=say("[tokens=6] [delay=150]"), stream_mode="messages-tuple"
    )
    async for part in stream:
        if part.event == "messages" and part.data[0]["content"]:
            assert (await sdk.threads.get(thread["thread_id"]))["status"] == "busy"
            break


async def test_a_background_run_is_listed_got_and_joined(sdk: LangGraphClient) -> None:
    thread = await sdk.threads.create()
    run = await sdk.runs.create(
        thread["thread_id"], "agent", input=say("[tokens=4] [delay=50]"), metadata={"k": 1}
    )
    assert run["status"] == "running" and run["metadata"] == {"k": 1}
    assert [r["run_id"] for r in await sdk.runs.list(thread["thread_id"])] == [run["run_id"]]
    values = await sdk.runs.join(thread["thread_id"], run["run_id"])
    assert values["messages"][-1]["content"] == "turn1 w1 w2 w3"
    assert (await sdk.runs.get(thread["thread_id"], run["run_id"]))["status"] == "success"


async def test_join_stream_replays_a_run_from_the_start(sdk: LangGraphClient) -> None:
    thread = await sdk.threads.create()
    run = await sdk.runs.create(thread["thread_id"], "agent", input=say("[tokens=3]"), stream_mode="values")
    await sdk.runs.join(thread["thread_id"], run["run_id"])
    parts = [p async for p in sdk.runs.join_stream(thread["thread_id"], run["run_id"], last_event_id="-1")]
    assert [p.event for p in parts][0] == "metadata"
    assert parts[-1].event == "values" and parts[-1].data["messages"][-1]["content"] == "turn1 w1 w2"
    later = [
        p async for p in sdk.runs.join_stream(thread["thread_id"], run["run_id"], last_event_id=parts[0].id)
    ]
    assert [p.id for p in later] == [p.id for p in parts[1:]]


async def test_cancel_with_wait_stops_the_run_and_keeps_the_thread(sdk: LangGraphClient) -> None:
    thread = await sdk.threads.create()
    run = await sdk.runs.create(thread["thread_id"], "agent", input=say("[tokens=50] [delay=100]"))
    await sdk.runs.cancel(thread["thread_id"], run["run_id"], wait=True)
    assert (await sdk.runs.get(thread["thread_id"], run["run_id"]))["status"] == "interrupted"
    state = await sdk.threads.get_state(thread["thread_id"])
    assert state["values"]["messages"][0]["content"] == "[tokens=50] [delay=100]"
    assert (await sdk.threads.get(thread["thread_id"]))["status"] == "idle"


async def test_a_rollback_leaves_the_thread_as_it_was_before_the_run(sdk: LangGraphClient) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await sdk.runs.wait(thread_id, "agent", input=say("first [tokens=2]"))
    before = await sdk.threads.get_state(thread_id)
    run = await sdk.runs.create(
        thread_id, "agent", input=say("second [tokens=50] [delay=100]"), durability="async"
    )
    for _ in range(100):  # until the run's first checkpoint (its input) is written
        if len((await sdk.threads.get_state(thread_id))["values"]["messages"]) == 3:
            break
        await asyncio.sleep(0.05)
    await sdk.runs.cancel(thread_id, run["run_id"], wait=True, action="rollback")
    after = await sdk.threads.get_state(thread_id)
    assert (await sdk.runs.get(thread_id, run["run_id"]))["status"] == "interrupted"
    assert after["checkpoint"]["checkpoint_id"] == before["checkpoint"]["checkpoint_id"]
    assert [m["content"] for m in after["values"]["messages"]] == ["first [tokens=2]", "turn1 w1"]
    history = await sdk.threads.get_history(thread_id, limit=20)
    assert all(state["metadata"].get("run_id") != run["run_id"] for state in history)


async def test_wait_without_a_thread_answers_the_values_and_forgets_the_thread(sdk: LangGraphClient) -> None:
    values = await sdk.runs.wait(None, "agent", input=say("hi [tokens=2]"))
    assert values["messages"][-1]["content"] == "turn1 w1", values
    on_thread = await sdk.runs.wait((await sdk.threads.create())["thread_id"], "agent", input=QUESTION)
    assert on_thread["messages"][-1]["content"] == "The result is 84."


async def test_state_is_read_updated_as_a_node_and_listed_in_history(sdk: LangGraphClient) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await sdk.runs.wait(thread_id, "agent", input=say("hi [tokens=2]"))
    state = await sdk.threads.get_state(thread_id)
    assert state["checkpoint"]["checkpoint_id"] and state["next"] == []
    at = await sdk.threads.get_state(thread_id, checkpoint_id=state["checkpoint"]["checkpoint_id"])
    assert at["values"] == state["values"]
    note = {"messages": [{"role": "assistant", "content": "a note", "id": "note-1"}]}
    saved = await sdk.threads.update_state(thread_id, note, as_node="agent")
    assert saved["checkpoint"]["checkpoint_id"] != state["checkpoint"]["checkpoint_id"]
    history = await sdk.threads.get_history(thread_id, limit=5)
    assert history[0]["values"]["messages"][-1]["content"] == "a note"
    assert history[0]["metadata"]["source"] == "update"


async def test_a_run_stopped_before_a_node_is_resumed(sdk: LangGraphClient) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    await sdk.runs.wait(thread_id, "agent", input=QUESTION, interrupt_before=["tools"])
    thread = await sdk.threads.get(thread_id)
    assert thread["status"] == "interrupted"
    assert (await sdk.threads.get_state(thread_id))["next"] == ["tools"]
    values = await sdk.runs.wait(thread_id, "agent", command={"resume": "go on"})
    assert values["messages"][-1]["content"] == "The result is 84."
    assert (await sdk.threads.get(thread_id))["status"] == "idle"


async def test_multitask_strategies(sdk: LangGraphClient) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    slow = say("[tokens=40] [delay=50]")
    first = await sdk.runs.create(thread_id, "agent", input=slow)
    with pytest.raises(httpx.HTTPStatusError) as busy:
        await sdk.runs.create(thread_id, "agent", input=slow, multitask_strategy="reject")
    assert busy.value.response.status_code == 409
    second = await sdk.runs.create(thread_id, "agent", input=slow, multitask_strategy="interrupt")
    assert (await sdk.runs.get(thread_id, first["run_id"]))["status"] == "interrupted"
    third = asyncio.create_task(
        sdk.runs.wait(thread_id, "agent", input=say("[tokens=2]"), multitask_strategy="enqueue")
    )
    await sdk.runs.join(thread_id, second["run_id"])
    assert (await sdk.runs.get(thread_id, second["run_id"]))["status"] == "success"
    assert (await third)["messages"][-1]["content"] == "turn3 w1"
    fourth = await sdk.runs.create(thread_id, "agent", input=slow)
    fifth = await sdk.runs.create(thread_id, "agent", input=say("[tokens=2]"), multitask_strategy="rollback")
    await sdk.runs.join(thread_id, fifth["run_id"])
    assert (await sdk.runs.get(thread_id, fourth["run_id"]))["status"] == "interrupted"
    contents = [m["content"] for m in (await sdk.threads.get_state(thread_id))["values"]["messages"]]
    assert "[tokens=40] [delay=50]" in contents and contents[-1].startswith("turn")


async def test_what_the_server_does_not_implement_is_refused_naming_it(sdk: LangGraphClient) -> None:
    thread_id = (await sdk.threads.create())["thread_id"]
    with pytest.raises(httpx.HTTPStatusError) as refused:
        await sdk.runs.create(thread_id, "agent", input=QUESTION, webhook="https://example.com/hook")
    assert refused.value.response.status_code == 422
    assert "webhook" in refused.value.response.json()["error"]["message"]
    with pytest.raises(httpx.HTTPStatusError) as events:
        await sdk.runs.create(thread_id, "agent", input=QUESTION, stream_mode="events")
    assert "events" in events.value.response.json()["error"]["message"]


async def test_the_sdk_sends_the_api_key_as_x_api_key(start_server, standin) -> None:
    server = start_server({"API_KEY": "sdk-secret", "OPENAI_API_KEY": "k", "OPENAI_BASE_URL": standin.url})
    with pytest.raises(httpx.HTTPStatusError) as refused:
        await get_client(url=server.url, api_key=None).threads.create()
    assert refused.value.response.status_code == 401
    sdk = get_client(url=server.url, api_key="sdk-secret")
    values = await sdk.runs.wait(None, "agent", input=say("hi [tokens=2]"))
    assert values["messages"][-1]["content"] == "turn1 w1", values
