"""A deleted thread stays deleted: row writes still pending when it was deleted never bring it back.

This test owns its PostgreSQL (an embedded one in a temporary folder), since it
slows down the `messages` table with a trigger.
"""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pgserver
import pytest

from tests.processes import ServerProcess
from tests.sse import turn

SLOW_ROW_WRITES = """
CREATE FUNCTION slow_rows() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN PERFORM pg_sleep(0.5); RETURN NULL; END $$;
CREATE TRIGGER slow_rows BEFORE INSERT ON messages FOR EACH STATEMENT EXECUTE FUNCTION slow_rows();
"""
PENDING_WRITES = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
  AND query LIKE '%record_messages%'
"""


@pytest.fixture(scope="module")
def slow_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pgserver.PostgresServer]:
    server = pgserver.get_server(tmp_path_factory.mktemp("slow-rows-pg"), cleanup_mode="stop")
    yield server
    server.cleanup()


async def test_rows_pending_at_delete_do_not_bring_the_thread_back(
    slow_postgres: pgserver.PostgresServer, start_server, log_dir: Path
) -> None:
    url = slow_postgres.get_uri()
    server: ServerProcess = start_server(
        {"DATABASE_URL": url, "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"}
    )
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(SLOW_ROW_WRITES)
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            thread_id = (await turn(client, "hello, slow rows"))[0]["threadId"]
            deleted = await client.delete(f"/api/threads/{thread_id}")
            assert deleted.status_code == 200, deleted.text
            for _ in range(100):  # until the writes that were pending have run (and been refused)
                if await conn.fetchval(PENDING_WRITES) == 0:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.6)  # a write retried after a failure starts again within this
            assert await conn.fetchval("SELECT count(*) FROM messages WHERE thread_id = $1", thread_id) == 0
            assert (await client.get(f"/api/threads/{thread_id}")).status_code == 404

            again = await turn(client, "the same id, a new conversation", thread_id)
            assert again[-1]["type"] == "RUN_FINISHED"
            for _ in range(100):
                count = await conn.fetchval("SELECT count(*) FROM messages WHERE thread_id = $1", thread_id)
                if count == 2:
                    break
                await asyncio.sleep(0.1)
            assert count == 2, "a new turn on a deleted thread's id is recorded"
    finally:
        await conn.execute("DROP TRIGGER IF EXISTS slow_rows ON messages")
        await conn.close()
