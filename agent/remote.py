"""Following a run that another server process is running.

The follower asks the owner (NOTIFY run_follow) to copy the run's events into
`run_events`, reads them from there, and is woken by NOTIFY run_events. When
nothing arrives for a while it checks that the owner is still alive: a run
whose process died ends for its followers with RUN_ERROR `run_lost`.
"""

import asyncio
from collections.abc import AsyncIterator

from ag_ui.core import RunErrorEvent

from agent.run import TERMINAL_TYPES
from db.runs import EVENTS_CHANNEL, FOLLOW_CHANNEL, RunCoordinator

LIVENESS_CHECK_SECONDS = 2.0
RUN_LOST = RunErrorEvent(
    code="run_lost",
    message="The server process running this turn stopped before it finished. "
    "The thread is free again; send your message again.",
).model_dump_json(by_alias=True)


class RemoteRuns:
    def __init__(self, coordinator: RunCoordinator) -> None:
        self._coordinator = coordinator
        self._waiters: dict[str, set[asyncio.Event]] = {}

    async def open(self) -> None:
        await self._coordinator.listen(EVENTS_CHANNEL, self._events_published)

    async def follow(self, run_id: str, after: int) -> AsyncIterator[tuple[int, str]]:
        """The run's events after `after`, as its owner publishes them."""
        wake = asyncio.Event()
        self._waiters.setdefault(run_id, set()).add(wake)
        try:
            await self._coordinator.notify(FOLLOW_CHANNEL, run_id)
            seq = after
            while True:
                wake.clear()
                for stored_seq, data in await self._coordinator.stored_events(run_id=run_id, after=seq):
                    seq = stored_seq
                    yield seq, data
                    if data.startswith(TERMINAL_TYPES):
                        return
                try:
                    await asyncio.wait_for(wake.wait(), LIVENESS_CHECK_SECONDS)
                except TimeoutError:
                    state = await self._coordinator.run_state(run_id=run_id)
                    if state is None or state["owner_gone"] or state["status"] == "lost":
                        await self._coordinator.mark_lost(run_id=run_id)
                        yield seq + 1, RUN_LOST
                        return
                    if state["status"] != "running" and not wake.is_set():
                        return  # finished, and its owner no longer has its events
        finally:
            waiters = self._waiters[run_id]
            waiters.discard(wake)
            if not waiters:
                del self._waiters[run_id]

    def _events_published(self, run_id: str) -> None:
        for wake in self._waiters.get(run_id, ()):
            wake.set()
