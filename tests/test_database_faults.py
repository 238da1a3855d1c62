"""PostgreSQL restarts and failing row writes lose nothing; an unreachable database is one clear line.

These tests own their PostgreSQL (an embedded one in a temporary folder): they
restart it and break its tables, which must never touch a shared server.
"""

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pgserver
import pytest
from pgserver._commands import pg_ctl

from tests.checks import recorded
from tests.processes import ROOT, ServerProcess
from tests.sse import turn

FAIL_ROW_WRITES = """
CREATE OR REPLACE FUNCTION refuse_rows() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'message rows are refused for this test'; END $$;
CREATE TRIGGER refuse_rows BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_rows();
"""
ACCEPT_ROW_WRITES = "DROP TRIGGER refuse_rows ON messages"


@pytest.fixture(scope="module")
def own_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pgserver.PostgresServer]:
    server = pgserver.get_server(tmp_path_factory.mktemp("own-pg"), cleanup_mode="stop")
    yield server
    server.cleanup()


@pytest.fixture(scope="module")
def server_on_own_postgres(own_postgres: pgserver.PostgresServer, log_dir: Path) -> Iterator[ServerProcess]:
    env = {"DATABASE_URL": own_postgres.get_uri(), "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"}
    process = ServerProcess(env, log_dir).start()
    yield process
    process.stop()


async def test_the_next_turn_works_after_postgres_restarts(
    own_postgres: pgserver.PostgresServer, server_on_own_postgres: ServerProcess
) -> None:
    async with httpx.AsyncClient(base_url=server_on_own_postgres.url, timeout=30) as client:
        thread_id = (await turn(client, "my name is Edsger"))[0]["threadId"]
        await recorded(client, thread_id, 2)
        await asyncio.to_thread(
            pg_ctl, ["-w", "-m", "fast", "restart"], pgdata=own_postgres.pgdata, user=own_postgres.system_user
        )
        events = await turn(client, "what is my name?", thread_id)
        assert events[-1]["type"] == "RUN_FINISHED"
        assert "Your name is Edsger." in "".join(e.get("delta", "") for e in events)
        assert len(await recorded(client, thread_id, 4)) == 4
        assert (await client.get("/api/threads")).status_code == 200


async def test_row_writes_that_fail_land_once_the_database_accepts_them(
    own_postgres: pgserver.PostgresServer, server_on_own_postgres: ServerProcess
) -> None:
    connection = await asyncpg.connect(own_postgres.get_uri())
    try:
        await connection.execute(FAIL_ROW_WRITES)
        async with httpx.AsyncClient(base_url=server_on_own_postgres.url, timeout=30) as client:
            events = await turn(client, "what is 3 * 5?")
            assert events[-1]["type"] == "RUN_FINISHED"
            thread_id = events[0]["threadId"]
            await asyncio.sleep(0.5)  # let a few writes fail and retry
            assert (
                await connection.fetchval("SELECT count(*) FROM messages WHERE thread_id = $1", thread_id)
                == 0
            )
            await connection.execute(ACCEPT_ROW_WRITES)
            rows = await recorded(client, thread_id, 4)
            await asyncio.sleep(0.5)  # any duplicate would land by now
            assert [
                r["role"] for r in (await client.get(f"/api/threads/{thread_id}/messages")).json()["messages"]
            ] == ["user", "tool_call", "tool", "assistant"]
            assert len(rows) == 4
    finally:
        await connection.execute("DROP TRIGGER IF EXISTS refuse_rows ON messages")
        await connection.close()
    assert "retrying" in server_on_own_postgres.output()


def test_an_unreachable_database_is_one_clear_line() -> None:
    result = subprocess.run(
        [sys.executable, "main.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nowhere", "PORT": "0"},
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1


async def test_requests_while_postgres_is_down_get_503_and_the_server_recovers(
    own_postgres: pgserver.PostgresServer, server_on_own_postgres: ServerProcess
) -> None:
    async with httpx.AsyncClient(base_url=server_on_own_postgres.url, timeout=30) as client:
        await asyncio.to_thread(
            pg_ctl, ["-w", "-m", "fast", "stop"], pgdata=own_postgres.pgdata, user=own_postgres.system_user
        )
        try:
            down = await client.get("/api/threads")
            assert down.status_code == 503
            assert down.json()["error"]["code"] == "database_unavailable"
            assert (await client.get("/readyz")).status_code == 503
            refused = await client.post("/api/chat", json={"message": "hello?"})
            assert refused.status_code == 503 and refused.json()["error"]["code"] == "database_unavailable"
        finally:
            await asyncio.to_thread(own_postgres.ensure_postgres_running)
        assert (await client.get("/api/threads")).status_code == 200
        assert (await turn(client, "back again"))[-1]["type"] == "RUN_FINISHED"
