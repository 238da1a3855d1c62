"""The chat model: ChatOpenAI when a key is set, else the built-in offline model.

Retry policy: the OpenAI client retries a request that failed before any token
arrived (connection errors, 408, 409, 429 and 5xx) `MODEL_MAX_RETRIES` times with
exponential back-off. A stream that breaks after tokens were sent is not
retried: the client has already shown them, so the run ends with `model_error`.
"""

from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI

from agent.offline import OfflineChatModel
from settings import Settings


def make_chat_model(settings: Settings) -> BaseChatModel:
    if settings.openai_api_key is None:
        return OfflineChatModel(token_delay=settings.offline_token_delay)
    return ChatOpenAI(
        model=settings.model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        streaming=True,
        stream_usage=True,
        timeout=settings.model_timeout_seconds,
        max_retries=settings.model_max_retries,
    )
