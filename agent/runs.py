"""Runs: a turn is a task owned by the server, not by the request that started it.

`start()` takes the thread (the database's advisory lock makes that hold across
processes), appends RUN_STARTED and starts the task; SSE responses only follow
the run's buffer. A cancelled run closes what it had open, keeps its partial
answer in the checkpoint and ends with a cancelled outcome. The thread is
released before the last event is appended, so a client may send its next turn
as soon as it reads it.
"""

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from ag_ui.core import MessagesSnapshotEvent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from agent.errors import describe_failure
from agent.events import STREAM_MODES, EventTranslator, node_messages
from agent.remote import RemoteRuns
from agent.rows import rows_for, title_of
from agent.run import Run
from agent.snapshot import agui_messages
from agent.text import clean_part
from db.recorder import MessageRecorder
from db.runs import CANCEL_CHANNEL, FOLLOW_CHANNEL, RunCoordinator
from errors import NotFound, RunExists, ShuttingDown, ThreadBusy
from settings import Settings

log = logging.getLogger(__name__)

CANCELLED_TOOL_RESULT = "Cancelled by the user before the tool finished."
PUBLISH_INTERVAL = 0.05
SWEEP_INTERVAL = 30.0


def new_id() -> str:
    """A short random id (16 URL-safe characters), for runs, threads and messages."""
    return secrets.token_urlsafe(12)


