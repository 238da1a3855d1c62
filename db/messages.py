"""Message rows and the threads table: what the thread list and history views read."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

# Row writes and deletes of one thread exclude each other (a transaction-scoped advisory lock,
# shared by writers), so a write still in flight when a thread is deleted either lands before
# the delete, which removes it, or runs after it and sees the tombstone.
LOCK_ROWS = "SELECT pg_advisory_xact_lock($1)"

# The rows, then their thread (created on its first rows, titled by the first write that has a
# title, counted by the rows actually inserted). After a delete, only runs that started since
# (their `runs` row exists: the delete removed the older ones) may record rows. The function
# (db/schema.py, migration 6) takes the shared lock, then inserts: one round trip.
RECORD_MESSAGES = "SELECT record_messages($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"

SELECT_THREADS = """
SELECT thread_id, title, created_at, updated_at, message_count, interrupts FROM threads
WHERE $2::timestamptz IS NULL OR updated_at < $2
ORDER BY updated_at DESC, thread_id DESC
LIMIT $1
"""

SELECT_MESSAGES = """
SELECT run_id, message_id, role, content, tool_name, tool_call_id, tool_args, created_at
FROM messages WHERE thread_id = $1 ORDER BY created_at, id
"""

SELECT_RUN_USER_MESSAGES = """
SELECT message_id, content FROM messages
WHERE thread_id = $1 AND run_id = $2 AND role = 'user' ORDER BY created_at, id
"""

SELECT_THREAD_EXISTS = "SELECT EXISTS (SELECT 1 FROM threads WHERE thread_id = $1)"
DELETE_THREAD = "DELETE FROM threads WHERE thread_id = $1"
DELETE_RUNS = "DELETE FROM runs WHERE thread_id = $1"
INSERT_TOMBSTONE = """
INSERT INTO deleted_threads (thread_id) VALUES ($1)
ON CONFLICT (thread_id) DO UPDATE SET deleted_at = now()
"""


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One recorded message: user, assistant, tool_call or tool."""

    message_id: str
    role: str
    content: str
    created_at: datetime
    tool_name: str | None = None
    tool_call_id: str | None = None
    tool_args: str | None = None  # JSON text


async def insert_messages(
    pool: asyncpg.Pool,
    *,
    thread_id: str,
    run_id: str | None,
    title: str | None,
    rows: list[MessageRow],
) -> None:
    """Record `rows` once each (a repeated write inserts nothing) and update the thread."""
    await pool.execute(
        RECORD_MESSAGES,
        thread_id,
        run_id,
        [r.message_id for r in rows],
        [r.role for r in rows],
        [r.content for r in rows],
        [r.tool_name for r in rows],
        [r.tool_call_id for r in rows],
        [r.tool_args for r in rows],
        [r.created_at for r in rows],
        title,
        min(r.created_at for r in rows),
        max(r.created_at for r in rows),
        rows_lock_key(thread_id),
    )


async def list_threads(pool: asyncpg.Pool, *, limit: int, before: datetime | None) -> list[dict[str, Any]]:
    """Threads, most recently updated first."""
    return [dict(row) for row in await pool.fetch(SELECT_THREADS, limit, before)]


async def list_messages(pool: asyncpg.Pool, *, thread_id: str) -> list[dict[str, Any]]:
    """A thread's recorded rows, oldest first."""
    return [dict(row) for row in await pool.fetch(SELECT_MESSAGES, thread_id)]


async def run_user_messages(pool: asyncpg.Pool, *, thread_id: str, run_id: str) -> list[dict[str, Any]]:
    """The user rows a run recorded when it started."""
    return [dict(row) for row in await pool.fetch(SELECT_RUN_USER_MESSAGES, thread_id, run_id)]


async def thread_exists(pool: asyncpg.Pool, *, thread_id: str) -> bool:
    return bool(await pool.fetchval(SELECT_THREAD_EXISTS, thread_id))


async def delete_thread(pool: asyncpg.Pool, *, thread_id: str) -> None:
    """Remove a thread's rows and its runs, for good: row writes still pending are dropped."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(LOCK_ROWS, rows_lock_key(thread_id))
        await conn.execute(DELETE_THREAD, thread_id)
        await conn.execute(DELETE_RUNS, thread_id)
        await conn.execute(INSERT_TOMBSTONE, thread_id)


def rows_lock_key(thread_id: str) -> int:
    """The advisory lock key of a thread's rows (apart from its run lock's)."""
    digest = hashlib.blake2b(thread_id.encode(), digest_size=8, person=b"thread-rows").digest()
    return int.from_bytes(digest, "big", signed=True)
