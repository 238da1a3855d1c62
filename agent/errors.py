"""What a failed run tells its client: a code and a sentence, never a stack trace."""

import json

import httpx
import openai
import pydantic

MODEL_ERRORS: tuple[type[BaseException], ...] = (
    openai.OpenAIError,
    httpx.HTTPError,
    json.JSONDecodeError,
    pydantic.ValidationError,
)


def describe_failure(error: BaseException) -> tuple[str, str]:
    """The RUN_ERROR `code` and `message` for an exception that ended a run."""
    if isinstance(error, openai.APITimeoutError | httpx.TimeoutException):
        return "model_error", "The model did not answer in time. Please try again."
    if isinstance(error, openai.APIConnectionError | httpx.TransportError):
        return (
            "model_error",
            "The model service could not be reached or dropped the answer midway. Please try again.",
        )
    if isinstance(error, openai.APIStatusError):
        return (
            "model_error",
            f"The model service answered with an error (HTTP {error.status_code}). Please try again.",
        )
    if isinstance(error, MODEL_ERRORS):
        return "model_error", "The model's answer could not be read. Please try again."
    return (
        "internal",
        "The server failed while running this turn. The thread is kept; you can send another message.",
    )
