"""The chat model: ChatOpenAI when a key is set, else the built-in offline model.

Retry policy: the OpenAI client retries a request that failed before any token
arrived (connection errors, 408, 409, 429 and 5xx) `MODEL_MAX_RETRIES` times with
exponential back-off. A stream that breaks after tokens were sent is not
retried: the client has already shown them, so the run ends with `model_error`.

Why not plain `ChatOpenAI`: the openai SDK runs every request body through
`async_maybe_transform`, a recursive walk of its TypedDict annotations (aliases,
formats). For the message dicts LangChain has already built it changes nothing,
yet it costs about 0.2 ms of CPU per message: some 80 ms a turn at 400 messages,
most of what made long threads slow. `ThreadChatOpenAI` hands the messages to
the SDK in `extra_body`, which it sends as they are, and names each answer with
a short id instead of `lc_run--<uuid>` (it appears in every token event).
"""

from collections.abc import AsyncIterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.outputs import ChatGenerationChunk
from langchain_openai import ChatOpenAI

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
    """ChatOpenAI that sends long message lists without the SDK's per-field transformation."""

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        if "messages" in payload and "response_format" not in payload:
            # The SDK requires `messages`; the one in extra_body replaces it in the JSON sent.
            payload["extra_body"] = {**(payload.get("extra_body") or {}), "messages": payload["messages"]}
            payload["messages"] = []
        return payload

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        message_id = new_id()
        async for chunk in super()._astream(*args, **kwargs):
            if chunk.message.id is None:
                chunk.message.id = message_id
            yield chunk
