"""A run's events are framed byte for byte as sse-starlette's `ServerSentEvent` frames them."""

import json

import pytest
from sse_starlette import ServerSentEvent

from api.sse import _frame
from runs.buffer import named_event, split_named

RUN_ID = "run-0f3c"
EVENTS = [
    json.dumps({"type": "TEXT_MESSAGE_CONTENT", "messageId": "m1", "delta": "héllo \u2028 \\n"}),
    json.dumps({"type": "RUN_STARTED", "threadId": "t", "runId": RUN_ID}, ensure_ascii=False),
    named_event("messages", json.dumps([{"content": "hi"}, {"langgraph_node": "agent"}])),
    named_event("metadata", json.dumps({"run_id": RUN_ID})),
    named_event("values", "not JSON, and\nacross lines\r\nof any kind\r"),
]


@pytest.mark.parametrize("text", EVENTS)
def test_frame_matches_sse_starlette(text: str) -> None:
    name, data = split_named(text)
    expected = ServerSentEvent(data=data, event=name, id=f"{RUN_ID}:7", sep="\n").encode()
    assert _frame(RUN_ID, 7, text) == expected
