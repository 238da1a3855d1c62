"""Token events written without pydantic are byte for byte what pydantic writes."""

from ag_ui.core import CustomEvent, TextMessageContentEvent, ToolCallArgsEvent
from hypothesis import given
from hypothesis import strategies as st

from agent.event_json import event_json

# Any text an event can carry: lone surrogates never reach an event (agent/text.py).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1)
SCOPE = st.none() | st.sampled_from(["s1", "s42"])


@given(message_id=TEXT, delta=TEXT, scope=SCOPE)
def test_a_text_delta_is_written_as_pydantic_writes_it(message_id: str, delta: str, scope: str | None):
    event = TextMessageContentEvent(message_id=message_id, delta=delta, subagent_run_id=scope)
    assert event_json(event) == event.model_dump_json(by_alias=True)


@given(call_id=TEXT, delta=TEXT, scope=SCOPE)
def test_a_tool_call_delta_is_written_as_pydantic_writes_it(call_id: str, delta: str, scope: str | None):
    event = ToolCallArgsEvent(tool_call_id=call_id, delta=delta, subagent_run_id=scope)
    assert event_json(event) == event.model_dump_json(by_alias=True)


def test_events_with_more_than_the_plain_fields_go_through_pydantic() -> None:
    for event in (
        TextMessageContentEvent(message_id="m", delta="x", timestamp=1),
        TextMessageContentEvent(message_id="m", delta="x", metadata={"path": ["a"]}),
        ToolCallArgsEvent(tool_call_id="c", delta="{", raw_event={"x": 1}),
        CustomEvent(name="progress", value={"done": 1}),
    ):
        assert event_json(event) == event.model_dump_json(by_alias=True)
