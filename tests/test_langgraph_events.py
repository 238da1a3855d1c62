"""The LangGraph API translator: stream parts in, named events out (pure, no server)."""

import json

from langchain_core.messages import AIMessageChunk, ToolMessage

from agent.lg_events import LangGraphTranslator, graph_stream_modes
from runs.buffer import split_named


def events(translator: LangGraphTranslator, *parts: tuple) -> list[tuple[str | None, object]]:
    out = []
    for part in parts:
        for text in translator.translate(*part):
            name, data = split_named(text)
            out.append((name, json.loads(data)))
    return out


def translator(*modes: str) -> LangGraphTranslator:
    return LangGraphTranslator(run_id="r", thread_id="t", modes=list(modes))


def test_the_api_modes_map_onto_langgraph_modes_with_updates_always() -> None:
    assert graph_stream_modes(["messages-tuple", "values"]) == ["messages", "updates", "values"]
    assert graph_stream_modes(["messages", "messages-tuple"]) == ["messages", "updates"]


def test_the_metadata_event_names_the_run() -> None:
    assert split_named(translator("values").metadata()) == (
        "metadata",
        '{"run_id":"r","thread_id":"t","attempt":1}',
    )


def test_parts_of_subgraphs_are_named_with_their_namespace() -> None:
    got = events(
        translator("updates"), ("updates", {"a": {}}, ()), ("updates", {"b": {}}, ("child:1", "leaf:2"))
    )
    assert [name for name, _ in got] == ["updates", "updates|child:1|leaf:2"]


def test_modes_not_asked_for_are_not_sent() -> None:
    assert events(translator("values"), ("updates", {"a": {}}, ()), ("custom", {"x": 1}, ())) == []


def test_messages_mode_grows_each_message_and_completes_it() -> None:
    meta = {"langgraph_checkpoint_ns": "agent:1"}
    parts = [
        ("messages", (AIMessageChunk("Hel", id="m1"), meta), ()),
        ("messages", (AIMessageChunk("lo", id="m1"), meta), ()),
        ("messages", (AIMessageChunk("", id="other", chunk_position="last"), meta), ()),
        ("messages", (ToolMessage("84", id="m2", tool_call_id="c"), meta), ()),
    ]
    got = events(translator("messages"), *parts)
    assert [name for name, _ in got] == [
        "messages/metadata",
        "messages/partial",
        "messages/partial",
        "messages/partial",
        "messages/complete",
        "messages/metadata",
        "messages/complete",
    ]
    assert [data[0]["content"] for name, data in got if name == "messages/partial"] == [
        "Hel",
        "Hello",
        "Hello",
    ]
    assert got[4][1][0]["id"] == "m1" and got[4][1][0]["content"] == "Hello"


def test_messages_tuple_mode_sends_each_chunk_with_its_metadata() -> None:
    got = events(translator("messages-tuple"), ("messages", (AIMessageChunk("Hi", id="m1"), {"k": 1}), ()))
    assert got == [("messages", [AIMessageChunk("Hi", id="m1").model_dump(), {"k": 1}])]
