"""The two connection pools: asyncpg for our tables, psycopg for the checkpointer."""

import asyncio
import select
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import psycopg
from psycopg import AsyncConnection
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from settings import Settings


def database_address(url: str) -> str:
    """Where `url` points, for the log: database, host and port (never the password)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:  # connecting will say what is wrong with it
        return "an unreadable DATABASE_URL"
    database = parts.get("dbname") or parts.get("user") or "(default)"
    return f"database {database} at {parts.get('host') or 'the default socket'}:{parts.get('port') or 5432}"


# A checkout that waits longer than this asks the database whether it answers at all.
DOWN_CHECK_AFTER = 0.5
PROBE_TIMEOUT = 2.0  # psycopg's smallest connect_timeout
PROBE_KEEPS = 1.0  # how long a database that answered is believed without asking again


class CheckpointPool(AsyncConnectionPool[AsyncConnection]):
    """A psycopg pool that fails at once when the database is down, and waits its turn when it is busy.

    psycopg_pool answers a checkout only with a connection or, after `timeout`,
    `PoolTimeout`: with the database down, every request on the checkpointer
    waited out the pool's reconnect attempts (15 s and more) before its 503. A
    checkout still waiting after DOWN_CHECK_AFTER now opens one connection of
    its own (one at a time, shared by every waiter): if that fails, its
    `OperationalError` is the answer (503 `database_unavailable`); if it
    succeeds, the pool is merely busy and the checkout waits as before.
    """

    _probe: "asyncio.Task[None] | None" = None
    _answered_at = float("-inf")

    async def getconn(self, timeout: float | None = None) -> AsyncConnection:  # noqa: ASYNC109 (psycopg_pool's signature)
        try:
            return await super().getconn(timeout=DOWN_CHECK_AFTER)
        except PoolTimeout:
            await self._database_answers()
        return await super().getconn(timeout)

    async def _database_answers(self) -> None:
        if time.monotonic() - self._answered_at < PROBE_KEEPS:
            return
        if self._probe is None or self._probe.done():
            self._probe = asyncio.create_task(self._connect_once())
        await asyncio.shield(self._probe)
        self._answered_at = time.monotonic()

    async def _connect_once(self) -> None:
        async with asyncio.timeout(PROBE_TIMEOUT + 1):
            connection = await AsyncConnection.connect(self.conninfo, connect_timeout=PROBE_TIMEOUT)
        await connection.close()


async def keep_session(connection: asyncpg.Connection) -> None:
    """Release without asyncpg's reset query (`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL`), a round trip each time a connection goes back: ours leave nothing in the session.

    Session locks and LISTEN live on the run registry's control connection
    (db/runs.py), which is not from this pool; pooled connections take only
    transaction-scoped locks. asyncpg still rolls back a transaction left open
    and drops listeners before calling this.
    """


@asynccontextmanager
async def asyncpg_pool(url: str, settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    """A pool for message rows, thread listings and run bookkeeping."""
    pool = await asyncpg.create_pool(
        url,
        min_size=1,
        max_size=settings.db_pool_size,
        max_inactive_connection_lifetime=settings.db_max_idle_seconds,
        statement_cache_size=100 if settings.db_prepared_statements else 0,
        reset=keep_session,
    )
    try:
        yield pool
    finally:
        await pool.close()


async def check_if_readable(connection: AsyncConnection) -> None:
    """psycopg_pool's check on checkout, run only when the idle connection's socket has something to say.

    An idle connection has nothing to read until the server ends it (a restart,
    `pg_terminate_backend`, an idle timeout): then it holds the server's goodbye
    or EOF, and the full check (a round trip) finds it dead so the pool replaces
    it. Checking every checkout cost a round trip each, five a turn, about a tenth
    of a turn's CPU.
    """
    if connection.closed or select.select([connection.fileno()], [], [], 0)[0]:
        await AsyncConnectionPool.check_connection(connection)


@asynccontextmanager
async def checkpoint_pool(url: str, settings: Settings) -> AsyncIterator[AsyncConnectionPool]:
    """A pool for `AsyncPostgresSaver`, checked on checkout (when needed) so dropped connections heal."""
    pool = CheckpointPool(
        url,
        min_size=1,
        max_size=settings.db_pool_size,
        max_idle=settings.db_max_idle_seconds,
        check=check_if_readable,
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
