"""What `agent.openai_streams` and `agent.chunk_stream` lean on in the openai SDK and in langchain-openai.

Upstream, none of this is promised; each test fails loudly if an upgrade changes it:

- langchain-openai builds `async_client` as its `AsyncOpenAI`'s own `chat.completions`,
  defines `_astream` on `BaseChatOpenAI`, streams through `self.async_client.create(**payload)`
  and hands the result, with `self.stream_chunk_timeout`, to the module global
  `_astream_with_chunk_timeout` (whose `wait_for` starts a task per chunk on Python 3.11);
- its `_astream` takes a dict chunk as it is (it calls `model_dump()` only on objects);
- the SDK's public `post(..., cast_to=object, stream=True, stream_cls=AsyncStream[object])`
  sends the body as given and returns a stream whose `response` is not read yet;
- the SDK maps a failed read to `APIConnectionError` and a timed-out one to `APITimeoutError`
  with `openai._httpx2.request_exceptions()` / `timeout_exceptions()`, which `ChunkStream` reuses.

Why lean on them at all: the request transform costs about 0.2 ms per message
(openai/openai-python#3616 measures the same walk), the per-chunk pydantic object and
the task per chunk about half of a turn's server CPU; and reading the bytes directly
must drain the body after `[DONE]` as the SDK does (openai/openai-python#3440).
"""

import asyncio
import inspect
from collections.abc import Iterator

import httpx2
import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI, StreamChunkTimeoutError
from langchain_openai.chat_models import base as chat_openai
from openai import AsyncOpenAI, AsyncStream
from openai._httpx2 import request_exceptions, timeout_exceptions

from agent.openai_streams import STOCK_ASTREAM, STOCK_BOUNDED_CHUNKS, RawChunkCompletions, use_fast_streams
from tests.processes import StandInProcess


@pytest.fixture(autouse=True)
def fast_streams() -> Iterator[None]:
    use_fast_streams(True)
    yield
    use_fast_streams(False)


def test_langchain_defines_the_two_names_the_fast_path_replaces() -> None:
    assert inspect.isasyncgenfunction(STOCK_ASTREAM)
    assert list(inspect.signature(STOCK_BOUNDED_CHUNKS).parameters) == ["source", "timeout", "model_name"]
    source = inspect.getsource(STOCK_ASTREAM)
    assert "await self.async_client.create(**payload)" in source
    assert "_astream_with_chunk_timeout(" in source and "self.stream_chunk_timeout" in source
    assert chat_openai.BaseChatOpenAI.__dict__["_astream"] is not STOCK_ASTREAM  # installed, at class level


def test_langchain_builds_async_client_from_a_plain_async_openai() -> None:
    model = ChatOpenAI(model="standin", api_key="k", base_url="http://127.0.0.1:9/v1")
    assert type(model.root_async_client) is AsyncOpenAI
    assert model.async_client is model.root_async_client.chat.completions


async def test_the_sdks_public_post_streams_each_chunk_as_a_dict(standin: StandInProcess) -> None:
    client = AsyncOpenAI(api_key="k", base_url=standin.url, max_retries=0)
    body = {"model": "standin", "stream": True, "messages": [{"role": "user", "content": "hi [tokens=3]"}]}
    stream = await client.post(
        "/chat/completions", body=body, cast_to=object, stream=True, stream_cls=AsyncStream[object]
    )
    assert isinstance(stream.response, httpx2.Response) and not stream.response.is_stream_consumed
    async with stream:
        chunks = [chunk async for chunk in stream]
    assert chunks and all(isinstance(chunk, dict) for chunk in chunks)
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"]) == (
        "turn1 w1 w2"
    )
    assert standin.requests()[-1] == body


def test_the_sdk_maps_read_failures_with_the_helpers_chunk_stream_reuses() -> None:
    assert httpx2.TimeoutException in timeout_exceptions()
    assert httpx2.RequestError in request_exceptions()
    source = inspect.getsource(AsyncStream._iter_events)
    assert "except timeout_exceptions()" in source and "except request_exceptions()" in source


async def test_langchain_streams_tokens_tool_calls_and_usage_from_dict_chunks(
    standin: StandInProcess,
) -> None:
    model = ChatOpenAI(model="standin", api_key="k", base_url=standin.url, streaming=True, stream_usage=True)
    chunks = [chunk async for chunk in model.astream([HumanMessage("hello [tokens=4]")])]
    assert isinstance(model.async_client, RawChunkCompletions)
    assert "".join(c.text for c in chunks) == "turn1 w1 w2 w3"
    whole = sum(chunks[1:], chunks[0])
    assert whole.usage_metadata and whole.usage_metadata["output_tokens"] == 4

    calling = model.bind_tools([{"name": "calculator", "description": "math", "parameters": {}}])
    call = await calling.ainvoke([HumanMessage("what is 6 * 7?")])
    assert call.tool_calls == [
        {
            "name": "calculator",
            "args": {"expression": "6 * 7"},
            "id": call.tool_calls[0]["id"],
            "type": "tool_call",
        }
    ]


async def test_langchain_hands_the_models_chunk_timeout_to_the_fast_path(standin: StandInProcess) -> None:
    model = ChatOpenAI(
        model="standin", api_key="k", base_url=standin.url, streaming=True, stream_chunk_timeout=0.2
    )
    with pytest.raises(StreamChunkTimeoutError) as stalled:
        await model.ainvoke([HumanMessage("stall [tokens=3] [delay=3000]")])
    assert stalled.value.timeout_s == 0.2 and stalled.value.chunks_received == 1
    assert stalled.value.model_name == "standin"


async def test_a_stream_starts_no_task_per_chunk(standin: StandInProcess) -> None:
    model = ChatOpenAI(model="standin", api_key="k", base_url=standin.url, streaming=True)
    assert model.stream_chunk_timeout  # LangChain's default: 120 s, a wait_for per chunk
    loop = asyncio.get_running_loop()
    started: list[asyncio.Task] = []

    def count(loop: asyncio.AbstractEventLoop, coro, **kwargs) -> asyncio.Task:
        task = asyncio.Task(coro, loop=loop, **kwargs)
        started.append(task)
        return task

    loop.set_task_factory(count)
    try:
        chunks = [chunk async for chunk in model.astream([HumanMessage("count [tokens=40]")])]
    finally:
        loop.set_task_factory(None)
    assert len(chunks) >= 40
    assert len(started) < 10
