"""Several server processes on one database: cancels, followers and liveness across processes.

The protocol, over PostgreSQL's LISTEN/NOTIFY (payload: a run id):

- `run_cancel` asks the process running a run to cancel it; that process
  answers on `run_cancel_ack`. A request is sent again each second until it is
  answered, the run ends, or `CANCEL_DELIVERY_SECONDS` pass: a cancel that
  reached nobody is never reported as delivered.
- `run_follow` asks the owner to copy a run's events into `run_events`; only
  then does it (batched every `PUBLISH_INTERVAL`), so one process alone pays
  nothing for this. `run_events` wakes the followers when a batch landed.
- A follower that hears nothing for `LIVENESS_CHECK_SECONDS` checks that the
  run's thread is still held by its owner; a run whose process died ends for
  its followers with RUN_ERROR `run_lost`.
"""

import asyncio
from collections.abc import AsyncIterator, Callable

from ag_ui.core import RunErrorEvent

from background import BackgroundTasks
from db.runs import RunCoordinator, RunState
from errors import CancelNotDelivered
from runs.buffer import Event, IteratorFeed
from runs.run import Run

CANCEL_CHANNEL = "run_cancel"
CANCEL_ACK_CHANNEL = "run_cancel_ack"
FOLLOW_CHANNEL = "run_follow"
EVENTS_CHANNEL = "run_events"

PUBLISH_INTERVAL = 0.05
LIVENESS_CHECK_SECONDS = 2.0
CANCEL_RESEND_SECONDS = 1.0
CANCEL_DELIVERY_SECONDS = 5.0

RUN_LOST_MESSAGE = (
    "The server process running this turn stopped before it finished. "
    "The thread is free again; send your message again."
)


def run_lost(message: str = RUN_LOST_MESSAGE) -> RunErrorEvent:
    return RunErrorEvent(code="run_lost", message=message)


class Cluster:
    """This process's part in the protocol above; `local` finds a run this process runs."""

    def __init__(self, coordinator: RunCoordinator, local: Callable[[str], Run | None]) -> None:
        self._coordinator = coordinator
        self._local = local
        self._tasks = BackgroundTasks("cluster")
        self._publishing: set[str] = set()
        self._event_waiters: dict[str, set[asyncio.Event]] = {}
        self._cancel_acks: dict[str, set[asyncio.Event]] = {}

    async def open(self) -> None:
        await self._coordinator.listen(CANCEL_CHANNEL, self._cancel_requested)
        await self._coordinator.listen(CANCEL_ACK_CHANNEL, self._cancel_acknowledged)
        await self._coordinator.listen(FOLLOW_CHANNEL, self._follow_requested)
        await self._coordinator.listen(EVENTS_CHANNEL, self._events_published)

    async def close(self) -> None:
        await self._tasks.cancel()

    async def cancel(self, run_id: str) -> bool:
        """Cancel a run another process runs; False if it had already ended.

        Raises CancelNotDelivered when the run goes on and no process took the request.
        """
        acked = asyncio.Event()
        self._cancel_acks.setdefault(run_id, set()).add(acked)
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + CANCEL_DELIVERY_SECONDS
            while loop.time() < deadline:
                await self._coordinator.notify(CANCEL_CHANNEL, run_id)
                try:
                    await asyncio.wait_for(acked.wait(), CANCEL_RESEND_SECONDS)
                    return True
                except TimeoutError:
                    state = await self._coordinator.run_state(run_id=run_id)
                    if state is None or state.status != "running" or state.owner_gone:
                        return False
            raise CancelNotDelivered(f"the process running run {run_id} did not take the cancel; try again")
        finally:
            _discard(self._cancel_acks, run_id, acked)

    def follow(self, state: RunState, after: int) -> IteratorFeed:
        """The events of a run another process runs (or ran), after `after`."""
        return IteratorFeed(self._events(state, after))

    def _cancel_requested(self, run_id: str) -> None:
        if (run := self._local(run_id)) is not None:
            run.cancel()
            self._tasks.spawn(self._coordinator.notify(CANCEL_ACK_CHANNEL, run_id), name="cancel ack")

    def _cancel_acknowledged(self, run_id: str) -> None:
        for acked in self._cancel_acks.get(run_id, ()):
            acked.set()

    def _follow_requested(self, run_id: str) -> None:
        if (run := self._local(run_id)) is not None and run_id not in self._publishing:
            self._publishing.add(run_id)
            self._tasks.spawn(self._publish(run), name=f"publish {run_id}")

    async def _publish(self, run: Run) -> None:
        """Copy the run's events to the database for followers in other processes."""
        events = run.follow(0)
        try:
            while True:
                done = run.done
                if ready := events.ready():
                    await self._coordinator.publish_events(
                        run_id=run.run_id, events=ready, channel=EVENTS_CHANNEL
                    )
                if done:
                    return
                await run.changed()
                await asyncio.sleep(PUBLISH_INTERVAL)
        finally:
            self._publishing.discard(run.run_id)

    def _events_published(self, run_id: str) -> None:
        for wake in self._event_waiters.get(run_id, ()):
            wake.set()

    async def _events(self, state: RunState, after: int) -> AsyncIterator[Event]:
        run_id = state.run_id
        wake = asyncio.Event()
        self._event_waiters.setdefault(run_id, set()).add(wake)
        try:
            await self._coordinator.notify(FOLLOW_CHANNEL, run_id)
            seq = after
            while True:
                wake.clear()
                for stored_seq, data in await self._coordinator.stored_events(run_id=run_id, after=seq):
                    seq = stored_seq
                    yield seq, data
                if state.last_seq is not None and seq >= state.last_seq:
                    return
                try:
                    await asyncio.wait_for(wake.wait(), LIVENESS_CHECK_SECONDS)
                    timed_out = False
                except TimeoutError:
                    timed_out = True
                state = await self._coordinator.run_state(run_id=run_id) or state
                if state.owner_gone or state.status == "lost":
                    await self._coordinator.mark_lost(run_id=run_id)
                    yield seq + 1, run_lost().model_dump_json(by_alias=True)
                    return
                if timed_out and state.status != "running" and not wake.is_set():
                    return  # finished, and its owner no longer has its events
        finally:
            _discard(self._event_waiters, run_id, wake)


def _discard(waiters: dict[str, set[asyncio.Event]], run_id: str, event: asyncio.Event) -> None:
    events = waiters.get(run_id)
    if events is not None:
        events.discard(event)
        if not events:
            del waiters[run_id]
