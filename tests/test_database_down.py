"""With PostgreSQL down every endpoint answers 503 at once; a pool that is merely busy still waits its turn.

These tests own their PostgreSQL (an embedded one in a temporary folder): they
stop it and lock its tables, which must never touch a shared server.
"""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pgserver
import pytest
from pgserver._commands import pg_ctl

from tests.processes import ServerProcess
from tests.sse import turn

# The guard against waiting out the checkpoint pool (15 s and more before the fix): a client
# that gives up after a few seconds fails the test with a ReadTimeout instead.
GUARD = httpx.Timeout(5)
WAITING_ON_A_LOCK = (
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%checkpoint%'"
)


@pytest.fixture(scope="module")
def own_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pgserver.PostgresServer]:
    server = pgserver.get_server(tmp_path_factory.mktemp("down-pg"), cleanup_mode="stop")
    yield server
    server.cleanup()


def start(own_postgres: pgserver.PostgresServer, log_dir: Path, **env: str) -> ServerProcess:
    base = {"DATABASE_URL": own_postgres.get_uri(), "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"}
    return ServerProcess({**base, **env}, log_dir).start()


@pytest.fixture(scope="module")
def server(own_postgres: pgserver.PostgresServer, log_dir: Path) -> Iterator[ServerProcess]:
    process = start(own_postgres, log_dir)
    yield process
    process.stop()


async def reads_wait_on_the_lock(locker: asyncpg.Connection) -> None:
    """Until the server's checkpoint pool has a connection stuck behind the lock."""
    for _ in range(600):
        if await locker.fetchval(WAITING_ON_A_LOCK) >= 1:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the server's reads never reached the locked table")


def every_endpoint(thread_id: str) -> list[tuple[str, str, dict | None]]:
    agui = {
        "threadId": thread_id,
        "runId": "down-run",
        "messages": [{"id": "down-msg", "role": "user", "content": "hello?"}],
        "state": {},
        "tools": [],
        "context": [],
        "forwardedProps": {},
    }
    return [
        ("GET", "/api/threads", None),
        ("GET", f"/api/threads/{thread_id}", None),
        ("GET", f"/api/threads/{thread_id}/messages", None),
        ("DELETE", f"/api/threads/{thread_id}", None),
        ("POST", f"/api/threads/{thread_id}/cancel", None),
        ("POST", "/api/chat", {"message": "hello?", "thread_id": thread_id}),
        ("GET", f"/chat?message=hello&thread_id={thread_id}", None),
        ("POST", "/agui", agui),
        ("GET", "/api/runs/no-such-run/stream", None),
    ]


async def test_every_endpoint_answers_503_at_once_while_postgres_is_down(
    own_postgres: pgserver.PostgresServer, server: ServerProcess
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=GUARD) as client:
        thread_id = (await turn(client, "my name is Barbara"))[0]["threadId"]
        await asyncio.to_thread(
            pg_ctl, ["-w", "-m", "fast", "stop"], pgdata=own_postgres.pgdata, user=own_postgres.system_user
        )
        try:
            for method, path, body in every_endpoint(thread_id):
                response = await client.request(method, path, json=body)
                assert response.status_code == 503, (method, path, response.text)
                assert response.json()["error"]["code"] == "database_unavailable", (method, path)
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["error"] == {"code": "not_ready", "message": "the database does not answer"}
            assert "readyz: the database does not answer: " in server.output()  # the detail is logged
        finally:
            await asyncio.to_thread(own_postgres.ensure_postgres_running)
        assert (await client.get(f"/api/threads/{thread_id}")).status_code == 200
        events = await turn(client, "what is my name?", thread_id)
        assert "Your name is Barbara." in "".join(e.get("delta", "") for e in events)


async def test_a_busy_checkpoint_pool_waits_its_turn(
    own_postgres: pgserver.PostgresServer, log_dir: Path
) -> None:
    small = start(own_postgres, log_dir, DB_POOL_SIZE="2")
    try:
        async with httpx.AsyncClient(base_url=small.url, timeout=30) as client:
            thread_id = (await turn(client, "hello"))[0]["threadId"]
            assert (await client.get(f"/api/threads/{thread_id}")).status_code == 200
            locker = await asyncpg.connect(own_postgres.get_uri())
            try:
                transaction = locker.transaction()
                await transaction.start()
                await locker.execute("LOCK TABLE checkpoints IN ACCESS EXCLUSIVE MODE")
                reads = [asyncio.create_task(client.get(f"/api/threads/{thread_id}")) for _ in range(8)]
                await reads_wait_on_the_lock(locker)
                await asyncio.sleep(1.5)  # the other reads wait for a connection, past the down check
                await transaction.rollback()
                responses = await asyncio.gather(*reads)
            finally:
                await locker.close()
        assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
    finally:
        small.stop()
