"""Threads as the LangGraph Server API shows them: metadata, status, values, state and history.

Every thread is one of these, whichever door made it: a thread started on
/api/chat has the metadata `{"graph_id": ...}` that every thread is stamped with.
"""

from datetime import UTC, datetime
from typing import Any, Literal

import asyncpg
from langgraph.types import StateSnapshot

from agent.lg_json import plain
from db import lg_runs, lg_threads
from db import messages as rows
from errors import NotFound, ThreadBusy, ThreadExists
from runs.registry import RunRegistry

ThreadStatus = Literal["idle", "busy", "interrupted", "error"]
SEARCH_SCAN = 1000  # threads looked at when a search filters on status, which SQL cannot see


def checkpoint_of(config: Any) -> dict[str, Any] | None:
    configurable = (config or {}).get("configurable", {})
    if not configurable.get("checkpoint_id"):
        return None
    return {
        "thread_id": configurable.get("thread_id"),
        "checkpoint_ns": configurable.get("checkpoint_ns", ""),
        "checkpoint_id": configurable["checkpoint_id"],
        "checkpoint_map": configurable.get("checkpoint_map") or {},
    }


def thread_state(snapshot: StateSnapshot) -> dict[str, Any]:
    """A state snapshot as the API's ThreadState."""
    tasks = [
        {
            "id": task.id,
            "name": task.name,
            "path": list(task.path),
            "error": str(task.error) if task.error else None,
            "interrupts": list(task.interrupts),
            "checkpoint": checkpoint_of(task.state) if isinstance(task.state, dict) else None,
            "state": thread_state(task.state) if isinstance(task.state, StateSnapshot) else None,
            "result": task.result,
        }
        for task in snapshot.tasks
    ]
    return plain(
        {
            "values": snapshot.values,
            "next": list(snapshot.next),
            "checkpoint": checkpoint_of(snapshot.config),
            "metadata": snapshot.metadata or {},
            "created_at": snapshot.created_at,
            "parent_checkpoint": checkpoint_of(snapshot.parent_config),
            "tasks": tasks,
            "interrupts": list(snapshot.interrupts),
        }
    )


