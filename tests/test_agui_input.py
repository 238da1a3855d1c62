"""An AG-UI client's messages become the LangChain messages its thread does not have yet."""

import pytest
from ag_ui.core import RunAgentInput
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from agent.messages import new_messages
from errors import InvalidRequest

CONVERSATION = [
    {"id": "s1", "role": "system", "content": "Be brief."},
    {"id": "u1", "role": "user", "content": "what is 12 * 7?"},
    {
        "id": "a1",
        "role": "assistant",
        "toolCalls": [
            {
                "id": "call-1",
                "type": "function",
                "function": {"name": "calculator", "arguments": '{"expression": "12 * 7"}'},
            }
        ],
    },
    {"id": "t1", "role": "tool", "content": "84", "toolCallId": "call-1"},
    {"id": "a2", "role": "assistant", "content": "The result is 84."},
    {"id": "d1", "role": "developer", "content": "Answer in French."},
    {
        "id": "u2",
        "role": "user",
        "content": [{"type": "text", "text": "and "}, {"type": "text", "text": "6 * 7?"}],
    },
]


def parsed(*messages: dict) -> list:
    return RunAgentInput(threadId="t", runId="r", messages=list(messages)).messages


def test_each_role_becomes_its_langchain_message() -> None:
    converted = new_messages(parsed(*CONVERSATION), known_ids=set())
    assert [type(m) for m in converted] == [
        SystemMessage,
        HumanMessage,
        AIMessage,
        ToolMessage,
        AIMessage,
        SystemMessage,
        HumanMessage,
    ]
    assert [m.id for m in converted] == ["s1", "u1", "a1", "t1", "a2", "d1", "u2"]
    system, question, call, result, answer, developer, follow_up = converted
    assert call.tool_calls == [
        {"name": "calculator", "args": {"expression": "12 * 7"}, "id": "call-1", "type": "tool_call"}
    ]
    assert (result.content, result.tool_call_id, result.status) == ("84", "call-1", "success")
    assert answer.content == "The result is 84." and not answer.tool_calls
    assert developer.content == "Answer in French."
    assert follow_up.content == "and 6 * 7?"


def test_only_messages_the_thread_lacks_are_kept() -> None:
    converted = new_messages(parsed(*CONVERSATION), known_ids={"s1", "u1", "a1", "t1", "a2", "d1"})
    assert [(type(m), m.id) for m in converted] == [(HumanMessage, "u2")]


def test_a_message_sent_twice_in_one_input_is_kept_once() -> None:
    hello = {"id": "u1", "role": "user", "content": "hello"}
    assert [m.id for m in new_messages(parsed(hello, hello), known_ids=set())] == ["u1"]


def test_activity_and_reasoning_messages_are_left_out() -> None:
    messages = parsed(
        {"id": "x1", "role": "activity", "activityType": "plan", "content": {"steps": []}},
        {"id": "x2", "role": "reasoning", "content": "thinking"},
        {"id": "u1", "role": "user", "content": "hi"},
    )
    assert [m.id for m in new_messages(messages, known_ids=set())] == ["u1"]


def test_a_failed_tool_result_keeps_its_error_status() -> None:
    failed = {"id": "t1", "role": "tool", "content": "boom", "toolCallId": "c1", "error": "boom"}
    [result] = new_messages(parsed(failed), known_ids=set())
    assert result.status == "error"


@pytest.mark.parametrize(
    ("message", "words"),
    [
        (
            {
                "id": "u1",
                "role": "user",
                "content": [{"type": "image", "source": {"type": "url", "value": "http://x/y.png"}}],
            },
            "only text parts are supported, not image",
        ),
        (
            {
                "id": "a1",
                "role": "assistant",
                "toolCalls": [
                    {"id": "c1", "type": "function", "function": {"name": "calculator", "arguments": "{oops"}}
                ],
            },
            "are not JSON",
        ),
        (
            {
                "id": "a1",
                "role": "assistant",
                "toolCalls": [
                    {"id": "c1", "type": "function", "function": {"name": "calculator", "arguments": "[1]"}}
                ],
            },
            "are not an object",
        ),
    ],
)
def test_what_cannot_be_converted_is_refused(message: dict, words: str) -> None:
    with pytest.raises(InvalidRequest, match=words):
        new_messages(parsed(message), known_ids=set())
