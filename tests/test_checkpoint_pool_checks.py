"""The checkpointer's pool hands out live connections without a round trip to prove it each time."""

import psycopg

from db.pools import checkpoint_pool
from settings import Settings

LAST_QUERY = "SELECT query FROM pg_stat_activity WHERE pid = %s"


async def test_a_healthy_idle_connection_is_handed_out_without_a_check_query(database_url: str) -> None:
    settings = Settings(database_url=database_url, db_pool_size=2)
    async with checkpoint_pool(database_url, settings) as pool:
        async with pool.connection() as conn:
            pid = conn.info.backend_pid
            await conn.execute("SELECT 'the last query'")
        async with pool.connection() as conn, await psycopg.AsyncConnection.connect(database_url) as admin:
            assert conn.info.backend_pid == pid
            last = await (await admin.execute(LAST_QUERY, [pid])).fetchone()
            assert last == ("SELECT 'the last query'",)  # psycopg_pool's check would have sent ""


async def test_a_connection_the_server_ended_is_replaced_on_checkout(database_url: str) -> None:
    settings = Settings(database_url=database_url, db_pool_size=2)
    async with checkpoint_pool(database_url, settings) as pool:
        async with pool.connection() as conn:
            ended = conn.info.backend_pid
        async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as admin:
            await admin.execute("SELECT pg_terminate_backend(%s, 5000)", [ended])  # returns once it is gone
        async with pool.connection() as conn:
            assert await (await conn.execute("SELECT 1 AS one")).fetchone() == {"one": 1}
            assert conn.info.backend_pid != ended
