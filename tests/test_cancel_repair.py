"""What a cancelled turn leaves in the checkpoint: the conversation exactly as the user saw it."""

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent.partial import CANCELLED_TOOL_RESULT, messages_after_cancel


def test_the_unsaved_question_and_the_partial_answer_are_kept() -> None:
    question = HumanMessage("tell me a story", id="q")
    added = messages_after_cancel(checkpointed=[], sent=[question], partial_text={"a": "Once upon"})
    assert added[0] is question
    assert isinstance(added[1], AIMessage) and added[1].text == "Once upon" and added[1].id == "a"
    assert added[1].response_metadata == {"finish_reason": "cancelled"}


def test_tool_calls_without_a_result_get_a_cancelled_error_result() -> None:
    call = {"name": "calculator", "args": {"expression": "1+1"}, "id": "call-1"}
    answered = {"name": "calculator", "args": {"expression": "2+2"}, "id": "call-2"}
    checkpointed = [
        HumanMessage("sums", id="q"),
        AIMessage("", id="m", tool_calls=[call, answered]),
        ToolMessage("4", tool_call_id="call-2", id="r"),
    ]
    added = messages_after_cancel(checkpointed=checkpointed, sent=[checkpointed[0]], partial_text={})
    assert len(added) == 1
    result = added[0]
    assert isinstance(result, ToolMessage)
    assert (result.tool_call_id, result.status, result.text) == ("call-1", "error", CANCELLED_TOOL_RESULT)


def test_nothing_is_added_twice() -> None:
    question = HumanMessage("hi", id="q")
    saved_answer = AIMessage("Hello", id="a")
    added = messages_after_cancel(
        checkpointed=[question, saved_answer], sent=[question], partial_text={"a": "Hel", "b": ""}
    )
    assert added == []
