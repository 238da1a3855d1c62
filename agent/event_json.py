"""An AG-UI event as the JSON the wire carries: the token events written directly, the rest by pydantic.

Why not `model_dump_json` for every event: ag-ui-protocol's models serialize
through a Python `model_serializer` (to drop unset optional fields), about 10 µs
an event, and a turn is mostly text and tool-call deltas: half a millisecond of
CPU a turn for 50 tokens. Those two events have three or four string fields,
written here with the standard library's JSON string encoder (the same escapes
as pydantic's: `"`, `\\`, control characters; other text as is) in about half a
microsecond. `tests/test_event_json.py` checks every byte against
`model_dump_json` on generated text.
"""

from json.encoder import encode_basestring

from ag_ui.core import BaseEvent, TextMessageContentEvent, ToolCallArgsEvent


def event_json(event: BaseEvent) -> str:
    """The event's JSON, camelCase keys, fields without a value left out."""
    kind = type(event)
    if kind is TextMessageContentEvent and _plain(event):
        return (
            '{"type":"TEXT_MESSAGE_CONTENT"'
            + _scope(event)
            + ',"messageId":'
            + encode_basestring(event.message_id)
            + ',"delta":'
            + encode_basestring(event.delta)
            + "}"
        )
    if kind is ToolCallArgsEvent and _plain(event):
        return (
            '{"type":"TOOL_CALL_ARGS"'
            + _scope(event)
            + ',"toolCallId":'
            + encode_basestring(event.tool_call_id)
            + ',"delta":'
            + encode_basestring(event.delta)
            + "}"
        )
    return event.model_dump_json(by_alias=True)


def _plain(event: BaseEvent) -> bool:
    """True if the event carries only what `event_json` writes: no timestamp, raw event,
    metadata or extra field."""
    return (
        event.timestamp is None
        and event.raw_event is None
        and event.metadata is None
        and not event.__pydantic_extra__
    )


def _scope(event: TextMessageContentEvent | ToolCallArgsEvent) -> str:
    if event.subagent_run_id is None:
        return ""
    return ',"subagentRunId":' + encode_basestring(event.subagent_run_id)
