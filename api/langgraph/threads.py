"""Threads of the LangGraph Server API: create, get, patch, delete, search, state, history."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from agent.ids import new_id
from agent.lg_threads import ThreadStatus
from api.deps import ResourcesDep
from errors import InvalidRequest
from settings import THREAD_ID_PATTERN

router = APIRouter(prefix="/threads", tags=["langgraph"])

ThreadIdPath = Annotated[str, Path(pattern=THREAD_ID_PATTERN)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ThreadCreate(Strict):
    thread_id: str | None = Field(None, pattern=THREAD_ID_PATTERN)
    metadata: dict[str, Any] = {}
    if_exists: Literal["raise", "do_nothing"] = "raise"
    graph_id: str | None = None


class ThreadPatch(Strict):
    metadata: dict[str, Any] = {}


class ThreadSearch(Strict):
    ids: list[str] | None = None
    metadata: dict[str, Any] = {}
    values: dict[str, Any] | None = Field(None, description="Not implemented: refused unless empty.")
    status: ThreadStatus | None = None
    limit: int = Field(10, ge=1, le=1000)
    offset: int = Field(0, ge=0)
    sort_by: Literal["thread_id", "created_at", "updated_at"] = "created_at"
    sort_order: Literal["asc", "desc"] = "desc"
    select: list[str] | None = None
    extract: dict[str, Any] | None = Field(None, description="Not implemented: refused unless empty.")


class StateUpdate(Strict):
    values: Any = None
    as_node: str | None = None
    checkpoint: dict[str, Any] | None = None
    checkpoint_id: str | None = None


class StateAt(Strict):
    checkpoint: dict[str, Any] | None = None
    subgraphs: bool = False


class HistoryQuery(Strict):
    limit: int = Field(10, ge=1, le=1000)
    before: dict[str, Any] | str | None = None
    metadata: dict[str, Any] | None = None
    checkpoint: dict[str, Any] | None = None


@router.post("")
async def create(body: ThreadCreate, resources: ResourcesDep) -> dict[str, Any]:
    """Create a thread (`if_exists`: raise or do_nothing)."""
    metadata = body.metadata if body.graph_id is None else {**body.metadata, "graph_id": body.graph_id}
    return await resources.langgraph.threads.create(
        thread_id=body.thread_id or new_id(), metadata=metadata, if_exists=body.if_exists
    )


@router.post("/search")
async def search(body: ThreadSearch, resources: ResourcesDep) -> list[dict[str, Any]]:
    """Threads whose metadata contains `metadata`, with `status`, sorted and paged."""
    if body.values or body.extract:
        raise_not_implemented("values" if body.values else "extract")
    found = await resources.langgraph.threads.search(
        ids=body.ids,
        metadata=body.metadata,
        status=body.status,
        sort_by=body.sort_by,
        sort_order=body.sort_order,
        limit=body.limit,
        offset=body.offset,
    )
    if body.select:
        found = [{k: v for k, v in thread.items() if k in body.select} for thread in found]
    return found


@router.get("/{thread_id}")
async def get(thread_id: ThreadIdPath, resources: ResourcesDep) -> dict[str, Any]:
    """The thread, with its status and values."""
    return await resources.langgraph.threads.get(thread_id)


@router.patch("/{thread_id}")
async def patch(thread_id: ThreadIdPath, body: ThreadPatch, resources: ResourcesDep) -> dict[str, Any]:
    """Merge `metadata` into the thread's."""
    return await resources.langgraph.threads.patch(thread_id, metadata=body.metadata)


@router.delete("/{thread_id}", status_code=204)
async def delete(thread_id: ThreadIdPath, resources: ResourcesDep) -> Response:
    """Delete the thread, its checkpoints and rows; refused while a run holds it."""
    await resources.langgraph.threads.delete(thread_id)
    return Response(status_code=204)


@router.get("/{thread_id}/state")
async def state(thread_id: ThreadIdPath, resources: ResourcesDep) -> dict[str, Any]:
    """The thread's latest state."""
    return await resources.langgraph.threads.state(thread_id)


@router.get("/{thread_id}/state/{checkpoint_id}")
async def state_at(thread_id: ThreadIdPath, checkpoint_id: str, resources: ResourcesDep) -> dict[str, Any]:
    """The thread's state at a checkpoint."""
    return await resources.langgraph.threads.state(thread_id, checkpoint={"checkpoint_id": checkpoint_id})


@router.post("/{thread_id}/state/checkpoint")
async def state_at_checkpoint(
    thread_id: ThreadIdPath, body: StateAt, resources: ResourcesDep
) -> dict[str, Any]:
    """The thread's state at the checkpoint in the body."""
    return await resources.langgraph.threads.state(thread_id, checkpoint=body.checkpoint)


@router.post("/{thread_id}/state")
async def update_state(thread_id: ThreadIdPath, body: StateUpdate, resources: ResourcesDep) -> dict[str, Any]:
    """Write `values` to the thread's state, as if node `as_node` had."""
    checkpoint = dict(body.checkpoint or {})
    if body.checkpoint_id:
        checkpoint["checkpoint_id"] = body.checkpoint_id
    return await resources.langgraph.threads.update_state(
        thread_id, values=body.values, as_node=body.as_node, checkpoint=checkpoint or None
    )


@router.post("/{thread_id}/history")
async def history(
    thread_id: ThreadIdPath, body: HistoryQuery, resources: ResourcesDep
) -> list[dict[str, Any]]:
    """The thread's states, newest first (this server keeps the latest checkpoint of a thread)."""
    before = {"checkpoint_id": body.before} if isinstance(body.before, str) else body.before
    return await resources.langgraph.threads.history(
        thread_id, limit=body.limit, before=before, metadata=body.metadata, checkpoint=body.checkpoint
    )


def raise_not_implemented(name: str) -> None:
    raise InvalidRequest(f"{name} is not implemented by this server")
