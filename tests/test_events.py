"""The translator from LangGraph stream parts to AG-UI events, on plain inputs."""

from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage

from agent.events import EventTranslator


def translate(parts: list[tuple[str, object]]) -> list[dict]:
    translator = EventTranslator(thread_id="t", run_id="r")
    events = [translator.started()]
    for mode, data in parts:
        events += translator.translate(mode, data)
    events += translator.finished()
    return [e.model_dump(by_alias=True, mode="json") for e in events]


def task(name: str, result: object = None, *, finished: bool = False) -> tuple[str, dict]:
    if finished:
        return "tasks", {"id": name + "-1", "name": name, "error": None, "result": result, "interrupts": []}
    return "tasks", {"id": name + "-1", "name": name, "input": {}, "triggers": ()}


def token(text: str = "", **extra: object) -> tuple[str, tuple]:
    return "messages", (AIMessageChunk(content=text, id="m1", **extra), {})


def test_tokens_become_one_text_message() -> None:
    events = translate(
        [
            task("agent"),
            token("Hel"),
            token("lo"),
            task("agent", {"messages": [AIMessage("Hello", id="m1")]}, finished=True),
        ]
    )
    assert [e["type"] for e in events] == [
        "RUN_STARTED",
        "STEP_STARTED",
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_END",
        "STEP_FINISHED",
        "RUN_FINISHED",
    ]
    assert events[2] == {"type": "TEXT_MESSAGE_START", "messageId": "m1", "role": "assistant"}
    assert [e["delta"] for e in events[3:5]] == ["Hel", "lo"]


def test_streamed_tool_call_chunks_become_start_args_end() -> None:
    chunks = [
        token(tool_call_chunks=[{"name": "calculator", "args": '{"expr', "id": "c1", "index": 0}]),
        token(tool_call_chunks=[{"name": None, "args": 'ession": "1+1"}', "id": None, "index": 0}]),
    ]
    message = AIMessage(
        "", id="m1", tool_calls=[{"name": "calculator", "args": {"expression": "1+1"}, "id": "c1"}]
    )
    events = translate([task("agent"), *chunks, task("agent", {"messages": [message]}, finished=True)])
    calls = [e for e in events if e["type"].startswith("TOOL_CALL")]
    assert [e["type"] for e in calls] == [
        "TOOL_CALL_START",
        "TOOL_CALL_ARGS",
        "TOOL_CALL_ARGS",
        "TOOL_CALL_END",
    ]
    assert calls[0]["toolCallName"] == "calculator" and calls[0]["parentMessageId"] == "m1"
    assert "".join(e["delta"] for e in calls[1:3]) == '{"expression": "1+1"}'


def test_a_message_a_node_returned_whole_is_sent_whole() -> None:
    message = AIMessage("done", id="m9", tool_calls=[{"name": "clock", "args": {}, "id": "c9"}])
    events = translate([task("agent"), task("agent", {"messages": [message]}, finished=True)])
    assert [e["type"] for e in events[2:8]] == [
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_END",
        "TOOL_CALL_START",
        "TOOL_CALL_ARGS",
        "TOOL_CALL_END",
    ]


def test_tool_results_and_progress() -> None:
    result = ToolMessage("42", id="t1", tool_call_id="c1", name="calculator")
    events = translate(
        [task("tools"), ("custom", {"step": 1}), task("tools", {"messages": [result]}, finished=True)]
    )
    assert events[2] == {"type": "CUSTOM", "name": "progress", "value": {"step": 1}}
    assert events[3] == {
        "type": "TOOL_CALL_RESULT",
        "messageId": "t1",
        "toolCallId": "c1",
        "content": "42",
        "role": "tool",
    }


def test_usage_is_summed_into_run_finished() -> None:
    message = AIMessage(
        "hi", id="m1", usage_metadata={"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    )
    events = translate([task("agent"), task("agent", {"messages": [message]}, finished=True)])
    assert events[-1]["usage"] == [{"inputTokens": 3, "outputTokens": 2, "totalTokens": 5}]


def test_a_cancelled_run_closes_what_is_open() -> None:
    translator = EventTranslator(thread_id="t", run_id="r")
    translator.translate(*task("agent"))
    translator.translate(*token("partial"))
    events = [e.model_dump(by_alias=True) for e in translator.finished(cancelled=True)]
    assert [e["type"] for e in events] == ["TEXT_MESSAGE_END", "STEP_FINISHED", "RUN_FINISHED"]
    assert events[-1]["outcome"] == {"type": "cancelled"}
    assert translator.partial_text == {"m1": "partial"}


def test_a_failed_run_ends_with_run_error() -> None:
    translator = EventTranslator(thread_id="t", run_id="r")
    events = [e.model_dump(by_alias=True) for e in translator.failed(message="boom", code="model_error")]
    assert events == [{"type": "RUN_ERROR", "message": "boom", "code": "model_error"}]
