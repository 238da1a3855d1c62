"""A thread's checkpoint history as clients see it: the list, the values at one checkpoint, fork points.

Every turn ends in a checkpoint (an interrupt too); a turn started from an
older one (`checkpoint_id`) writes its checkpoint as that one's child, so the
thread's checkpoints form a tree whose newest checkpoint is the head.
"""

import re
from datetime import datetime
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import StateSnapshot
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from agent.state_json import state_values
from errors import InvalidRequest, NotFound

CHECKPOINT_ID_PATTERN = r"^[0-9a-f-]{1,64}$"  # LangGraph's checkpoint ids are uuid6


class Interrupt(BaseModel):
    id: str
    value: Any


class CheckpointSummary(BaseModel):
    checkpoint_id: str
    parent_checkpoint_id: str | None
    created_at: datetime | None
    run_id: str | None  # the run that wrote it
    source: str | None  # input, loop (a step), update (a cancelled answer kept), fork
    step: int | None
    message_count: int
    next: list[str]  # the nodes that would run next; empty when the turn ended
    interrupts: list[Interrupt]
    values: dict[str, Any] | None = None  # with `values=true`: as GET /api/threads/{id}/state gives them


class HistoryPage(BaseModel):
    thread_id: str
    checkpoints: list[CheckpointSummary]  # newest first
    next_before: str | None  # pass as `before` for the next page; null on the last


def thread_config(thread_id: str, checkpoint_id: str | None = None) -> RunnableConfig:
    """The graph config of a thread, at its head or at `checkpoint_id`."""
    configurable = {"thread_id": thread_id, "checkpoint_ns": ""}
    if checkpoint_id is not None:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def summary(snapshot: StateSnapshot, *, with_values: bool) -> CheckpointSummary:
    metadata = snapshot.metadata or {}
    parent = snapshot.parent_config["configurable"]["checkpoint_id"] if snapshot.parent_config else None
    return CheckpointSummary(
        checkpoint_id=snapshot.config["configurable"]["checkpoint_id"],
        parent_checkpoint_id=parent,
        created_at=datetime.fromisoformat(snapshot.created_at) if snapshot.created_at else None,
        run_id=metadata.get("run_id"),
        source=metadata.get("source"),
        step=metadata.get("step"),
        message_count=len(snapshot.values.get("messages", [])),
        next=list(snapshot.next),
        interrupts=[
            Interrupt(id=i.id, value=to_jsonable_python(i.value, fallback=repr)) for i in snapshot.interrupts
        ],
        values=state_values(snapshot.values) if with_values else None,
    )


class History:
    def __init__(self, *, graph: Any, checkpointer: BaseCheckpointSaver) -> None:
        self._graph = graph
        self._checkpointer = checkpointer

    async def page(
        self, thread_id: str, *, limit: int, before: str | None, with_values: bool
    ) -> list[CheckpointSummary]:
        """The thread's checkpoints, newest first, on every branch."""
        before_config = thread_config(thread_id, before) if before is not None else None
        return [
            summary(snapshot, with_values=with_values)
            async for snapshot in self._graph.aget_state_history(
                thread_config(thread_id), limit=limit, before=before_config
            )
        ]

    async def at(self, thread_id: str, checkpoint_id: str) -> StateSnapshot:
        """The thread's state at `checkpoint_id`; NotFound if the thread has no such checkpoint."""
        await self.require(thread_id, checkpoint_id)
        return await self._graph.aget_state(thread_config(thread_id, checkpoint_id))

    async def require_fork_point(
        self, thread_id: str | None, checkpoint_id: str, *, resume: object | None = None
    ) -> None:
        """Refuse a turn from `checkpoint_id` unless it names a checkpoint of the thread, with no resume."""
        if thread_id is None:
            raise InvalidRequest("checkpoint_id needs the thread_id it belongs to")
        if resume is not None:
            raise InvalidRequest(
                "checkpoint_id and resume cannot go together: resume answers the head's interrupts"
            )
        await self.require(thread_id, checkpoint_id)

    async def require(self, thread_id: str, checkpoint_id: str) -> None:
        """Raise NotFound unless `checkpoint_id` is one of the thread's checkpoints."""
        found = await self._checkpointer.aget_tuple(thread_config(thread_id, checkpoint_id))
        if found is None:
            raise NotFound(f"thread {thread_id} has no checkpoint {checkpoint_id}")


async def where_run_left(
    checkpointer: BaseCheckpointSaver, config: RunnableConfig, run_id: str
) -> RunnableConfig:
    """Where a stopped run's partial answer goes: its own newest checkpoint, else where it started."""
    async for found in checkpointer.alist(
        thread_config(config["configurable"]["thread_id"]), filter={"run_id": run_id}, limit=1
    ):
        return {**config, "configurable": found.config["configurable"]}
    return config


def fork_point(forwarded_props: Any) -> str | None:
    """The `checkpoint_id` an AG-UI client put in `forwardedProps`, checked; None if it put none."""
    if not isinstance(forwarded_props, dict) or forwarded_props.get("checkpoint_id") is None:
        return None
    checkpoint_id = forwarded_props["checkpoint_id"]
    if not isinstance(checkpoint_id, str) or not re.fullmatch(CHECKPOINT_ID_PATTERN, checkpoint_id):
        raise InvalidRequest(f"forwardedProps.checkpoint_id {checkpoint_id!r} is not a checkpoint id")
    return checkpoint_id
