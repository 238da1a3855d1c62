"""Giving a connection back to our asyncpg pool costs no round trip, and still leaves no transaction open."""

import asyncpg
import pytest

from db.pools import asyncpg_pool
from settings import Settings


async def test_a_released_connection_runs_no_reset_query(database_url: str) -> None:
    settings = Settings(database_url=database_url, db_pool_size=2)
    async with asyncpg_pool(database_url, settings) as pool:
        sent: list[str] = []
        async with pool.acquire() as conn:
            conn.add_query_logger(lambda record: sent.append(record.query))
            await conn.fetchval("SELECT 1")
        assert sent == ["SELECT 1"]  # and nothing on release


async def test_a_transaction_left_open_is_rolled_back_on_release(database_url: str) -> None:
    settings = Settings(database_url=database_url, db_pool_size=2)
    async with asyncpg_pool(database_url, settings) as pool:
        with pytest.raises(asyncpg.DivisionByZeroError):
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT 1 / 0")
        async with pool.acquire() as conn:
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT 1") == 1
