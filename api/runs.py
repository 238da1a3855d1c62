"""Joining and resuming a run: GET /api/runs/{run_id}/stream."""

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from api.deps import ResourcesDep
from api.resources import Resources
from api.sse import event_stream, parse_last_event_id
from errors import InvalidRequest
from settings import RUN_ID_PATTERN

router = APIRouter()


async def resume(resources: Resources, *, run_id: str, after: int) -> Response:
    """The run's events after `after`, live; 204 when a finished run has nothing more."""
    run = resources.runs.get(run_id)
    if run is not None and run.done and run.last_seq <= after:
        return Response(status_code=204)
    events = await resources.runs.follow(run_id, after)
    return event_stream(events, run_id=run_id)


@router.get("/api/runs/{run_id}/stream")
async def run_stream(
    run_id: Annotated[str, Path(pattern=RUN_ID_PATTERN)],
    resources: ResourcesDep,
    after: Annotated[int | None, Query(ge=0, le=2**31 - 1, description="Last sequence number seen.")] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """Replay a run's events after Last-Event-ID (or ?after=), then follow it live."""
    if after is None and last_event_id:
        parsed = parse_last_event_id(last_event_id)
        if parsed is None or parsed[0] != run_id:
            raise InvalidRequest(f"Last-Event-ID {last_event_id!r} is not an event of run {run_id}")
        after = parsed[1]
    return await resume(resources, run_id=run_id, after=after or 0)
