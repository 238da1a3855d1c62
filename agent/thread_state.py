"""A thread's state as the debug page shows it: every channel, JSON-safe, at a checkpoint."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from agent.state_json import state_values
from agent.threads import Threads
from errors import NotFound
from runs.registry import RunRegistry


class ThreadState(BaseModel):
    thread_id: str
    checkpoint_id: str | None  # null: the thread has no checkpoint yet (its first turn is running)
    parent_checkpoint_id: str | None
    created_at: datetime | None
    step: int | None  # LangGraph's step counter of the checkpoint
    next: list[str]  # nodes that run next (non-empty when the graph paused)
    values: dict[str, Any]  # every channel; `messages` in the AG-UI message shape


async def thread_state(
    *, graph: Any, threads: Threads, runs: RunRegistry, thread_id: str, checkpoint_id: str | None
) -> ThreadState:
    """The thread's state at `checkpoint_id`, or at its latest checkpoint; NotFound for either unknown."""
    configurable = {"thread_id": thread_id}
    if checkpoint_id is not None:
        configurable["checkpoint_id"] = checkpoint_id
    snapshot = await graph.aget_state({"configurable": configurable})
    found = snapshot.created_at is not None
    if checkpoint_id is not None and not found:
        raise NotFound(f"checkpoint {checkpoint_id} of thread {thread_id} not found")
    if not found:
        active_run_id = await runs.active_run_id(thread_id)
        await threads.require(thread_id, active_run_id=active_run_id, has_checkpoint=False)
    parent = (snapshot.parent_config or {}).get("configurable", {})
    return ThreadState(
        thread_id=thread_id,
        checkpoint_id=(snapshot.config or {}).get("configurable", {}).get("checkpoint_id") if found else None,
        parent_checkpoint_id=parent.get("checkpoint_id"),
        created_at=snapshot.created_at,
        step=(snapshot.metadata or {}).get("step"),
        next=list(snapshot.next),
        values=state_values(snapshot.values or {}),
    )
