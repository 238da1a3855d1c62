"""Tokens taken from the model's callbacks keep the protocol's order with the `tasks` stream.

A token is made in the node's task and handed over at once; the part that starts
its node travels through LangGraph's stream queue. The translator holds a token
that arrives first until its node's step has started.
"""

from langchain_core.messages import AIMessage, AIMessageChunk

from agent.events import EventTranslator
from agent.token_tap import TappedToken

TASK = "task-1"
METADATA = {"langgraph_checkpoint_ns": f"agent:{TASK}", "langgraph_node": "agent"}


def tapped(text: str, *, announced: bool = True) -> TappedToken:
    return TappedToken(AIMessageChunk(content=text, id="m1"), METADATA, (), announced)


def started() -> dict:
    return {"id": TASK, "name": "agent", "input": {}, "triggers": ()}


def finished() -> dict:
    return {"id": TASK, "name": "agent", "error": None, "interrupts": [], "result": {}}


def types(events: list) -> list[str]:
    return [event.type.value for event in events]


def test_a_token_that_comes_before_its_step_waits_for_it() -> None:
    translator = EventTranslator(thread_id="t", run_id="r")
    assert translator.token(tapped("Hel")) == []
    assert translator.token(tapped("lo")) == []
    events = translator.translate("tasks", started())
    assert types(events) == [
        "STEP_STARTED",
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_CONTENT",
    ]
    assert [event.delta for event in events[2:]] == ["Hel", "lo"]
    assert types(translator.token(tapped("!"))) == ["TEXT_MESSAGE_CONTENT"]


def test_a_token_of_a_started_step_goes_at_once() -> None:
    translator = EventTranslator(thread_id="t", run_id="r")
    translator.translate("tasks", started())
    assert types(translator.token(tapped("Hi"))) == ["TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT"]
    events = translator.translate("tasks", {**finished(), "result": {"messages": [AIMessage("Hi", id="m1")]}})
    assert types(events) == ["TEXT_MESSAGE_END", "STEP_FINISHED"]


def test_a_hidden_nodes_tokens_are_not_held() -> None:
    translator = EventTranslator(thread_id="t", run_id="r")
    assert types(translator.token(tapped("Hi", announced=False))) == [
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
    ]


def test_held_tokens_are_sent_before_the_run_ends() -> None:
    translator = EventTranslator(thread_id="t", run_id="r")
    translator.token(tapped("Hi"))
    assert translator.partial_text == {}
    assert types(translator.finished(cancelled=True)) == [
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_END",
        "RUN_FINISHED",
    ]
    assert translator.partial_text == {"m1": "Hi"}
