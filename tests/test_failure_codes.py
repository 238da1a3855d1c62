"""A run that fails says what went wrong in a code and a sentence, never a stack trace."""

import httpx
import openai
import pytest

from agent.errors import describe_failure

REQUEST = httpx.Request("POST", "http://model.test/v1/chat/completions")


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (openai.APITimeoutError(request=REQUEST), "model_error", "in time"),
        (openai.APIConnectionError(request=REQUEST), "model_error", "could not be reached"),
        (
            openai.InternalServerError("boom", response=httpx.Response(503, request=REQUEST), body=None),
            "model_error",
            "HTTP 503",
        ),
        (httpx.ReadError("reset"), "model_error", "could not be reached"),
        (ValueError("a bug of ours"), "internal", "The thread is kept"),
    ],
)
def test_each_failure_has_its_code_and_sentence(error: BaseException, code: str, words: str) -> None:
    described_code, sentence = describe_failure(error)
    assert described_code == code
    assert words in sentence
    assert "Traceback" not in sentence and "boom" not in sentence
