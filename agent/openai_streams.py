"""Every `ChatOpenAI` in the process streams chat completions as plain dicts, however it was built.

Why: a streamed turn through stock `ChatOpenAI` pays three costs that LangChain
then undoes or does not need.

- The SDK walks every request body through `async_maybe_transform` (its TypedDict
  annotations, recursively): about 0.2 ms per message, for dicts LangChain built
  already and that come out unchanged (openai/openai-python#3616 measures it).
- The SDK builds a pydantic `ChatCompletionChunk` per chunk, which
  `BaseChatOpenAI._astream` dumps straight back to a dict (it takes a dict as is).
- langchain-openai bounds each chunk's wait (`stream_chunk_timeout`, 120 s by
  default) with `asyncio.wait_for`, which on Python 3.11 starts a task per chunk.

How: `BaseChatOpenAI._astream` streams through `self.async_client.create(**payload)`
when there is no `response_format`, `include_response_headers` or gateway, and
hands the result to `_astream_with_chunk_timeout` (a module global of
`langchain_openai.chat_models.base`). `use_fast_streams(True)` replaces both,
once, for the whole process: `_astream` first swaps the instance's `async_client`
for a `RawChunkCompletions` (only when its client is exactly `openai.AsyncOpenAI`
and its `async_client` that client's own `chat.completions`: Azure and clients of
your own are left alone), whose streamed `create()` posts the body as LangChain
built it through the client's public `post` (same retries, timeouts, errors) and
returns a `ChunkStream`; `_astream_with_chunk_timeout` reads a `ChunkStream` with
the timeout it is given, one timer per stream (`agent/chunk_deadline.py`)
instead of a task per chunk, and anything else the way it always did. Both are plain functions that
return the original generators, so they add no layer per chunk. A user's own
`AsyncOpenAI` is untouched. `tests/test_model_contract.py` pins each of these.
"""

import logging
from collections.abc import AsyncIterator
from typing import Any

from langchain_openai.chat_models import base as chat_openai
from openai import AsyncOpenAI, AsyncStream

from agent.chunk_stream import ChunkStream

log = logging.getLogger(__name__)
REQUEST_OPTIONS = {"extra_body", "extra_headers", "extra_query", "timeout"}
STOCK_ASTREAM = chat_openai.BaseChatOpenAI.__dict__.get("_astream")
STOCK_BOUNDED_CHUNKS = getattr(chat_openai, "_astream_with_chunk_timeout", None)


def use_fast_streams(enabled: bool) -> None:
    """Make every ChatOpenAI in this process stream through `RawChunkCompletions`, or stop."""
    if STOCK_ASTREAM is None or STOCK_BOUNDED_CHUNKS is None:
        log.warning("langchain-openai has changed: every ChatOpenAI streams the SDK's own way")
        return
    chat_openai.BaseChatOpenAI._astream = _astream if enabled else STOCK_ASTREAM  # type: ignore[method-assign]
    chat_openai._astream_with_chunk_timeout = _bounded_chunks if enabled else STOCK_BOUNDED_CHUNKS


def _astream(model: chat_openai.BaseChatOpenAI, *args: Any, **kwargs: Any) -> Any:
    client = model.root_async_client
    if type(client) is AsyncOpenAI and model.async_client is client.chat.completions:
        model.async_client = RawChunkCompletions(model.async_client, client)
    return STOCK_ASTREAM(model, *args, **kwargs)


def _bounded_chunks(
    source: AsyncIterator[Any], timeout: float | None, *, model_name: str | None = None
) -> AsyncIterator[Any]:
    if isinstance(source, ChunkStream):
        return source.chunks(timeout if timeout and timeout > 0 else None, model_name)
    return STOCK_BOUNDED_CHUNKS(source, timeout, model_name=model_name)


class RawChunkCompletions:
    """`client.chat.completions` whose streamed `create()` returns a `ChunkStream` of plain dicts."""

    def __init__(self, completions: Any, client: AsyncOpenAI) -> None:
        self._completions = completions
        self._client = client

    async def create(self, **payload: Any) -> Any:
        if not payload.get("stream"):
            return await self._completions.create(**payload)
        body = {key: value for key, value in payload.items() if key not in REQUEST_OPTIONS}
        body.update(payload.get("extra_body") or {})
        options: dict[str, Any] = {}
        if payload.get("extra_headers"):
            options["headers"] = payload["extra_headers"]
        if payload.get("extra_query"):
            options["params"] = payload["extra_query"]
        if "timeout" in payload:
            options["timeout"] = payload["timeout"]
        stream = await self._client.post(
            "/chat/completions",
            body=body,
            cast_to=object,
            options=options,  # type: ignore[arg-type]
            stream=True,
            stream_cls=AsyncStream[object],
        )
        return ChunkStream(stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._completions, name)
