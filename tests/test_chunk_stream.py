"""A streamed chat completion read from its bytes (`agent.chunk_stream`) reads as the openai SDK reads it.

Each script is read twice over a real socket: by the SDK's own `AsyncStream` and
by `ChunkStream`; the chunks, or the error, must be the same.
"""

import asyncio
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI, AsyncStream

from agent.chunk_stream import ChunkStream
from agent.openai_streams import RawChunkCompletions
from tests.scripted_sse import SCRIPTS, ScriptedEndpoint, scripted_endpoint

READ_AS_IS = [name for name, pieces in SCRIPTS.items() if None not in pieces and name != "no-delta"]


@pytest.fixture
async def endpoint() -> ScriptedEndpoint:
    async with scripted_endpoint() as endpoint:
        yield endpoint


def _body(script: str) -> dict[str, Any]:
    return {"model": "m", "stream": True, "messages": [{"role": "user", "content": f"[script={script}]"}]}


async def _read(stream: Any, chunks: Any) -> tuple[list[Any], BaseException | None]:
    read: list[Any] = []
    try:
        async with stream:
            async for chunk in chunks:
                read.append(chunk)
    except Exception as error:
        return read, error
    return read, None


async def read_by_the_sdk(client: AsyncOpenAI, script: str) -> tuple[list[Any], BaseException | None]:
    stream = await client.post(
        "/chat/completions", body=_body(script), cast_to=object, stream=True, stream_cls=AsyncStream[object]
    )
    return await _read(stream, stream)


async def read_by_chunk_stream(client: AsyncOpenAI, script: str) -> tuple[list[Any], BaseException | None]:
    stream = await RawChunkCompletions(client.chat.completions, client).create(**_body(script))
    assert isinstance(stream, ChunkStream)
    return await _read(stream, stream)


@pytest.mark.parametrize("script", READ_AS_IS)
async def test_each_script_reads_as_the_sdk_reads_it(endpoint: ScriptedEndpoint, script: str) -> None:
    client = AsyncOpenAI(api_key="k", base_url=endpoint.url, max_retries=0)
    sdk_chunks, sdk_error = await read_by_the_sdk(client, script)
    our_chunks, our_error = await read_by_chunk_stream(client, script)
    assert our_chunks == sdk_chunks
    assert type(our_error) is type(sdk_error) and str(our_error) == str(sdk_error)
    if isinstance(sdk_error, openai.APIError):
        assert our_error.body == sdk_error.body  # type: ignore[union-attr]


async def test_a_choice_without_delta_reads_as_the_sdks_model_dump(endpoint: ScriptedEndpoint) -> None:
    client = AsyncOpenAI(api_key="k", base_url=endpoint.url, max_retries=0)
    chunks, error = await read_by_chunk_stream(client, "no-delta")
    sdk = [c async for c in await client.chat.completions.create(**_body("no-delta"))]
    assert error is None and len(chunks) == len(sdk) == 2
    assert chunks[1]["choices"][0]["delta"] is sdk[1].model_dump()["choices"][0]["delta"] is None


async def test_a_read_that_times_out_midway_raises_the_sdks_timeout_error(endpoint: ScriptedEndpoint) -> None:
    client = AsyncOpenAI(api_key="k", base_url=endpoint.url, max_retries=0, timeout=0.1)
    sdk_chunks, sdk_error = await read_by_the_sdk(client, "slow")
    our_chunks, our_error = await read_by_chunk_stream(client, "slow")
    assert isinstance(sdk_error, openai.APITimeoutError) and isinstance(our_error, openai.APITimeoutError)
    assert len(our_chunks) == len(sdk_chunks) == 1


async def test_a_finished_stream_leaves_its_connection_for_the_next_request(
    endpoint: ScriptedEndpoint,
) -> None:
    client = AsyncOpenAI(api_key="k", base_url=endpoint.url, max_retries=0)
    for _ in range(3):
        chunks, error = await read_by_chunk_stream(client, "trailing-bytes")
        assert error is None and len(chunks) == 1
    assert endpoint.connections == 1


async def test_a_body_held_open_after_done_ends_the_stream_all_the_same(endpoint: ScriptedEndpoint) -> None:
    endpoint.open_after_done = True
    client = AsyncOpenAI(api_key="k", base_url=endpoint.url, max_retries=0)
    async with asyncio.timeout(5):
        chunks, error = await read_by_chunk_stream(client, "plain")
    assert error is None and [c["choices"][0]["delta"]["content"] for c in chunks] == ["hello", " world"]
