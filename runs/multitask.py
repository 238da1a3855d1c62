"""What a new run does when its thread already has one: `multitask_strategy`, for every door.

- `reject` (the default): 409 thread_busy, as always;
- `interrupt`: cancel the active run (its partial answer is kept), then start;
- `rollback`: cancel the active run without saving its partial answer, then start;
- `enqueue`: wait until the thread is free, then start (the request waits; there
  is no pending run in between).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Literal

from errors import NotFound, ThreadBusy
from runs.registry import RunRegistry
from runs.run import Run

Strategy = Literal["reject", "enqueue", "interrupt", "rollback"]
NEVER = 2**31 - 1  # a sequence number no run reaches: following after it waits for the end


async def wait_until_ended(runs: RunRegistry, run_id: str) -> None:
    """Return once the run has ended, wherever it runs."""
    try:
        feed = await runs.follow(run_id, NEVER)
    except NotFound:
        return
    if feed is not None:
        async for _ in feed:
            pass


async def start_with_strategy(
    runs: RunRegistry,
    *,
    thread_id: str,
    strategy: Strategy,
    start: Callable[[], Awaitable[Run]],
    rollback: Callable[[str], None] | None = None,
) -> Run:
    """`start()`, dealing with a run that holds the thread as `strategy` says."""
    while True:
        try:
            return await start()
        except ThreadBusy as busy:
            active = busy.details.get("run_id")
            if strategy == "reject" or not isinstance(active, str):
                if strategy == "reject":
                    raise
                await asyncio.sleep(0.05)  # the holder is ending: look again
                continue
            if strategy == "rollback" and rollback is not None:
                rollback(active)
            if strategy in ("interrupt", "rollback"):
                await runs.cancel(thread_id)
            await wait_until_ended(runs, active)
