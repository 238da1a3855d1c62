"""Every `ChatOpenAI` in the process streams through the fast path, with all of ChatOpenAI's features.

The models here are built the ordinary way, after `use_fast_streams(True)` (the
server calls it at start-up): streamed tokens, tool calls, usage, retries,
timeouts, request options and errors behave as the SDK's own path does;
what the fast path does not cover (response headers, structured output, Azure,
a client of one's own, a user's own `AsyncOpenAI`) still goes the SDK's way.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage
from langchain_openai import AzureChatOpenAI, ChatOpenAI, StreamChunkTimeoutError
from langgraph.graph import END, START, MessagesState, StateGraph
from openai.types.chat import ChatCompletionChunk
from pydantic import BaseModel

from agent.model import ThreadChatOpenAI
from agent.openai_streams import RawChunkCompletions, use_fast_streams
from tests.processes import StandInProcess
from tests.scripted_sse import ScriptedEndpoint, scripted_endpoint

CALCULATOR = {"name": "calculator", "description": "math", "parameters": {}}


@pytest.fixture(autouse=True)
def fast_streams() -> Iterator[None]:
    use_fast_streams(True)
    yield
    use_fast_streams(False)


@pytest.fixture
async def endpoint() -> AsyncIterator[ScriptedEndpoint]:
    async with scripted_endpoint() as endpoint:
        yield endpoint


def chat(base_url: str, **options: Any) -> ChatOpenAI:
    return ChatOpenAI(model="standin", api_key="k", base_url=base_url, **options)


def fast(model: ChatOpenAI) -> bool:
    return isinstance(model.async_client, RawChunkCompletions)


async def text_of(model: ChatOpenAI, prompt: str, **kwargs: Any) -> str:
    return "".join([chunk.text async for chunk in model.astream([HumanMessage(prompt)], **kwargs)])


async def failure_of(model: ChatOpenAI, prompt: str) -> BaseException:
    with pytest.raises(Exception) as failed:
        await model.ainvoke([HumanMessage(prompt)])
    return failed.value


async def test_a_stock_chat_openai_streams_its_tokens_through_the_fast_path(standin: StandInProcess) -> None:
    model = chat(standin.url, streaming=True)
    assert not fast(model)
    assert await text_of(model, "hello [tokens=5]") == "turn1 w1 w2 w3 w4"
    assert fast(model)


async def test_a_bound_model_streams_its_tool_calls(standin: StandInProcess) -> None:
    model = chat(standin.url, streaming=True)
    call = await model.bind_tools([CALCULATOR]).ainvoke([HumanMessage("what is 6 * 7?")])
    assert [(c["name"], c["args"]) for c in call.tool_calls] == [("calculator", {"expression": "6 * 7"})]
    assert fast(model)


async def test_stream_usage_reports_the_tokens(standin: StandInProcess) -> None:
    model = chat(standin.url, streaming=True, stream_usage=True)
    answer = await model.ainvoke([HumanMessage("count [tokens=4]")])
    assert answer.usage_metadata and answer.usage_metadata["output_tokens"] == 4
    assert standin.requests()[-1]["stream_options"] == {"include_usage": True}


async def test_a_failed_request_is_retried_then_raised_as_the_sdks_error(standin: StandInProcess) -> None:
    model = chat(standin.url, streaming=True, max_retries=1)
    before = len(standin.requests())
    assert isinstance(await failure_of(model, "retry me [fail500]"), openai.InternalServerError)
    assert len(standin.requests()) - before == 2 and fast(model)


async def test_an_error_answer_is_the_sdks_status_error(standin: StandInProcess) -> None:
    model = chat(standin.url + "/nowhere", streaming=True, max_retries=0)
    assert isinstance(await failure_of(model, "hello"), openai.NotFoundError)


async def test_a_stalled_stream_raises_langchains_chunk_timeout(standin: StandInProcess) -> None:
    model = chat(standin.url, streaming=True, stream_chunk_timeout=0.2)
    stalled = await failure_of(model, "stall [tokens=3] [delay=3000]")
    assert isinstance(stalled, StreamChunkTimeoutError) and stalled.chunks_received == 1


async def test_keepalives_do_not_hold_off_the_chunk_timeout(endpoint: ScriptedEndpoint) -> None:
    model = chat(endpoint.url, streaming=True, stream_chunk_timeout=0.45)
    stalled = await failure_of(model, "[script=keepalives-only]")
    assert isinstance(stalled, StreamChunkTimeoutError) and stalled.chunks_received == 1


async def test_the_request_timeout_holds(standin: StandInProcess) -> None:
    model = chat(standin.url, streaming=True, timeout=0.3, max_retries=0)
    assert isinstance(await failure_of(model, "[timeout]"), openai.APITimeoutError)
    assert isinstance(await failure_of(model, "slow [tokens=3] [delay=1000]"), openai.APITimeoutError)


async def test_request_options_reach_the_endpoint_as_the_sdk_sends_them(endpoint: ScriptedEndpoint) -> None:
    options = {"streaming": True, "extra_body": {"top_k": 3}, "model_kwargs": {"user": "u1"}}
    call = {"extra_headers": {"x-trace": "t1"}, "extra_query": {"tenant": "a"}}
    for fast_path in (False, True):
        use_fast_streams(fast_path)
        model = chat(endpoint.url + "/proxy/v1", **options)
        assert await text_of(model, "hi", **call) == "hello world"
        assert fast(model) is fast_path
    sdk, ours = endpoint.requests[-2:]
    assert ours["path"] == sdk["path"] == "/proxy/v1/chat/completions?tenant=a"
    assert ours["body"] == sdk["body"] and ours["body"]["top_k"] == 3 and ours["body"]["user"] == "u1"
    assert ours["headers"]["x-trace"] == "t1"
    assert {k: v for k, v in ours["headers"].items() if k != "content-length"} == {
        k: v for k, v in sdk["headers"].items() if k not in {"content-length", "x-stainless-retry-count"}
    } | {"x-stainless-retry-count": ours["headers"]["x-stainless-retry-count"]}


@pytest.mark.parametrize(
    ("prompt", "error"),
    [("[drop] [tokens=8]", openai.APIConnectionError), ("[malformed]", json.JSONDecodeError)],
)
async def test_a_broken_stream_raises_as_the_sdk_raises(
    standin: StandInProcess, prompt: str, error: type[Exception]
) -> None:
    failures = []
    for fast_path in (False, True):
        use_fast_streams(fast_path)
        failures.append(await failure_of(chat(standin.url, streaming=True, max_retries=0), prompt))
    sdk, ours = failures
    assert type(ours) is type(sdk) and isinstance(ours, error)


async def test_response_headers_come_through_the_sdks_own_path(standin: StandInProcess) -> None:
    model = chat(standin.url, streaming=True, include_response_headers=True)
    chunks = [chunk async for chunk in model.astream([HumanMessage("hi [tokens=2]")])]
    assert "".join(c.text for c in chunks) == "turn1 w1"
    assert chunks[0].response_metadata["headers"]["content-type"].startswith("text/event-stream")


async def test_structured_output_comes_through_the_sdks_own_path(endpoint: ScriptedEndpoint) -> None:
    class Person(BaseModel):
        name: str

    model = chat(endpoint.url, streaming=True)
    assert await model.with_structured_output(Person).ainvoke("[script=json]") == Person(name="Ada")
    assert endpoint.requests[-1]["body"]["response_format"]["type"] == "json_schema"


async def test_a_model_that_does_not_stream_answers_in_one_piece_and_streams_for_langgraph(
    endpoint: ScriptedEndpoint,
) -> None:
    assert (await chat(endpoint.url, streaming=False).ainvoke("hi")).content == "not streamed"
    model = chat(endpoint.url)  # streaming=False by default: LangGraph's messages stream makes it stream
    assert (await model.ainvoke("hi")).content == "not streamed"
    assert not endpoint.requests[-1]["body"].get("stream")

    async def answer(state: MessagesState) -> dict[str, Any]:
        return {"messages": [await model.ainvoke(state["messages"])]}

    graph = StateGraph(MessagesState).add_node("answer", answer)
    graph = graph.add_edge(START, "answer").add_edge("answer", END).compile()
    tokens = [
        part.content
        async for part, _ in graph.astream({"messages": [HumanMessage("hi")]}, stream_mode="messages")
        if isinstance(part, AIMessageChunk)
    ]
    assert tokens[:2] == ["hello", " world"] and fast(model)


async def test_a_users_own_async_openai_still_gets_the_sdks_objects(standin: StandInProcess) -> None:
    await text_of(chat(standin.url, streaming=True), "hi [tokens=2]")
    client = openai.AsyncOpenAI(api_key="k", base_url=standin.url)
    stream = await client.chat.completions.create(
        model="standin", stream=True, messages=[{"role": "user", "content": "hi [tokens=2]"}]
    )
    chunks = [chunk async for chunk in stream]
    assert chunks and all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)


async def test_azure_and_clients_of_ones_own_are_left_alone(endpoint: ScriptedEndpoint) -> None:
    azure = AzureChatOpenAI(
        azure_endpoint=endpoint.url,
        api_key="k",
        api_version="2024-10-21",
        azure_deployment="d",
        streaming=True,
    )
    assert await text_of(azure, "hi") == "hello world" and not fast(azure)
    assert endpoint.requests[-1]["path"].startswith("/openai/deployments/d/chat/completions")

    class OwnClient(openai.AsyncOpenAI):
        pass

    own = OwnClient(api_key="k", base_url=endpoint.url)
    model = chat(endpoint.url, streaming=True, root_async_client=own, async_client=own.chat.completions)
    assert await text_of(model, "hi") == "hello world" and not fast(model)


async def test_thread_chat_openai_names_its_answers_with_short_ids(standin: StandInProcess) -> None:
    model = ThreadChatOpenAI(model="standin", api_key="k", base_url=standin.url, streaming=True)
    chunks = [chunk async for chunk in model.astream([HumanMessage("hi [tokens=3]")])]
    answer = sum(chunks[1:], chunks[0])
    assert len({chunk.id for chunk in chunks if chunk.text}) == 1 and not answer.id.startswith("lc_")
    assert answer.id == chunks[0].id and fast(model)


async def test_switched_off_every_chat_openai_streams_the_sdks_own_way(standin: StandInProcess) -> None:
    use_fast_streams(False)
    model = chat(standin.url, streaming=True)
    assert await text_of(model, "hi [tokens=2]") == "turn1 w1" and not fast(model)


async def test_time_the_consumer_holds_a_chunk_does_not_count_against_the_chunk_timeout(
    standin: StandInProcess,
) -> None:
    model = chat(standin.url, streaming=True, stream_chunk_timeout=0.2)
    text = ""
    async for chunk in model.astream([HumanMessage("hold each [tokens=3]")]):
        text += chunk.text
        await asyncio.sleep(0.3)
    assert text == "turn1 w1 w2"


async def test_a_cancelled_stream_ends_cancelled(standin: StandInProcess) -> None:
    model = chat(standin.url, streaming=True, stream_chunk_timeout=0.2)
    first = asyncio.Event()

    async def read() -> None:
        async for _ in model.astream([HumanMessage("slow [tokens=5] [delay=100]")]):
            first.set()

    reading = asyncio.create_task(read())
    await first.wait()
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reading
