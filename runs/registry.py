"""The runs of this process: start, find, follow and cancel them, wherever they run.

`start()` takes the thread (the database's advisory lock makes that hold across
processes), appends RUN_STARTED and starts the task; streams only follow the
run's events. The thread is released before the last event is appended, so a
client may send its next turn as soon as it reads it.

Names say where they look: `local_run` sees this process only; `active_run_id`,
`follow` and `cancel` look across every process on the database.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from ag_ui.core import BaseEvent, ResumeEntry
from langchain_core.messages import BaseMessage, HumanMessage

from agent.events import EventTranslator
from agent.ids import new_id
from agent.rows import rows_for, title_of
from background import BackgroundTasks
from db.messages import MessageRow
from db.recorder import MessageRecorder
from db.runs import RunCoordinator
from errors import NotFound, RunExists, ShuttingDown, ThreadBusy
from runs.buffer import EventFeed
from runs.cluster import Cluster
from runs.run import Run, Status
from runs.turn import run_turn
from runs.waiting import WaitingThreads, run_rows
from settings import Settings

log = logging.getLogger(__name__)

SWEEP_INTERVAL = 30.0
HOLDER_LOOKUP_SECONDS = 1.0  # a failed claim looks this long for the run that holds the thread
TOMBSTONE_SECONDS = 86_400.0  # how long a deleted thread refuses late row writes


class Turn(Protocol):
    """A run's task in another door's format (the AG-UI turn of `runs/turn.py` is the default)."""

    def opening(self, run: Run) -> list[str]:
        """The events the run begins with, appended once its thread is taken."""
        ...

    async def execute(
        self, run: Run, record: Callable[[list[BaseMessage]], None]
    ) -> tuple[Status, list[BaseEvent | str]]:
        """Stream the run into `run`; its outcome and the events that end it, not yet appended."""
        ...


class RunRegistry:
    def __init__(
        self,
        *,
        graph: Any,
        coordinator: RunCoordinator,
        recorder: MessageRecorder,
        settings: Settings,
        waiting: WaitingThreads,
    ) -> None:
        self._graph = graph
        self._waiting = waiting
        self._coordinator = coordinator
        self._recorder = recorder
        self._settings = settings
        self._runs: dict[str, Run] = {}  # run id -> run, kept for the retention period
        self._active: dict[str, Run] = {}  # thread id -> its running run
        self._claiming: dict[str, asyncio.Future[None]] = {}  # thread id -> a claim under way
        self._cluster = Cluster(coordinator, self._runs.get)
        self._tasks = BackgroundTasks("runs")
        self._drain: asyncio.Task[None] | None = None
        coordinator.on_lock_lost(self._lock_lost)

    async def open(self) -> None:
        await self._cluster.open()
        self._tasks.spawn(self._sweep(), name="sweep finished runs")

    def local_run(self, run_id: str) -> Run | None:
        """The run, if this process runs it (or ran it within the retention period)."""
        return self._runs.get(run_id)

    async def active_run_id(self, thread_id: str) -> str | None:
        """The id of the run that holds the thread now, in this process or another live one."""
        if (run := self._active.get(thread_id)) is not None:
            return run.run_id
        return await self._coordinator.active_run(thread_id=thread_id)

    async def start(
        self,
        *,
        thread_id: str,
        messages: list[BaseMessage],
        run_id: str | None = None,
        snapshot: bool = False,
        resume: list[ResumeEntry] | None = None,
        turn: Turn | None = None,
        checkpoint_id: str | None = None,
    ) -> Run:
        """Start a turn that appends `messages` to `thread_id`; raises ThreadBusy when the thread has a run.

        With `snapshot`, MESSAGES_SNAPSHOT (the thread so far, with `messages`) follows RUN_STARTED.
        With `resume`, the run answers the thread's open interrupts (`runs.waiting`).
        With `turn`, that turn runs instead of the AG-UI one (the LangGraph Server API's runs,
        which answer interrupts with their own `command.resume`).
        With `checkpoint_id` the turn starts from that checkpoint (a fork) instead of the head.
        """
        if self._drain is not None:
            raise ShuttingDown("the server is shutting down; send the turn again shortly")
        run_id = run_id or new_id()
        if run_id in self._runs:
            raise RunExists(f"run {run_id} already exists")
        run = Run(
            run_id=run_id,
            thread_id=thread_id,
            max_events=self._settings.run_buffer_events,
            input_messages=messages,
        )
        waiting = await self._claim(run)
        try:
            if turn is None:
                run.resume = await self._waiting.admit(thread_id, resume, recorded=waiting)
        except BaseException:
            await self._release(run, "error", [])
            self._runs.pop(run_id, None)
            raise
        translator = EventTranslator(thread_id=thread_id, run_id=run_id)
        for event in [translator.started()] if turn is None else turn.opening(run):
            run.append(event)
        said = [m.text for m in messages if isinstance(m, HumanMessage)]
        self._recorder.record(
            thread_id=thread_id,
            run_id=run_id,
            title=title_of(said[0]) if said else None,
            rows=rows_for(messages) + run_rows([], run.resume),
        )
        if turn is None:
            task = self._execute(run, translator, snapshot, checkpoint_id)
        else:
            task = self._execute_turn(run, turn)
        run.start(asyncio.create_task(task, name=f"run {run_id}"))
        return run

    async def follow(self, run_id: str, after: int) -> EventFeed | None:
        """The run's events after `after`, live; None when the run ended and has none after `after`."""
        if (run := self._runs.get(run_id)) is not None:
            return None if run.done and run.last_seq <= after else run.follow(after)
        state = await self._coordinator.run_state(run_id=run_id)
        if state is None:
            raise NotFound(f"run {run_id} not found")
        if state.last_seq is not None and state.last_seq <= after:
            return None
        return self._cluster.follow(state, after)

    async def cancel(self, thread_id: str) -> str | None:
        """Stop the thread's active run, wherever it runs; its id, or None if there was none."""
        if (run := self._active.get(thread_id)) is not None:
            run.cancel()
            return run.run_id
        run_id = await self._coordinator.active_run(thread_id=thread_id)
        if run_id is None or not await self._cluster.cancel(run_id):
            return None
        return run_id

    async def cancel_waiting(self, thread_id: str) -> list[str]:
        """Abandon the interrupts the thread waits on, holding the thread; their ids (none: not waiting)."""
        if not await self._waiting.pending(thread_id):
            return []
        run = Run(run_id=new_id(), thread_id=thread_id, max_events=1, input_messages=[])
        try:
            await self._claim(run)
        except ThreadBusy:
            return []
        try:
            abandoned, rows = await self._waiting.cancel(thread_id)
            self._recorder.record(thread_id=thread_id, run_id=run.run_id, title=None, rows=rows)
            return abandoned
        finally:
            await self._release(run, "cancelled", [])
            self._runs.pop(run.run_id, None)

    def begin_drain(self) -> None:
        """Refuse new turns; let running ones finish for the grace period, then cancel them."""
        if self._drain is None:
            self._drain = self._tasks.spawn(self._drain_runs(), name="drain runs")

    async def shutdown(self) -> None:
        self.begin_drain()
        assert self._drain is not None
        await asyncio.shield(self._drain)
        await self._cluster.close()
        await self._tasks.cancel()

    async def _claim(self, run: Run) -> bool:
        """Take `run`'s thread, or raise ThreadBusy naming the run that holds it; whether the
        thread's last run ended waiting on a person."""
        thread_id = run.thread_id
        loop = asyncio.get_running_loop()
        deadline = loop.time() + HOLDER_LOOKUP_SECONDS
        while True:
            if (active := self._active.get(thread_id)) is not None:
                raise ThreadBusy(thread_id, active.run_id)
            if (pending := self._claiming.get(thread_id)) is not None:
                await pending
                continue
            self._claiming[thread_id] = claim = loop.create_future()
            try:
                claimed = await self._coordinator.claim_thread(thread_id=thread_id, run_id=run.run_id)
                if claimed is not None:
                    # The run's row took its started_at in the claim: time to first token counts
                    # from here, so it never exceeds the duration the row's timestamps give.
                    run.figures.started = time.monotonic()
                    self._active[thread_id] = run
                    self._runs[run.run_id] = run
                    return claimed.waiting
            finally:
                del self._claiming[thread_id]
                claim.set_result(None)
            holder = await self._coordinator.active_run(thread_id=thread_id)
            if holder is not None or loop.time() > deadline:
                raise ThreadBusy(thread_id, holder)
            # The holder's run row commits with its claim, or it has just let go: look again.
            await asyncio.sleep(0.02)

    async def _execute(
        self, run: Run, translator: EventTranslator, snapshot: bool, checkpoint_id: str | None
    ) -> None:
        status, final = await run_turn(
            graph=self._graph,
            run=run,
            translator=translator,
            snapshot=snapshot,
            durability=self._settings.durability,
            record=lambda messages: self._record(run, messages),
            checkpoint_id=checkpoint_id,
        )
        asked = list(translator.interrupts.values()) if status == "success" else []
        try:
            if asked:
                self._record(run, [], run_rows(asked, None))
            resumed, cancelled = run.resume is not None, status == "cancelled"
            await self._waiting.settle(run.thread_id, interrupts=asked, resumed=resumed, cancelled=cancelled)
        except Exception:
            log.exception("run %s: recording the interrupts of thread %s failed", run.run_id, run.thread_id)
        await self._release(run, status, final)

    async def _execute_turn(self, run: Run, turn: Turn) -> None:
        status, final = await turn.execute(run, lambda messages: self._record(run, messages))
        if status == "success":  # the AG-UI doors' record of what the thread waits on, kept true
            try:
                asked = await self._waiting.pending(run.thread_id)
                await self._waiting.settle(
                    run.thread_id, interrupts=asked, resumed=not asked, cancelled=False
                )
            except Exception:
                log.exception(
                    "run %s: recording the interrupts of thread %s failed", run.run_id, run.thread_id
                )
        await self._release(run, status, final)

    async def _release(self, run: Run, status: Status, final: list[Any]) -> None:
        """Release the thread, recording how the run ended; then append its last events."""
        for event in final:
            if isinstance(event, BaseEvent):
                run.figures.see(event)
        try:
            await self._coordinator.release_thread(
                thread_id=run.thread_id,
                run_id=run.run_id,
                status=status,
                last_seq=run.last_seq + len(final),
                first_token_ms=run.figures.first_token_ms,
                tokens=run.figures.tokens,
                input_tokens=run.figures.input_tokens,
                output_tokens=run.figures.output_tokens,
            )
        except Exception:
            log.exception("run %s: releasing thread %s failed", run.run_id, run.thread_id)
        finally:
            if self._active.get(run.thread_id) is run:
                del self._active[run.thread_id]
            for event in final:
                run.append(event)
            run.finish(status)

    def _record(self, run: Run, messages: list[BaseMessage], extra: list[MessageRow] | None = None) -> None:
        rows = rows_for(messages) + (extra or [])
        self._recorder.record(thread_id=run.thread_id, run_id=run.run_id, title=None, rows=rows)

    def _lock_lost(self, run_id: str) -> None:
        if (run := self._runs.get(run_id)) is not None:
            run.lose()

    async def _drain_runs(self) -> None:
        running = [run.task for run in self._active.values() if run.task is not None]
        if running:
            grace = self._settings.shutdown_grace_seconds
            log.info("waiting up to %.0fs for %d active runs", grace, len(running))
            await asyncio.wait(running, timeout=grace)
        late = [run for run in self._active.values() if run.task is not None]
        for run in late:
            run.cancel()
        if late:
            await asyncio.wait([run.task for run in late if run.task is not None])

    async def _sweep(self) -> None:
        """Forget finished runs after the retention period, here and in the database."""
        retention = self._settings.run_retention_seconds
        while True:
            await asyncio.sleep(SWEEP_INTERVAL)
            horizon = time.monotonic() - retention
            for run_id, run in list(self._runs.items()):
                if run.finished_at is not None and run.finished_at < horizon:
                    del self._runs[run_id]
            try:
                await self._coordinator.delete_old_runs(
                    older_than_seconds=retention, tombstones_after_seconds=TOMBSTONE_SECONDS
                )
            except Exception:
                log.exception("deleting old runs failed")
