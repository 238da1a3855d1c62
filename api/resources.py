"""Everything the server holds open, created once in the lifespan and torn down in reverse."""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import asyncpg
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.store.postgres import AsyncPostgresStore

from agent.delta import delta_channels
from agent.graph import load_graph
from agent.history import History
from agent.openai_messages import use_plain_answer_dicts
from agent.openai_streams import use_fast_streams
from agent.threads import Threads
from api.sse import Shutdown
from background import BackgroundTasks
from db.checkpoints import PoolPostgresSaver, serialize_checkpoints_inline, walk_delta_history_in_short_pages
from db.embedded import embedded_postgres
from db.pools import asyncpg_pool, checkpoint_pool
from db.recorder import MessageRecorder
from db.retention import Retention
from db.runs import RunCoordinator
from db.schema import migrate
from runs.langgraph import LangGraphApi, langgraph_api
from runs.registry import RunRegistry
from runs.waiting import WaitingThreads
from settings import Settings

log = logging.getLogger(__name__)
DRAIN_TIMEOUT = 30.0


@dataclass(frozen=True)
class Resources:
    settings: Settings
    pool: asyncpg.Pool
    checkpointer: AsyncPostgresSaver
    store: AsyncPostgresStore
    graph: Any
    runs: RunRegistry
    threads: Threads
    history: History
    shutdown: Shutdown
    langgraph: LangGraphApi


@asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[Resources]:
    async with AsyncExitStack() as stack:
        url = settings.database_url
        if url is None:
            url = await stack.enter_async_context(embedded_postgres(settings.data_dir))
            log.info("using the embedded PostgreSQL in %s", settings.data_dir.resolve())
        pool = await stack.enter_async_context(asyncpg_pool(url, settings))
        await migrate(pool)
        checkpoints = await stack.enter_async_context(checkpoint_pool(url, settings))
        serialize_checkpoints_inline()
        walk_delta_history_in_short_pages()
        checkpointer = PoolPostgresSaver(checkpoints)
        await checkpointer.setup()
        store = AsyncPostgresStore(checkpoints)
        await store.setup()
        use_fast_streams(settings.fast_model_streams)
        use_plain_answer_dicts(settings.fast_model_streams)
        graph = load_graph(settings.graph, checkpointer=checkpointer, settings=settings, store=store)

        coordinator = RunCoordinator(url, pool)
        await coordinator.open()
        stack.push_async_callback(coordinator.close)
        recorder = MessageRecorder(pool)
        stack.push_async_callback(recorder.drain, DRAIN_TIMEOUT)
        waiting = WaitingThreads(graph=graph, pool=pool)
        runs = RunRegistry(
            graph=graph, coordinator=coordinator, recorder=recorder, settings=settings, waiting=waiting
        )
        await runs.open()
        stack.push_async_callback(runs.shutdown)
        retention = Retention(
            pool=pool,
            checkpointer=checkpointer,
            delta_channels=delta_channels(graph),
            history_turns=settings.history_turns,
            thread_ttl=settings.thread_ttl,
            every=settings.retention_sweep_seconds,
        )
        retention.open()
        stack.push_async_callback(retention.close)

        # sse-starlette sets this on SIGTERM, for every open stream: the runs begin to drain then.
        shutdown = Shutdown(event=anyio.Event(), grace_seconds=settings.shutdown_grace_seconds)
        watcher = BackgroundTasks("shutdown watcher")
        watcher.spawn(_drain_on(shutdown, runs), name="drain on shutdown")
        stack.push_async_callback(watcher.cancel)

        langgraph = langgraph_api(graph=graph, runs=runs, pool=pool, settings=settings)
        stack.push_async_callback(langgraph.runs.close)

        yield Resources(
            settings=settings,
            pool=pool,
            checkpointer=checkpointer,
            store=store,
            graph=graph,
            runs=runs,
            threads=Threads(graph=graph, checkpointer=checkpointer, pool=pool, runs=runs, waiting=waiting),
            history=History(graph=graph, checkpointer=checkpointer),
            shutdown=shutdown,
            langgraph=langgraph,
        )


async def _drain_on(shutdown: Shutdown, runs: RunRegistry) -> None:
    await shutdown.event.wait()
    runs.begin_drain()
