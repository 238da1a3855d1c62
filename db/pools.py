"""The two connection pools: asyncpg for our tables, psycopg for the checkpointer."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from settings import Settings


@asynccontextmanager
async def asyncpg_pool(url: str, settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    """A pool for message rows, thread listings and run bookkeeping."""
    pool = await asyncpg.create_pool(
        url,
        min_size=1,
        max_size=settings.db_pool_size,
        max_inactive_connection_lifetime=settings.db_max_idle_seconds,
        statement_cache_size=100 if settings.db_prepared_statements else 0,
    )
    try:
        yield pool
    finally:
        await pool.close()


@asynccontextmanager
async def checkpoint_pool(url: str, settings: Settings) -> AsyncIterator[AsyncConnectionPool]:
    """A pool for `AsyncPostgresSaver`, checked on checkout so dropped connections heal."""
    pool: AsyncConnectionPool[AsyncConnection] = AsyncConnectionPool(
        url,
        min_size=1,
        max_size=settings.db_pool_size,
        max_idle=settings.db_max_idle_seconds,
        check=AsyncConnectionPool.check_connection,
        kwargs={
            "autocommit": True,
            "row_factory": dict_row,
            # psycopg prepares a statement after it ran this many times; None never does.
            "prepare_threshold": 0 if settings.db_prepared_statements else None,
        },
        open=False,
    )
    await pool.open(wait=True, timeout=30)
    try:
        yield pool
    finally:
        await pool.close()
