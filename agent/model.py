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

`ThreadChatOpenAI` sends streamed requests through the client's public `post`
(the SDK's documented way to call an endpoint as is) with `cast_to=object`: the
same client, retries, timeouts and errors, the body sent as LangChain built it,
each chunk handed over as the dict the server sent. It also names each answer
with a short id instead of `lc_run--<uuid>` (it appears in every token event).
`tests/test_model_contract.py` pins what this leans on in both libraries.
"""

from collections.abc import AsyncIterator
from typing import Any, Self

from langchain_core.language_models import BaseChatModel
from langchain_core.outputs import ChatGenerationChunk
from langchain_openai import ChatOpenAI
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
        if self.root_async_client is not None:
            self.async_client = RawChunkCompletions(self.async_client, self.root_async_client)
        return self

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        message_id = new_id()
        async for chunk in super()._astream(*args, **kwargs):
            if chunk.message.id is None:
                chunk.message.id = message_id
            yield chunk


REQUEST_OPTIONS = {"extra_body", "extra_headers", "extra_query", "timeout"}


class RawChunkCompletions:
    """`client.chat.completions` whose streamed `create()` yields each chunk as a plain dict."""

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
        return await self._client.post(
            "/chat/completions",
            body=body,
            cast_to=object,
            options=options,  # type: ignore[arg-type]
            stream=True,
            stream_cls=AsyncStream[object],
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._completions, name)