class RunRegistry:
    def __init__(
        self,
        *,
        graph: Any,
        coordinator: RunCoordinator,
        recorder: MessageRecorder,
        settings: Settings,
    ) -> None:
        self._graph = graph
        self._coordinator = coordinator
        self._recorder = recorder
        self._settings = settings
        self._runs: dict[str, Run] = {}
        self._active: dict[str, Run] = {}  # thread id -> its running run in this process
        self._background: set[asyncio.Task[None]] = set()
        self._remote = RemoteRuns(coordinator)
        self._accepting = True

    async def open(self) -> None:
        await self._coordinator.listen(CANCEL_CHANNEL, self._cancel_requested)
        await self._coordinator.listen(FOLLOW_CHANNEL, self._follow_requested)
        await self._remote.open()
        self._spawn(self._sweep())

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id)

    def active_run(self, thread_id: str) -> Run | None:
        return self._active.get(thread_id)

    async def active_run_id(self, thread_id: str) -> str | None:
        """The id of the thread's running run, in this process or another."""
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
    ) -> Run:
        """Start a turn that appends `messages` to `thread_id`; raises ThreadBusy when the thread has a run.

        With `snapshot`, MESSAGES_SNAPSHOT (the thread so far, with `messages`) follows RUN_STARTED.
        """
        if not self._accepting:
            raise ShuttingDown("the server is shutting down; send the turn again shortly")
        if (active := self._active.get(thread_id)) is not None:
            raise ThreadBusy(thread_id, active.run_id)
        run_id = run_id or new_id()
        if run_id in self._runs:
            raise RunExists(f"run {run_id} already exists")
        run = Run(
            run_id=run_id,
            thread_id=thread_id,
            max_events=self._settings.run_buffer_events,
            input_messages=messages,
        )
        self._active[thread_id] = run
        try:
            claimed = await self._coordinator.claim_thread(thread_id=thread_id, run_id=run_id)
        except BaseException:  # RunExists, or the database failed: the thread stays free
            del self._active[thread_id]
            raise
        if not claimed:
            del self._active[thread_id]
            raise ThreadBusy(thread_id, await self._coordinator.active_run(thread_id=thread_id))
        self._runs[run_id] = run
        translator = EventTranslator(thread_id=thread_id, run_id=run_id)
        run.append(translator.started())
        said = [m.text for m in messages if isinstance(m, HumanMessage)]
        self._recorder.record(
            thread_id=thread_id,
            run_id=run_id,
            title=title_of(said[0]) if said else None,
            rows=rows_for(messages),
        )
        run.task = asyncio.create_task(
            self._execute(run, translator, messages, snapshot), name=f"run {run_id}"
        )
        return run

    async def cancel(self, thread_id: str) -> str | None:
        """Stop the thread's active run, wherever it runs; its id, or None if there was none."""
        if (run := self._active.get(thread_id)) is not None:
            self._cancel_local(run)
            return run.run_id
        run_id = await self.active_run_id(thread_id)
        if run_id is not None:
            await self._coordinator.notify(CANCEL_CHANNEL, run_id)
        return run_id

    def cancel_run(self, run: Run) -> None:
        self._cancel_local(run)

    async def follow(self, run_id: str, after: int) -> AsyncIterator[tuple[int, str]]:
        """The run's events after `after`, from this process or from the database."""
        if (run := self._runs.get(run_id)) is not None:
            return run.follow(after)
        state = await self._coordinator.run_state(run_id=run_id)
        if state is None:
            raise NotFound(f"run {run_id} not found")
        return self._remote.follow(run_id, after)

    async def shutdown(self, *, grace: float) -> None:
        """Refuse new turns, let running ones finish for `grace` seconds, then cancel them."""
        self._accepting = False
        running = {run.task: run for run in self._active.values() if run.task is not None}
        if running:
            log.info("waiting up to %.0fs for %d active runs", grace, len(running))
            _, late = await asyncio.wait(running, timeout=grace)
            for task in late:
                self._cancel_local(running[task])
            if late:
                await asyncio.wait(late)
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    async def _execute(
        self, run: Run, translator: EventTranslator, messages: list[BaseMessage], snapshot: bool
    ) -> None:
        config = {"configurable": {"thread_id": run.thread_id}}
        status = "success"
        try:
            if snapshot:
                state = await self._graph.aget_state(config)
                history = [*state.values.get("messages", []), *messages]
                run.append(MessagesSnapshotEvent(messages=agui_messages(history)))
            async for mode, data in self._graph.astream(
                {"messages": messages},
                config,
                stream_mode=STREAM_MODES,
                durability=self._settings.durability,
            ):
                data = clean_part(mode, data)
                for event in translator.translate(mode, data):
                    run.append(event)
                if mode == "tasks" and "result" in data:
                    self._record(run, node_messages(data["result"]))
            final = translator.finished()
        except asyncio.CancelledError:
            status = "cancelled"
            final = translator.finished(cancelled=True)
            try:
                await self._keep_partial(run, translator, messages, config)
            except Exception:
                log.exception(
                    "run %s of thread %s: saving the partial answer failed", run.run_id, run.thread_id
                )
        except Exception as error:
            status = "error"
            code, text = describe_failure(error)
            log.exception("run %s of thread %s failed (%s)", run.run_id, run.thread_id, code)
            final = translator.failed(message=text, code=code)
        try:
            await self._coordinator.release_thread(thread_id=run.thread_id, run_id=run.run_id, status=status)
        except Exception:
            log.exception("run %s: releasing thread %s failed", run.run_id, run.thread_id)
        finally:
            del self._active[run.thread_id]
            for event in final:
                run.append(event)
            run.finish()

    async def _keep_partial(
        self,
        run: Run,
        translator: EventTranslator,
        sent: list[BaseMessage],
        config: dict[str, Any],
    ) -> None:
        """Leave the checkpoint as the user saw it: their message, tool calls answered, partial text."""
        state = await self._graph.aget_state(config)
        messages: list[BaseMessage] = state.values.get("messages", [])
        known = {m.id for m in messages}
        answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
        updates: list[BaseMessage] = [m for m in sent if m.id not in known]
        for m in [*messages, *updates]:
            if isinstance(m, AIMessage):
                updates += [
                    ToolMessage(
                        CANCELLED_TOOL_RESULT,
                        id=new_id(),
                        tool_call_id=call["id"],
                        name=call["name"],
                        status="error",
                    )
                    for call in m.tool_calls
                    if call["id"] not in answered
                ]
        updates += [
            AIMessage(text, id=message_id, response_metadata={"finish_reason": "cancelled"})
            for message_id, text in translator.partial_text.items()
            if text and message_id not in known
        ]
        if updates:
            await self._graph.aupdate_state(config, {"messages": updates})
            self._record(run, updates)

    def _record(self, run: Run, messages: list[BaseMessage]) -> None:
        self._recorder.record(thread_id=run.thread_id, run_id=run.run_id, title=None, rows=rows_for(messages))

    def _cancel_local(self, run: Run) -> None:
        # Once only: a second cancel would interrupt the clean-up of the first (saving the
        # partial answer, releasing the thread) and leave the thread locked.
        if run.task is not None and not run.done and not run.cancelling:
            run.cancelling = True
            run.task.cancel()

    def _cancel_requested(self, run_id: str) -> None:
        if (run := self._runs.get(run_id)) is not None:
            self._cancel_local(run)

    def _follow_requested(self, run_id: str) -> None:
        run = self._runs.get(run_id)
        if run is not None and not run.publishing:
            run.publishing = True
            self._spawn(self._publish(run))

    async def _publish(self, run: Run) -> None:
        """Copy the run's events to the database for followers in other processes."""
        events = run.follow(0)
        while True:
            done = run.done
            if ready := events.ready():
                await self._coordinator.publish_events(run_id=run.run_id, events=ready)
            if done:
                return
            await run.wait_for_change()
            await asyncio.sleep(PUBLISH_INTERVAL)

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
                await self._coordinator.delete_old_runs(older_than_seconds=retention)
            except Exception:
                log.exception("deleting old runs failed")

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)


def _log_failure(task: "asyncio.Task[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s failed", task.get_name(), exc_info=task.exception())
