"""Threads: list, read, delete, cancel."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from langchain_core.messages import BaseMessage, HumanMessage

from agent.snapshot import agui_messages
from api.deps import ResourcesDep
from api.resources import Resources
from db.messages import (
    delete_thread,
    list_messages,
    list_threads,
    run_user_messages,
    thread_exists,
)
from errors import NotFound, ThreadBusy
from settings import THREAD_ID_PATTERN

router = APIRouter(prefix="/api/threads")

ThreadIdPath = Annotated[str, Path(pattern=THREAD_ID_PATTERN)]


async def checkpointed_messages(resources: Resources, thread_id: str) -> list[Any] | None:
    """The thread's messages from its checkpoint, or None if it has no checkpoint."""
    state = await resources.graph.aget_state({"configurable": {"thread_id": thread_id}})
    if not state.values and not state.next:
        return None
    return list(state.values.get("messages", []))


async def _require_thread(resources: Resources, thread_id: str) -> None:
    if resources.runs.active_run(thread_id) is not None:
        return
    if await thread_exists(resources.pool, thread_id=thread_id):
        return
    if await checkpointed_messages(resources, thread_id) is not None:
        return
    raise NotFound(f"thread {thread_id} not found")


@router.get("")
async def threads(
    resources: ResourcesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[datetime | None, Query(description="updated_at of the last thread seen")] = None,
) -> dict[str, Any]:
    """Threads, most recently updated first."""
    rows = await list_threads(resources.pool, limit=limit, before=before)
    return {
        "threads": rows,
        "next_before": rows[-1]["updated_at"] if len(rows) == limit else None,
    }


@router.get("/{thread_id}")
async def thread(thread_id: ThreadIdPath, resources: ResourcesDep) -> dict[str, Any]:
    """The thread's messages from its checkpoint, and its active run if any."""
    messages = await checkpointed_messages(resources, thread_id)
    active_run_id = await resources.runs.active_run_id(thread_id)
    known = messages is not None or active_run_id is not None
    if not known and not await thread_exists(resources.pool, thread_id=thread_id):
        raise NotFound(f"thread {thread_id} not found")
    messages = messages or []
    if active_run_id is not None:
        messages += await _unsaved_input(resources, thread_id, active_run_id, {m.id for m in messages})
    return {
        "thread_id": thread_id,
        "active_run_id": active_run_id,
        "messages": [m.model_dump(by_alias=True) for m in agui_messages(messages)],
    }


async def _unsaved_input(
    resources: Resources, thread_id: str, run_id: str, known: set[str | None]
) -> list[BaseMessage]:
    """What the active run appends, which its checkpoint holds only once it ends (DURABILITY=exit)."""
    if (run := resources.runs.get(run_id)) is not None:
        sent = run.input_messages
    else:  # another process runs it: its user rows were recorded when it started
        rows = await run_user_messages(resources.pool, thread_id=thread_id, run_id=run_id)
        sent = [HumanMessage(row["content"], id=row["message_id"]) for row in rows]
    return [m for m in sent if m.id not in known]


@router.get("/{thread_id}/messages")
async def thread_rows(thread_id: ThreadIdPath, resources: ResourcesDep) -> dict[str, Any]:
    """The thread's recorded message rows, with timestamps."""
    rows = await list_messages(resources.pool, thread_id=thread_id)
    if not rows:
        await _require_thread(resources, thread_id)
    return {"thread_id": thread_id, "messages": rows}


@router.delete("/{thread_id}")
async def remove_thread(thread_id: ThreadIdPath, resources: ResourcesDep) -> dict[str, Any]:
    """Delete the thread's checkpoints and rows."""
    active_run_id = await resources.runs.active_run_id(thread_id)
    if active_run_id is not None:
        raise ThreadBusy(thread_id, active_run_id)
    await _require_thread(resources, thread_id)
    await resources.checkpointer.adelete_thread(thread_id)
    await delete_thread(resources.pool, thread_id=thread_id)
    return {"thread_id": thread_id, "deleted": True}


@router.post("/{thread_id}/cancel")
async def cancel(thread_id: ThreadIdPath, resources: ResourcesDep) -> dict[str, Any]:
    """Stop the thread's active run; it ends with a cancelled outcome."""
    run_id = await resources.runs.cancel(thread_id)
    if run_id is None:
        await _require_thread(resources, thread_id)
    return {"thread_id": thread_id, "run_id": run_id, "cancelled": run_id is not None}
