"""Runs of the LangGraph Server API: stream, background, wait, list, get, join, cancel, delete."""

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse

from agent.lg_json import dumps
from agent.lg_runs import RunRequest
from api.deps import ResourcesDep
from api.resources import Resources
from api.sse import event_stream
from errors import InvalidRequest
from runs.buffer import IteratorFeed
from runs.doors import langgraph_view
from runs.run import Run
from settings import RUN_ID_PATTERN, THREAD_ID_PATTERN

router = APIRouter(tags=["langgraph"])

ThreadIdPath = Annotated[str, Path(pattern=THREAD_ID_PATTERN)]
RunIdPath = Annotated[str, Path(pattern=RUN_ID_PATTERN)]
STREAM = {200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}}


def _location(run: Run) -> dict[str, str]:
    return {"Content-Location": f"/threads/{run.thread_id}/runs/{run.run_id}"}


def _forget_thread_when_done(
    resources: Resources, thread_id: str | None, request: RunRequest, run: Run
) -> None:
    """A thread-less run's thread goes when the run ends, unless on_completion=keep."""
    if thread_id is None and request.on_completion != "keep":
        resources.langgraph.runs.delete_thread_when_done(run)


async def _stream(resources: Resources, thread_id: str | None, request: RunRequest) -> Response:
    run = await resources.langgraph.runs.start(thread_id, request)
    _forget_thread_when_done(resources, thread_id, request, run)
    return event_stream(
        run.follow(0),
        run_id=run.run_id,
        shutdown=resources.shutdown,
        on_abandon=run.cancel if request.on_disconnect == "cancel" else None,
        headers=_location(run),
        retry=False,
    )


async def _wait(resources: Resources, thread_id: str | None, request: RunRequest) -> Response:
    run = await resources.langgraph.runs.start(thread_id, request)
    try:
        result = await resources.langgraph.runs.join(run.thread_id, run.run_id)
    finally:  # read the values before a thread-less run's thread goes
        _forget_thread_when_done(resources, thread_id, request, run)
    return Response(dumps(result), media_type="application/json", headers=_location(run))


@router.post("/threads/{thread_id}/runs/stream", response_class=EventSourceResponse, responses=STREAM)
async def stream_on_thread(thread_id: ThreadIdPath, request: RunRequest, resources: ResourcesDep) -> Response:
    """Start a run on the thread and stream it in the modes asked."""
    return await _stream(resources, thread_id, request)


@router.post("/runs/stream", response_class=EventSourceResponse, responses=STREAM)
async def stream_without_thread(request: RunRequest, resources: ResourcesDep) -> Response:
    """Start a run on a new thread (deleted when the run ends, unless on_completion=keep) and stream it."""
    return await _stream(resources, None, request)


@router.post("/threads/{thread_id}/runs/wait")
async def wait_on_thread(thread_id: ThreadIdPath, request: RunRequest, resources: ResourcesDep) -> Response:
    """Run on the thread and answer with its values when the run ends."""
    return await _wait(resources, thread_id, request)


@router.post("/runs/wait")
async def wait_without_thread(request: RunRequest, resources: ResourcesDep) -> Response:
    """Run on a new thread and answer with its values when the run ends."""
    return await _wait(resources, None, request)


@router.post("/threads/{thread_id}/runs")
async def create(thread_id: ThreadIdPath, request: RunRequest, resources: ResourcesDep) -> JSONResponse:
    """Start a run in the background; the run."""
    run = await resources.langgraph.runs.start(thread_id, request)
    described = await resources.langgraph.runs.get(run.thread_id, run.run_id)
    return JSONResponse(described, headers=_location(run))


@router.get("/threads/{thread_id}/runs")
async def list_runs(
    thread_id: ThreadIdPath,
    resources: ResourcesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    offset: Annotated[int, Query(ge=0)] = 0,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """The thread's runs still kept (RUN_RETENTION_SECONDS after they end), newest first."""
    return await resources.langgraph.runs.list(thread_id, limit=limit, offset=offset, status=status)


@router.get("/threads/{thread_id}/runs/{run_id}")
async def get(thread_id: ThreadIdPath, run_id: RunIdPath, resources: ResourcesDep) -> dict[str, Any]:
    """The run."""
    return await resources.langgraph.runs.get(thread_id, run_id)


@router.get("/threads/{thread_id}/runs/{run_id}/join")
async def join(thread_id: ThreadIdPath, run_id: RunIdPath, resources: ResourcesDep) -> Response:
    """Wait for the run to end; the thread's values."""
    return Response(
        dumps(await resources.langgraph.runs.join(thread_id, run_id)), media_type="application/json"
    )


@router.get("/threads/{thread_id}/runs/{run_id}/stream", response_class=EventSourceResponse, responses=STREAM)
async def join_stream(
    thread_id: ThreadIdPath,
    run_id: RunIdPath,
    resources: ResourcesDep,
    cancel_on_disconnect: bool = False,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """The run's events after Last-Event-ID (`-1` or none: from the start), then live."""
    langgraph = resources.langgraph
    await langgraph.runs.get(thread_id, run_id)
    after = _after(last_event_id, run_id)
    feed = await resources.runs.follow(run_id, after)
    if feed is None:
        return Response(status_code=204)

    async def values() -> str:
        return dumps(await langgraph.runs.result(thread_id, run_id))

    async def cancel() -> None:
        await langgraph.runs.cancel(thread_id, run_id, wait=False, action="interrupt")

    view = IteratorFeed(langgraph_view(feed, run_id=run_id, thread_id=thread_id, values=values))
    return event_stream(
        view,
        run_id=run_id,
        shutdown=resources.shutdown,
        on_abandon=(lambda: langgraph.runs.spawn(cancel())) if cancel_on_disconnect else None,
        headers={"Content-Location": f"/threads/{thread_id}/runs/{run_id}"},
        retry=False,
    )


@router.post("/threads/{thread_id}/runs/{run_id}/cancel")
async def cancel(
    thread_id: ThreadIdPath,
    run_id: RunIdPath,
    resources: ResourcesDep,
    wait: bool = False,
    action: Literal["interrupt", "rollback"] = "interrupt",
) -> Response:
    """Stop the run (`action=rollback`: without saving its partial answer); `wait`: once it ended."""
    await resources.langgraph.runs.cancel(thread_id, run_id, wait=wait, action=action)
    return Response(status_code=202 if not wait else 200)


@router.delete("/threads/{thread_id}/runs/{run_id}", status_code=204)
async def delete(thread_id: ThreadIdPath, run_id: RunIdPath, resources: ResourcesDep) -> Response:
    """Forget a run that has ended."""
    await resources.langgraph.runs.delete(thread_id, run_id)
    return Response(status_code=204)


def _after(last_event_id: str | None, run_id: str) -> int:
    if not last_event_id or last_event_id == "-1":
        return 0
    if re.fullmatch(r"\d{1,9}", last_event_id):
        return int(last_event_id)
    seen_run, _, seq = last_event_id.rpartition(":")
    if seen_run != run_id or not re.fullmatch(r"\d{1,9}", seq):
        raise InvalidRequest(f"Last-Event-ID {last_event_id!r} is not an event of run {run_id}")
    return int(seq)
