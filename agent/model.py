"""The chat model: ChatOpenAI when a key is set, else the built-in offline model.

Retry policy: the OpenAI client retries a request that failed before any token
arrived (connection errors, 408, 409, 429 and 5xx) `MODEL_MAX_RETRIES` times with
exponential back-off. A stream that breaks after tokens were sent is not
retried: the client has already shown them, so the run ends with `model_error`.

Why not plain `ChatOpenAI`: two costs of the openai SDK that LangChain undoes.

- Every request body goes through `async_maybe_transform`, a recursive walk of
  the SDK's TypedDict annotations. For the message dicts LangChain has already
  built it changes nothing, yet it costs about 0.2 ms of CPU per message: some
  80 ms a turn at 400 messages.
- Every streamed chunk becomes a pydantic `ChatCompletionChunk` (about a third
  of a turn's CPU), which LangChain's `_astream` dumps straight back to a dict.

- langchain-openai bounds the wait for each chunk (`stream_chunk_timeout`,
  120 s by default) with `asyncio.wait_for`, which on Python 3.11 starts a
  task per chunk and costs several loop turns per token.

`ThreadChatOpenAI` sends streamed requests through the client's public `post`
(the SDK's documented way to call an endpoint as is) with `cast_to=object`: the
same client, retries, timeouts and errors, the body sent as LangChain built it,
each chunk handed over as the dict the server sent. The stream keeps the
model's `stream_chunk_timeout`, enforced with one `asyncio.timeout` per chunk
(no task) and raising langchain-openai's own `StreamChunkTimeoutError`; the
field itself reads None so that LangChain does not wrap the stream again. It
also names each answer with a short id instead of `lc_run--<uuid>`.
`tests/test_model_contract.py` pins what this leans on in both libraries.

It is a drop-in for `ChatOpenAI` in a graph of your own (see the README's
"Serving your own graph").
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Any, Self

from langchain_core.language_models import BaseChatModel
from langchain_core.outputs import ChatGenerationChunk
from langchain_openai import ChatOpenAI, StreamChunkTimeoutError
from openai import AsyncOpenAI, AsyncStream
from pydantic import model_validator

from agent.ids import new_id
from agent.offline import OfflineChatModel
from settings import Settings


def make_chat_model(settings: Settings) -> BaseChatModel:
    if settings.openai_api_key is None:
        return OfflineChatModel(token_delay=settings.offline_token_delay)
    return ThreadChatOpenAI(
        model=settings.model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        streaming=True,
        stream_usage=True,
        timeout=settings.model_timeout_seconds,
        max_retries=settings.model_max_retries,
    )


class ThreadChatOpenAI(ChatOpenAI):
    """ChatOpenAI whose streams skip the SDK's request transformation and per-chunk objects."""

    @model_validator(mode="after")
    def _stream_raw_chunks(self) -> Self:
        if self.root_async_client is not None and not isinstance(self.async_client, RawChunkCompletions):
            self.async_client = RawChunkCompletions(
                self.async_client,
                self.root_async_client,
                chunk_timeout=None if self.include_response_headers else self.stream_chunk_timeout,
                model_name=self.model_name,
            )
            if not self.include_response_headers:  # that path goes through the SDK's own parse()
                self.stream_chunk_timeout = None  # enforced by RawChunkCompletions, no task per chunk
        return self

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        message_id = new_id()
        async for chunk in super()._astream(*args, **kwargs):
            if chunk.message.id is None:
                chunk.message.id = message_id
            yield chunk


# After the first output chunk: long enough for the loop to carry that token through LangGraph's
# stream, the run and the SSE response (several loop turns) before the next chunks are parsed.
FIRST_TOKEN_PAUSE = 0.001
REQUEST_OPTIONS = {"extra_body", "extra_headers", "extra_query", "timeout"}


class RawChunkCompletions:
    """`client.chat.completions` whose streamed `create()` yields each chunk as a plain dict."""

    def __init__(
        self,
        completions: Any,
        client: AsyncOpenAI,
        *,
        chunk_timeout: float | None = None,
        model_name: str | None = None,
    ) -> None:
        self._completions = completions
        self._client = client
        self._chunk_timeout = chunk_timeout
        self._model_name = model_name

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
        timeout = self._chunk_timeout if self._chunk_timeout and self._chunk_timeout > 0 else None
        return ChunkStream(stream, timeout, self._model_name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._completions, name)


class ChunkStream:
    """An SDK stream whose wait for each chunk is bounded, as `stream_chunk_timeout` promises, and
    that lets the event loop run once the first output (text or a tool call) is in.

    Chunks that arrived together are parsed without a real wait in between: without that pause
    the node would turn all of them into tokens before the first one could be sent (LangChain's
    `wait_for` made a pause after every chunk, at the price of a task each). Later chunks go on
    in bursts: a stream sends them a few per write anyway, and pausing after each cost a quarter
    of a turn's CPU at concurrency 10.
    """

    def __init__(self, stream: AsyncStream[object], timeout: float | None, model_name: str | None) -> None:
        self._stream = stream
        self._timeout = timeout
        self._model_name = model_name

    async def __aenter__(self) -> Self:
        await self._stream.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self._stream.__aexit__(*exc_info)

    async def __aiter__(self) -> AsyncIterator[object]:
        chunks = self._stream.__aiter__()
        received = 0
        output_seen = False
        while True:
            try:
                async with asyncio.timeout(self._timeout or None):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                return
            except TimeoutError as stall:
                raise StreamChunkTimeoutError(
                    self._timeout, model_name=self._model_name, chunks_received=received
                ) from stall
            received += 1
            yield chunk
            if not output_seen and _carries_output(chunk):
                output_seen = True
                await asyncio.sleep(FIRST_TOKEN_PAUSE)


def _carries_output(chunk: object) -> bool:
    """True if a streamed chunk holds text or a tool call (not only the role, or usage)."""
    choices = chunk.get("choices") if isinstance(chunk, dict) else None
    if not choices:
        return False
    delta = choices[0].get("delta") or {}
    return bool(delta.get("content") or delta.get("tool_calls") or delta.get("refusal"))
