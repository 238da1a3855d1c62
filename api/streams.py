"""A run's events as the answer to a request: an SSE stream, or 204 when there is nothing more."""

from collections.abc import Callable
from typing import Any

from fastapi import Response

from api.resources import Resources
from api.sse import event_stream
from runs.buffer import EventFeed

STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The run's AG-UI events as Server-Sent Events (`id: <run_id>:<seq>`, `data: <event>`)",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
}
RESUME_RESPONSES: dict[int | str, dict[str, Any]] = {
    **STREAM_RESPONSES,
    204: {"description": "The run has ended and has no event after the one given"},
}


def run_response(
    resources: Resources,
    events: EventFeed | None,
    *,
    run_id: str,
    on_abandon: Callable[[], object] | None = None,
) -> Response:
    """Stream `events`; `None` (a finished run with nothing after the client's last event) is 204,
    which also tells an EventSource to stop reconnecting."""
    if events is None:
        return Response(status_code=204)
    return event_stream(events, run_id=run_id, shutdown=resources.shutdown, on_abandon=on_abandon)
