"""Threads as clients see them: read from the checkpoint, the message rows and the runs.

A thread exists when it has a checkpoint, recorded rows or a run holding it;
`require()` is the one place that decides it.
"""

import json
from datetime import datetime
from typing import Any

import asyncpg
from ag_ui.core import Interrupt, Message
from langchain_core.messages import BaseMessage, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from pydantic import BaseModel, Field

from agent.interrupts import agui_interrupt
from agent.messages import agui_messages
from db import messages as rows
from db.branches import run_places
from errors import NotFound, ThreadBusy
from runs.registry import RunRegistry
from runs.waiting import WaitingThreads


class ThreadSummary(BaseModel):
    thread_id: str
    title: str | None
    created_at: datetime
    updated_at: datetime
    message_count: int
    waiting: bool = False  # the thread waits on a person: see `interrupts`
    interrupts: list[Interrupt] = []  # what it waits for (AG-UI interrupts)


class ThreadPage(BaseModel):
    threads: list[ThreadSummary]
    next_before: datetime | None  # pass as `before` for the next page; null on the last


class ThreadView(BaseModel):
    thread_id: str
    active_run_id: str | None
    messages: list[Message]  # AG-UI message shape
    interrupts: list[Interrupt] = []  # open interrupts: answer them with a resume


class MessageRow(BaseModel):
    run_id: str | None
    message_id: str
    role: str  # user, assistant, tool_call or tool
    content: str
    tool_name: str | None
    tool_call_id: str | None
    tool_args: str | None  # JSON text
    created_at: datetime
    checkpoint_id: str | None = None  # the checkpoint its turn ended in (none yet, or pruned)
    parent_checkpoint_id: str | None = None  # the checkpoint its turn started from
    on_branch: bool = True  # on the thread's current branch (its head's chain of checkpoints)


class ThreadRows(BaseModel):
    thread_id: str
    messages: list[MessageRow]


class Deleted(BaseModel):
    thread_id: str
    deleted: bool


class Cancelled(BaseModel):
    thread_id: str
    run_id: str | None  # the run that was stopped
    cancelled: bool
    # the open interrupts abandoned, when the thread was waiting on a person (absent otherwise)
    interrupts: list[str] = Field(default_factory=list, exclude_if=lambda found: not found)


class Threads:
    def __init__(
        self,
        *,
        graph: Any,
        checkpointer: BaseCheckpointSaver,
        pool: asyncpg.Pool,
        runs: RunRegistry,
        waiting: WaitingThreads,
    ) -> None:
        self._graph = graph
        self._waiting = waiting
        self._checkpointer = checkpointer
        self._pool = pool
        self._runs = runs

    async def checkpointed_messages(
        self, thread_id: str, checkpoint_id: str | None = None
    ) -> list[BaseMessage] | None:
        """The thread's messages at its head (or `checkpoint_id`); None if it has no such checkpoint."""
        return (await self._checkpointed(thread_id, checkpoint_id))[0]

    async def _checkpointed(
        self, thread_id: str, checkpoint_id: str | None = None
    ) -> tuple[list[BaseMessage] | None, list[Interrupt]]:
        configurable = {"thread_id": thread_id}
        if checkpoint_id is not None:
            configurable["checkpoint_id"] = checkpoint_id
        state = await self._graph.aget_state({"configurable": configurable})
        if not state.values and not state.next:
            return None, []
        return list(state.values.get("messages", [])), [agui_interrupt(i) for i in state.interrupts]

    async def require(
        self, thread_id: str, *, active_run_id: str | None = None, has_checkpoint: bool | None = None
    ) -> None:
        """Raise NotFound unless the thread exists (what the caller already knows is not looked up)."""
        if active_run_id is not None or has_checkpoint:
            return
        if await rows.thread_exists(self._pool, thread_id=thread_id):
            return
        if has_checkpoint is None and await self.checkpointed_messages(thread_id) is not None:
            return
        raise NotFound(f"thread {thread_id} not found")

    async def page(self, *, limit: int, before: datetime | None) -> ThreadPage:
        """Threads, most recently updated first."""
        found = await rows.list_threads(self._pool, limit=limit, before=before)
        return ThreadPage(
            threads=[_summary(row) for row in found],
            next_before=found[-1]["updated_at"] if len(found) == limit else None,
        )

    async def view(self, thread_id: str) -> ThreadView:
        """The thread's messages from its checkpoint, with what its active run is appending."""
        messages, interrupts = await self._checkpointed(thread_id)
        active_run_id = await self._runs.active_run_id(thread_id)
        await self.require(thread_id, active_run_id=active_run_id, has_checkpoint=messages is not None)
        messages = messages or []
        if active_run_id is not None:
            messages += await self._unsaved_input(thread_id, active_run_id, {m.id for m in messages})
        return ThreadView(
            thread_id=thread_id,
            active_run_id=active_run_id,
            messages=agui_messages(messages),
            interrupts=[] if active_run_id else interrupts,
        )

    async def rows(self, thread_id: str, *, all_branches: bool = False) -> ThreadRows:
        """The thread's recorded message rows, oldest first: its current branch's, or all."""
        found = await rows.list_messages(self._pool, thread_id=thread_id)
        if not found:
            await self.require(thread_id, active_run_id=await self._runs.active_run_id(thread_id))
        places = await run_places(self._pool, thread_id=thread_id)
        placed = []
        for row in found:
            if (place := places.get(row["run_id"])) is not None:
                row |= {
                    "checkpoint_id": place.checkpoint_id,
                    "parent_checkpoint_id": place.parent_checkpoint_id,
                    "on_branch": place.on_branch,
                }
            if all_branches or row.get("on_branch", True):
                placed.append(MessageRow(**row))
        return ThreadRows(thread_id=thread_id, messages=placed)

    async def delete(self, thread_id: str) -> Deleted:
        """Delete the thread's checkpoints and rows; refused while a run holds it."""
        if (active_run_id := await self._runs.active_run_id(thread_id)) is not None:
            raise ThreadBusy(thread_id, active_run_id)
        await self.require(thread_id)
        await self._checkpointer.adelete_thread(thread_id)
        await rows.delete_thread(self._pool, thread_id=thread_id)
        return Deleted(thread_id=thread_id, deleted=True)

    async def cancel(self, thread_id: str) -> Cancelled:
        """Stop the thread's active run, wherever it runs, or abandon the interrupts it waits on."""
        run_id = await self._runs.cancel(thread_id)
        if run_id is None:
            await self.require(thread_id)
            abandoned = await self._runs.cancel_waiting(thread_id)
            return Cancelled(
                thread_id=thread_id, run_id=None, cancelled=bool(abandoned), interrupts=abandoned
            )
        return Cancelled(thread_id=thread_id, run_id=run_id, cancelled=True)

    async def _unsaved_input(self, thread_id: str, run_id: str, known: set[str | None]) -> list[BaseMessage]:
        """What the active run appends, which its checkpoint holds only once it ends (DURABILITY=exit)."""
        if (run := self._runs.local_run(run_id)) is not None:
            sent = run.input_messages
        else:  # another process runs it: its user rows were recorded when it started
            found = await rows.run_user_messages(self._pool, thread_id=thread_id, run_id=run_id)
            sent = [HumanMessage(row["content"], id=row["message_id"]) for row in found]
        return [m for m in sent if m.id not in known]


def _summary(row: dict[str, Any]) -> ThreadSummary:
    interrupts = json.loads(row.pop("interrupts", None) or "[]")
    return ThreadSummary(**row, waiting=bool(interrupts), interrupts=interrupts)