class LangGraphThreads:
    def __init__(
        self, *, graph: Any, graph_id: str, pool: asyncpg.Pool, runs: RunRegistry, checkpointer: Any
    ):
        self._graph = graph
        self.graph_id = graph_id
        self._pool = pool
        self._runs = runs
        self._checkpointer = checkpointer

    async def create(self, *, thread_id: str, metadata: dict[str, Any], if_exists: str) -> dict[str, Any]:
        metadata = {**metadata, "graph_id": metadata.get("graph_id", self.graph_id)}
        created = await lg_threads.create_thread(self._pool, thread_id=thread_id, metadata=metadata)
        if not created and if_exists != "do_nothing":
            raise ThreadExists(f"thread {thread_id} already exists")
        return await self.get(thread_id)

    async def touch(self, thread_id: str, *, metadata: dict[str, Any] | None = None) -> None:
        """A run uses the thread: stamp it with the graph it runs."""
        stamp = {"graph_id": self.graph_id, **(metadata or {})}
        await lg_threads.touch_thread(self._pool, thread_id=thread_id, metadata=stamp)

    async def exists(self, thread_id: str) -> bool:
        if await self._find(thread_id) is not None or await self._runs.active_run_id(thread_id):
            return True
        return checkpoint_of((await self._snapshot(thread_id)).config) is not None

    async def get(self, thread_id: str) -> dict[str, Any]:
        found = await self._find(thread_id)
        snapshot = await self._snapshot(thread_id)
        if found is None:  # a thread of our own door whose rows are not written yet
            if checkpoint_of(snapshot.config) is None and not await self._runs.active_run_id(thread_id):
                raise NotFound(f"thread {thread_id} not found")
            found = {"thread_id": thread_id, "metadata": {"graph_id": self.graph_id}}
            found["created_at"] = found["updated_at"] = snapshot.created_at or datetime.now(UTC)
        return await self._describe(found, snapshot)

    async def patch(self, thread_id: str, *, metadata: dict[str, Any]) -> dict[str, Any]:
        await self.get(thread_id)
        await self.touch(thread_id, metadata=metadata)
        return await self.get(thread_id)

    async def delete(self, thread_id: str) -> None:
        if (active := await self._runs.active_run_id(thread_id)) is not None:
            raise ThreadBusy(thread_id, active)
        await self.get(thread_id)
        await self._checkpointer.adelete_thread(thread_id)
        await rows.delete_thread(self._pool, thread_id=thread_id)
        await lg_threads.delete_thread(self._pool, thread_id=thread_id)

    async def search(
        self,
        *,
        ids: list[str] | None,
        metadata: dict[str, Any],
        status: ThreadStatus | None,
        sort_by: str,
        sort_order: str,
        limit: int,
        offset: int,
    ) -> list[dict[str, Any]]:
        window = (SEARCH_SCAN, 0) if status else (limit, offset)
        found = await lg_threads.find_threads(
            self._pool,
            graph_id=self.graph_id,
            thread_ids=ids,
            metadata=metadata,
            sort_by=sort_by,
            sort_order=sort_order,
            limit=window[0],
            offset=window[1],
        )
        described = []
        for row in found:
            thread = await self._describe(row, await self._snapshot(row["thread_id"]))
            if status is None or thread["status"] == status:
                described.append(thread)
        return described[offset : offset + limit] if status else described

    async def state(self, thread_id: str, *, checkpoint: dict[str, Any] | None = None) -> dict[str, Any]:
        snapshot = await self._snapshot(thread_id, checkpoint)
        if checkpoint_of(snapshot.config) is None:
            if checkpoint:
                raise NotFound(
                    f"checkpoint {checkpoint.get('checkpoint_id')} of thread {thread_id} not found"
                )
            await self.get(thread_id)
        return thread_state(snapshot)

    async def update_state(
        self, thread_id: str, *, values: Any, as_node: str | None, checkpoint: dict[str, Any] | None
    ) -> dict[str, Any]:
        if (active := await self._runs.active_run_id(thread_id)) is not None:
            raise ThreadBusy(thread_id, active)
        if not await self.exists(thread_id):
            raise NotFound(f"thread {thread_id} not found")
        config = self._config(thread_id, checkpoint)
        saved = await self._graph.aupdate_state(config, values, as_node=as_node)
        await self.touch(thread_id)
        return {"checkpoint": checkpoint_of(saved)}

    async def history(
        self,
        thread_id: str,
        *,
        limit: int,
        before: dict[str, Any] | None,
        metadata: dict[str, Any] | None,
        checkpoint: dict[str, Any] | None,
    ) -> list[dict[str, Any]]:
        if not await self.exists(thread_id):
            raise NotFound(f"thread {thread_id} not found")
        states = []
        async for snapshot in self._graph.aget_state_history(
            self._config(thread_id, checkpoint),
            filter=metadata or None,
            before=self._config(thread_id, before) if before else None,
            limit=limit,
        ):
            states.append(thread_state(snapshot))
        return states

    def _config(self, thread_id: str, checkpoint: dict[str, Any] | None) -> dict[str, Any]:
        extra = {k: v for k, v in (checkpoint or {}).items() if k != "thread_id" and v is not None}
        return {"configurable": {**extra, "thread_id": thread_id}}

    async def _snapshot(self, thread_id: str, checkpoint: dict[str, Any] | None = None) -> StateSnapshot:
        return await self._graph.aget_state(self._config(thread_id, checkpoint))

    async def _find(self, thread_id: str) -> dict[str, Any] | None:
        found = await lg_threads.find_threads(
            self._pool,
            graph_id=self.graph_id,
            thread_ids=[thread_id],
            metadata={},
            sort_by="thread_id",
            sort_order="asc",
            limit=1,
            offset=0,
        )
        return found[0] if found else None

    async def _describe(self, row: dict[str, Any], snapshot: StateSnapshot) -> dict[str, Any]:
        thread_id = row["thread_id"]
        interrupts: dict[str, list[Any]] = {}
        for task in snapshot.tasks:
            if task.interrupts:
                interrupts[task.id] = list(task.interrupts)
        last = await lg_runs.last_status(self._pool, thread_id=thread_id)
        status: ThreadStatus = "idle"
        if await self._runs.active_run_id(thread_id) is not None:
            status = "busy"
        elif interrupts or (snapshot.next and last in (None, "success")):
            status = "interrupted"  # an interrupt, or a run that stopped before or after a node
        elif last in ("error", "lost"):
            status = "error"
        return plain(
            {
                "thread_id": thread_id,
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
                "metadata": row["metadata"],
                "status": status,
                "values": snapshot.values,
                "interrupts": interrupts,
                "config": {},
                "error": None,
            }
        )
