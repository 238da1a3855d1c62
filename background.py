"""Background tasks with an owner: kept until done, failures logged, awaited or cancelled at shutdown.

The event loop holds only a weak reference to a task, so a task nobody keeps
can be garbage-collected mid-flight (ruff's RUF006). Every fire-and-forget job
of the server (row writes, event publishing, notification handlers, sweeps)
goes through one of these.
"""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundTasks:
    def __init__(self, name: str) -> None:
        self._name = name
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, coroutine: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
        """Run `coroutine` in the background; a failure is logged with its traceback."""
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    async def drain(self, within: float | None = None) -> None:
        """Wait for every task; after `within` seconds, log and cancel the rest."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=within)
        for task in pending:
            log.error("%s: %s did not finish before shutdown", self._name, task.get_name())
        await self.cancel(pending)

    async def cancel(self, tasks: set[asyncio.Task[Any]] | None = None) -> None:
        """Cancel `tasks` (all by default) and wait until they have stopped."""
        tasks = set(self._tasks) if tasks is None else tasks
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("%s: %s failed", self._name, task.get_name(), exc_info=error)
