"""The chat model: ChatOpenAI when a key is set, else the built-in offline model.

Retry policy: the OpenAI client retries a request that failed before any token
arrived (connection errors, 408, 409, 429 and 5xx) `MODEL_MAX_RETRIES` times with
exponential back-off. A stream that breaks after tokens were sent is not
retried: the client has already shown them, so the run ends with `model_error`.

Its streams, like every ChatOpenAI's in the server, skip the openai SDK's request
transform and per-chunk objects (`agent/openai_streams.py`).
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
    """ChatOpenAI that names each answer with a short id instead of `lc_run--<uuid>`."""

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        message_id = new_id()
        async for chunk in super()._astream(*args, **kwargs):
            if chunk.message.id is None:
                chunk.message.id = message_id
            yield chunk
