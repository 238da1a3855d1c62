"""Threads: list, read, delete, cancel."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from agent.threads import Cancelled, Deleted, ThreadPage, ThreadRows, ThreadView
from api.deps import ResourcesDep
from settings import THREAD_ID_PATTERN

router = APIRouter(prefix="/api/threads")

ThreadIdPath = Annotated[str, Path(pattern=THREAD_ID_PATTERN)]


@router.get("", response_model=ThreadPage)
async def threads(
    resources: ResourcesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[datetime | None, Query(description="updated_at of the last thread seen")] = None,
) -> ThreadPage:
    """Threads, most recently updated first."""
    return await resources.threads.page(limit=limit, before=before)


@router.get("/{thread_id}", response_model=ThreadView)
async def thread(thread_id: ThreadIdPath, resources: ResourcesDep) -> ThreadView:
    """The thread's messages from its checkpoint, and its active run if any."""
    return await resources.threads.view(thread_id)


@router.get("/{thread_id}/messages", response_model=ThreadRows)
async def thread_rows(
    thread_id: ThreadIdPath,
    resources: ResourcesDep,
    all: Annotated[bool, Query(description="rows of every branch, not only the current one")] = False,
) -> ThreadRows:
    """The thread's recorded message rows, with timestamps and the checkpoint each turn ended in."""
    return await resources.threads.rows(thread_id, all_branches=all)


@router.delete("/{thread_id}", response_model=Deleted)
async def remove_thread(thread_id: ThreadIdPath, resources: ResourcesDep) -> Deleted:
    """Delete the thread's checkpoints and rows."""
    return await resources.threads.delete(thread_id)


@router.post("/{thread_id}/cancel", response_model=Cancelled)
async def cancel(thread_id: ThreadIdPath, resources: ResourcesDep) -> Cancelled:
    """Stop the thread's active run; it ends with a cancelled outcome."""
    return await resources.threads.cancel(thread_id)
