"""Joining and resuming a run: GET /api/runs/{run_id}/stream."""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from sse_starlette import EventSourceResponse

from api.deps import ResourcesDep
from api.resources import Resources
from api.sse import parse_last_event_id
from api.streams import RESUME_RESPONSES, run_response
from errors import InvalidRequest
from runs.doors import AguiView
from settings import RUN_ID_PATTERN

router = APIRouter()


@router.get("/api/runs/{run_id}/stream", response_class=EventSourceResponse, responses=RESUME_RESPONSES)
async def run_stream(
    run_id: Annotated[str, Path(pattern=RUN_ID_PATTERN)],
    resources: ResourcesDep,
    after: Annotated[int | None, Query(ge=0, le=2**31 - 1, description="Last sequence number seen.")] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """Replay a run's events after Last-Event-ID (else ?after=), then follow it live; 204 when a
    finished run has nothing more."""
    if last_event_id:  # an EventSource's reconnect: newer than the ?after= it was opened with
        parsed = parse_last_event_id(last_event_id)
        if parsed is None or parsed[0] != run_id:
            raise InvalidRequest(f"Last-Event-ID {last_event_id!r} is not an event of run {run_id}")
        after = parsed[1]
    feed = await resources.runs.follow(run_id, after or 0)
    if feed is not None:  # a run of the LangGraph API shows its start and end as AG-UI events
        feed = AguiView(feed, thread_id=await _thread_of(resources, run_id), run_id=run_id)
    return run_response(resources, feed, run_id=run_id)


async def _thread_of(resources: Resources, run_id: str) -> str:
    if (run := resources.runs.local_run(run_id)) is not None:
        return run.thread_id
    row = await resources.langgraph.runs.thread_of(run_id)
    return row or ""
