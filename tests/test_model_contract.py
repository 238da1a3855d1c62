"""What `agent.model.ThreadChatOpenAI` leans on in the openai SDK and in langchain-openai.

Its streams go through the SDK's public `AsyncOpenAI.post` with `cast_to=object`
(the SDK's documented way to call an endpoint as is), so each chunk arrives as
the dict the server sent, and LangChain's `ChatOpenAI._astream` takes a dict
chunk as it is (it calls `model_dump()` only on objects). The model's
`stream_chunk_timeout` still holds, raised as langchain-openai's
`StreamChunkTimeoutError`, without LangChain's task per chunk. If an upgrade of
either library changes that, these tests fail before a user sees a wrong answer.
"""

import asyncio

import openai
import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import StreamChunkTimeoutError
from openai import AsyncOpenAI, AsyncStream

from agent.model import RawChunkCompletions, ThreadChatOpenAI
from tests.processes import StandInProcess


async def test_the_sdks_public_post_streams_each_chunk_as_a_dict(standin: StandInProcess) -> None:
    client = AsyncOpenAI(api_key="k", base_url=standin.url, max_retries=0)
    body = {"model": "standin", "stream": True, "messages": [{"role": "user", "content": "hi [tokens=3]"}]}
    stream = await client.post(
        "/chat/completions", body=body, cast_to=object, stream=True, stream_cls=AsyncStream[object]
    )
    async with stream:
        chunks = [chunk async for chunk in stream]
    assert chunks and all(isinstance(chunk, dict) for chunk in chunks)
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"]) == (
        "turn1 w1 w2"
    )


async def test_langchain_streams_tokens_tool_calls_and_usage_from_dict_chunks(
    standin: StandInProcess,
) -> None:
    model = ThreadChatOpenAI(
        model="standin", api_key="k", base_url=standin.url, streaming=True, stream_usage=True
    )
    assert isinstance(model.async_client, RawChunkCompletions)
    chunks = [chunk async for chunk in model.astream([HumanMessage("hello [tokens=4]")])]
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


async def test_failures_are_retried_and_raised_as_the_sdks_errors(standin: StandInProcess) -> None:
    model = ThreadChatOpenAI(
        model="standin", api_key="k", base_url=standin.url, streaming=True, max_retries=1
    )
    before = len(standin.requests())
    with pytest.raises(openai.InternalServerError):
        await model.ainvoke([HumanMessage("retry me [fail500]")])
    assert len(standin.requests()) - before == 2


async def test_a_stalled_stream_raises_langchains_chunk_timeout(standin: StandInProcess) -> None:
    model = ThreadChatOpenAI(
        model="standin", api_key="k", base_url=standin.url, streaming=True, stream_chunk_timeout=0.2
    )
    with pytest.raises(StreamChunkTimeoutError) as stalled:
        await model.ainvoke([HumanMessage("stall [tokens=3] [delay=3000]")])
    assert stalled.value.timeout_s == 0.2 and stalled.value.chunks_received >= 1


async def test_a_stream_starts_no_task_per_chunk(standin: StandInProcess) -> None:
    model = ThreadChatOpenAI(model="standin", api_key="k", base_url=standin.url, streaming=True)
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
    assert model.stream_chunk_timeout is None  # so LangChain does not wrap it in wait_for per chunk
