"""Threads waiting on a person: what a turn may do to one, and what a run leaves behind.

Called with the thread held (its run's advisory lock), so two resumes of one
interrupt cannot both pass: the second finds it answered. A new message to a
waiting thread is refused (`interrupt_pending`): LangGraph would drop the
interrupted task and leave its tool call unanswered. The checkpoint decides;
`threads.interrupts` is its copy, read first so an ordinary turn costs one
small query rather than a checkpoint read.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
from ag_ui.core import Interrupt, ResumeEntry
from langgraph.constants import END

from agent.interrupts import agui_interrupt, answer_rows, cancelled_results, interrupt_rows, resume_map
from agent.rows import rows_for
from db.interrupts import set_interrupts
from db.messages import MessageRow
from errors import InterruptNotPending, InterruptPending


class WaitingThreads:
    def __init__(self, *, graph: Any, pool: asyncpg.Pool) -> None:
        self._graph = graph
        self._pool = pool

    async def pending(self, thread_id: str) -> list[Interrupt]:
        """The interrupts the thread's checkpoint waits on, as AG-UI interrupts."""
        state = await self._graph.aget_state({"configurable": {"thread_id": thread_id}})
        return [agui_interrupt(i) for i in state.interrupts]

    async def admit(
        self, thread_id: str, resume: Sequence[ResumeEntry] | None, *, recorded: bool
    ) -> dict[str, Any] | None:
        """Check a turn against what the thread waits on; the resume map of `Command(resume=...)`.

        `recorded`: the thread's last run ended waiting on a person (`threads.interrupts`,
        read when the thread was taken); only then is its checkpoint read for a new message.
        """
        if resume is None:
            if not recorded:
                return None
            if waiting := await self.pending(thread_id):
                raise InterruptPending(thread_id, [i.id for i in waiting])
            await set_interrupts(self._pool, thread_id=thread_id, interrupts=[])
            return None
        waiting = await self.pending(thread_id)
        if not waiting:
            raise InterruptNotPending(thread_id, [entry.interrupt_id for entry in resume])
        return resume_map(thread_id, resume, [i.id for i in waiting])

    async def settle(
        self, thread_id: str, *, interrupts: Sequence[Interrupt], resumed: bool, cancelled: bool
    ) -> None:
        """Record what the thread waits on after a run (nothing to do for most turns)."""
        if interrupts and not cancelled:
            rows = [i.model_dump(mode="json", by_alias=True, exclude_none=True) for i in interrupts]
            await set_interrupts(self._pool, thread_id=thread_id, interrupts=rows)
        elif resumed:
            await set_interrupts(self._pool, thread_id=thread_id, interrupts=[])

    async def cancel(self, thread_id: str) -> tuple[list[str], list[MessageRow]]:
        """Abandon the thread's open interrupts (their tool calls answered as cancelled): ids and rows."""
        config = {"configurable": {"thread_id": thread_id}}
        state = await self._graph.aget_state(config)
        if not state.interrupts:
            return [], []
        waiting = [agui_interrupt(i) for i in state.interrupts]
        asker = next((task.name for task in state.tasks if task.interrupts), None)
        results = cancelled_results(state.values.get("messages", []), waiting)
        await self._graph.aupdate_state(config, None, as_node=END)  # drops the waiting tasks
        if results and asker is not None:
            await self._graph.aupdate_state(config, {"messages": results}, as_node=asker)
        await set_interrupts(self._pool, thread_id=thread_id, interrupts=[])
        now = datetime.now(UTC)
        cancelled = answer_rows({i.id: {"type": "cancelled"} for i in waiting}, now=now)
        return [i.id for i in waiting], [*rows_for(list(results)), *cancelled]


def run_rows(interrupts: Sequence[Interrupt], answers: dict[str, Any] | None) -> list[MessageRow]:
    """The rows of a run's interrupts and of the answers it resumed with."""
    now = datetime.now(UTC)
    return [*answer_rows(answers or {}, now=now), *interrupt_rows(interrupts, now=now)]
