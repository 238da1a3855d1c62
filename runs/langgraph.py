"""Runs of the LangGraph Server API on the one run registry: start, list, get, join, cancel, delete.

A run started here is a `LangGraphTurn` in the registry, so it takes the
thread's advisory lock, records message rows and can be joined or cancelled
from any process, exactly as a run of /api/chat; the other way round, a run
started on /api/chat is listed, joined and cancelled here. Joining a run of the
other door waits for its end and answers with the thread's values.
"""

import asyncio
import weakref
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import asyncpg

from agent.ids import new_id
from agent.lg_events import LangGraphTranslator
from agent.lg_json import plain
from agent.lg_runs import LangGraphTurn, RunRequest, input_messages
from agent.lg_threads import LangGraphThreads
from background import BackgroundTasks
from db import lg_runs
from db.retention import forget_run
from errors import InvalidRequest, NotFound
from runs.multitask import start_with_strategy, wait_until_ended
from runs.registry import RunRegistry
from runs.run import Run
from settings import Settings

STATUS = {"running": "running", "success": "success", "error": "error", "cancelled": "interrupted"}
STATUS["lost"] = "error"
DRAIN_SECONDS = 10.0


class LangGraphRuns:
    def __init__(
        self,
        *,
        graph: Any,
        runs: RunRegistry,
        threads: LangGraphThreads,
        pool: asyncpg.Pool,
        settings: Settings,
    ) -> None:
        self._graph = graph
        self._runs = runs
        self._threads = threads
        self._pool = pool
        self._settings = settings
        self._turns: weakref.WeakValueDictionary[str, LangGraphTurn] = weakref.WeakValueDictionary()
        self._requests: dict[str, RunRequest] = {}
        self._tasks = BackgroundTasks("langgraph runs")

    async def start(self, thread_id: str | None, request: RunRequest) -> Run:
        """Start the run (on a new thread when `thread_id` is None); 404 for an unknown thread."""
        if request.assistant_id not in (self._threads.graph_id,):
            raise NotFound(f"assistant {request.assistant_id} not found")
        if thread_id is None:
            thread_id = new_id()
        elif request.if_not_exists != "create" and not await self._threads.exists(thread_id):
            raise NotFound(f"thread {thread_id} not found")
        if request.input is not None and request.command is not None:
            raise InvalidRequest("input and command cannot both be given")
        graph_input, messages = input_messages(request.input, self._settings.max_message_bytes)
        config = await self._config(thread_id, request)
        await self._threads.touch(thread_id, metadata=None)
        run_id = new_id()

        def start() -> Awaitable[Run]:
            # The run id in the metadata goes into each checkpoint: the history names the run,
            # and a rollback finds what to delete.
            metadata = {**config.get("metadata", {}), "run_id": run_id}
            turn = LangGraphTurn(
                graph=self._graph,
                request=request,
                graph_input=graph_input,
                config={**config, "metadata": metadata},
                forget=self._forget_run,
                translator=LangGraphTranslator(run_id=run_id, thread_id=thread_id, modes=request.modes),
                durability=self._settings.durability,
            )
            self._turns[run_id] = turn
            return self._runs.start(thread_id=thread_id, messages=messages, run_id=run_id, turn=turn)

        run = await start_with_strategy(
            self._runs,
            thread_id=thread_id,
            strategy=request.multitask_strategy,
            start=start,
            rollback=self._mark_rollback,
        )
        self._requests[run.run_id] = request
        if run.task is not None:
            run.task.add_done_callback(lambda _task: self._requests.pop(run.run_id, None))
        return run

    async def list(
        self, thread_id: str, *, limit: int, offset: int, status: str | None
    ) -> list[dict[str, Any]]:
        if not await self._threads.exists(thread_id):
            raise NotFound(f"thread {thread_id} not found")
        ours = {v: k for k, v in STATUS.items() if k != "lost"}
        found = await lg_runs.thread_runs(
            self._pool, thread_id=thread_id, limit=limit, offset=offset, status=ours.get(status or "", status)
        )
        return [self._describe(row) for row in found]

    async def get(self, thread_id: str, run_id: str) -> dict[str, Any]:
        row = await lg_runs.thread_run(self._pool, thread_id=thread_id, run_id=run_id)
        if row is None:
            raise NotFound(f"run {run_id} of thread {thread_id} not found")
        return self._describe(row)

    async def thread_of(self, run_id: str) -> str | None:
        """The thread of a run still kept, wherever it ran."""
        return await lg_runs.run_thread(self._pool, run_id=run_id)

    async def join(self, thread_id: str, run_id: str) -> Any:
        """Wait for the run's end; the thread's values then (or the run's error)."""
        await self.get(thread_id, run_id)
        await wait_until_ended(self._runs, run_id)
        return await self.result(thread_id, run_id)

    async def result(self, thread_id: str, run_id: str) -> Any:
        row = await lg_runs.thread_run(self._pool, thread_id=thread_id, run_id=run_id)
        if row is not None and row["status"] in ("error", "lost"):
            return {"__error__": {"error": "RunError", "message": f"run {run_id} ended with an error"}}
        snapshot = await self._graph.aget_state({"configurable": {"thread_id": thread_id}})
        values = plain(snapshot.values)
        if snapshot.interrupts and isinstance(values, dict):
            values["__interrupt__"] = plain(list(snapshot.interrupts))
        return values

    async def cancel(self, thread_id: str, run_id: str, *, wait: bool, action: str) -> None:
        await self.get(thread_id, run_id)
        if await self._runs.active_run_id(thread_id) == run_id:
            if action == "rollback":
                self._mark_rollback(run_id)
            await self._runs.cancel(thread_id)
        if wait:
            await wait_until_ended(self._runs, run_id)

    async def delete(self, thread_id: str, run_id: str) -> None:
        await self.get(thread_id, run_id)
        if not await lg_runs.delete_run(self._pool, thread_id=thread_id, run_id=run_id):
            raise InvalidRequest(f"run {run_id} is still running; cancel it first")

    def delete_thread_when_done(self, run: Run) -> None:
        """Delete the run's thread once the run ends (a thread-less run with on_completion=delete)."""
        self._tasks.spawn(self._delete_when_done(run), name=f"delete thread of {run.run_id}")

    async def _delete_when_done(self, run: Run) -> None:
        if run.task is not None:
            await asyncio.wait([run.task])
        await self._threads.delete(run.thread_id)

    def spawn(self, job: Awaitable[None]) -> None:
        """Run `job` in the background, owned here (a cancel when a join stream's client leaves)."""
        self._tasks.spawn(job, name="langgraph job")  # type: ignore[arg-type]

    async def close(self) -> None:
        await self._tasks.drain(DRAIN_SECONDS)

    async def _forget_run(self, run: Run) -> None:
        await forget_run(self._pool, thread_id=run.thread_id, run_id=run.run_id)

    def _mark_rollback(self, run_id: str) -> None:
        if (turn := self._turns.get(run_id)) is not None:
            turn.rollback = True

    async def _config(self, thread_id: str, request: RunRequest) -> dict[str, Any]:
        config = dict(request.config or {})
        configurable = {
            **config.get("configurable", {}),
            **request.checkpoint_config(),
            "thread_id": thread_id,
        }
        if "checkpoint_id" in configurable:
            found = await self._graph.checkpointer.aget_tuple({"configurable": configurable})
            if found is None:
                raise NotFound(f"checkpoint {configurable['checkpoint_id']} of thread {thread_id} not found")
        config["configurable"] = configurable
        config["metadata"] = {**config.get("metadata", {}), **(request.metadata or {})}
        return config

    def _describe(self, row: dict[str, Any]) -> dict[str, Any]:
        request = self._requests.get(row["run_id"])
        return plain(
            {
                "run_id": row["run_id"],
                "thread_id": row["thread_id"],
                "assistant_id": self._threads.graph_id,
                "created_at": row["started_at"],
                "updated_at": row["updated_at"],
                "status": STATUS.get(row["status"], row["status"]),
                "metadata": (request.metadata if request else None) or {},
                "multitask_strategy": request.multitask_strategy if request else "reject",
                "kwargs": {},
            }
        )


DEFAULT_GRAPH_NAME = "LangGraph"  # what `compile()` names a graph not given a name


@dataclass(frozen=True)
class LangGraphApi:
    """What the LangGraph Server API's routes reach: the assistant's id, its threads and runs."""

    graph_id: str
    threads: LangGraphThreads
    runs: LangGraphRuns


def langgraph_api(*, graph: Any, runs: RunRegistry, pool: asyncpg.Pool, settings: Settings) -> LangGraphApi:
    """The API over the graph; the assistant is named after the graph (`agent` if it has no name)."""
    name = getattr(graph, "name", None)
    graph_id = name if name and name != DEFAULT_GRAPH_NAME else "agent"
    threads = LangGraphThreads(
        graph=graph, graph_id=graph_id, pool=pool, runs=runs, checkpointer=graph.checkpointer
    )
    return LangGraphApi(
        graph_id=graph_id,
        threads=threads,
        runs=LangGraphRuns(graph=graph, runs=runs, threads=threads, pool=pool, settings=settings),
    )
