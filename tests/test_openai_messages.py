"""A thread's earlier answers go into the model's request exactly as langchain-openai writes them.

It also pins what `agent/openai_messages.py` leans on in langchain-openai: the
module global `_convert_message_to_dict(message, api)`, looked up by
`_get_request_payload` on each call.
"""

import inspect
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_openai import ChatOpenAI
from langchain_openai.chat_models import base as chat_openai

from agent.openai_messages import STOCK_CONVERT, message_dict, use_plain_answer_dicts
from tests.message_strategies import MESSAGES, PLAIN_ANSWERS


@pytest.fixture
def plain_answer_dicts() -> Iterator[None]:
    use_plain_answer_dicts(True)
    yield
    use_plain_answer_dicts(False)


@given(message=MESSAGES, api=st.sampled_from(["chat/completions", "responses"]))
def test_every_message_converts_as_langchain_openai_converts_it(message: BaseMessage, api: str) -> None:
    try:
        expected = STOCK_CONVERT(message, api=api)  # type: ignore[arg-type]
    except (ValueError, TypeError) as refused:
        with pytest.raises(type(refused)):
            message_dict(message, api)
        return
    assert message_dict(message, api) == expected
    assert list(message_dict(message, api)) == list(expected)


@given(answer=PLAIN_ANSWERS)
def test_a_plain_answer_becomes_its_text_and_role(answer: AIMessage) -> None:
    converted = message_dict(answer)
    assert converted == {"content": answer.content, "role": "assistant"}


def test_langchain_openai_still_converts_through_the_module_global() -> None:
    assert list(inspect.signature(STOCK_CONVERT).parameters) == ["message", "api"]
    assert "_convert_message_to_dict(" in inspect.getsource(chat_openai.BaseChatOpenAI._get_request_payload)


def test_a_request_body_is_the_same_with_the_shortcut(plain_answer_dicts: None) -> None:
    model = ChatOpenAI(model="standin", api_key="k", base_url="http://127.0.0.1:9/v1")
    history = [
        SystemMessage("be brief"),
        HumanMessage("what is 2+2?", id="h1"),
        AIMessage("", id="a1", tool_calls=[{"name": "add", "args": {"a": 2, "b": 2}, "id": "c1"}]),
        ToolMessage("4", tool_call_id="c1"),
        AIMessage("It is 4. " * 50, id="a2", name="calc"),
        HumanMessage("thanks", id="h2"),
    ]
    assert chat_openai._convert_message_to_dict is message_dict
    shortcut = model._get_request_payload(history)
    use_plain_answer_dicts(False)
    assert chat_openai._convert_message_to_dict is STOCK_CONVERT
    assert model._get_request_payload(history) == shortcut
