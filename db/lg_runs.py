"""Runs as the LangGraph Server API lists them: rows of the `runs` table, whichever door started them."""

from typing import Any

import asyncpg

from db.runs import HOLDS_LOCK

SELECT_THREAD_RUNS = f"""
SELECT run_id, thread_id, started_at, COALESCE(finished_at, started_at) AS updated_at,
       CASE WHEN status = 'running' AND NOT {HOLDS_LOCK} THEN 'lost' ELSE status END AS status
FROM runs WHERE thread_id = $1 AND ($4::text IS NULL OR status = $4)
ORDER BY started_at DESC, run_id DESC
LIMIT $2 OFFSET $3
"""

SELECT_RUN = f"""
SELECT run_id, thread_id, started_at, COALESCE(finished_at, started_at) AS updated_at,
       CASE WHEN status = 'running' AND NOT {HOLDS_LOCK} THEN 'lost' ELSE status END AS status
FROM runs WHERE run_id = $1 AND thread_id = $2
"""

SELECT_RUN_THREAD = "SELECT thread_id FROM runs WHERE run_id = $1"

SELECT_LAST_STATUS = "SELECT status FROM runs WHERE thread_id = $1 ORDER BY started_at DESC LIMIT 1"

DELETE_RUN = "DELETE FROM runs WHERE run_id = $1 AND thread_id = $2 AND status <> 'running' RETURNING run_id"


async def thread_runs(
    pool: asyncpg.Pool, *, thread_id: str, limit: int, offset: int, status: str | None
) -> list[dict[str, Any]]:
    return [dict(row) for row in await pool.fetch(SELECT_THREAD_RUNS, thread_id, limit, offset, status)]


async def thread_run(pool: asyncpg.Pool, *, thread_id: str, run_id: str) -> dict[str, Any] | None:
    row = await pool.fetchrow(SELECT_RUN, run_id, thread_id)
    return dict(row) if row else None


async def run_thread(pool: asyncpg.Pool, *, run_id: str) -> str | None:
    return await pool.fetchval(SELECT_RUN_THREAD, run_id)


async def last_status(pool: asyncpg.Pool, *, thread_id: str) -> str | None:
    """The status of the thread's latest run, if it has one still kept."""
    return await pool.fetchval(SELECT_LAST_STATUS, thread_id)


async def delete_run(pool: asyncpg.Pool, *, thread_id: str, run_id: str) -> bool:
    return await pool.fetchval(DELETE_RUN, run_id, thread_id) is not None
