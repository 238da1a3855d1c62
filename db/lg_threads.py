"""Threads of the LangGraph Server API: their metadata and times, beside the threads our rows know."""

import json
from typing import Any

import asyncpg

INSERT_THREAD = """
INSERT INTO lg_threads (thread_id, metadata) VALUES ($1, $2::jsonb)
ON CONFLICT (thread_id) DO NOTHING
RETURNING thread_id
"""

# A run stamps its thread; `metadata` merges, so a client's keys stay.
TOUCH_THREAD = """
INSERT INTO lg_threads AS t (thread_id, metadata) VALUES ($1, $2::jsonb)
ON CONFLICT (thread_id) DO UPDATE SET metadata = t.metadata || EXCLUDED.metadata, updated_at = now()
"""

UPDATE_METADATA = """
UPDATE lg_threads SET metadata = metadata || $2::jsonb, updated_at = now() WHERE thread_id = $1
RETURNING thread_id
"""

DELETE_THREAD = "DELETE FROM lg_threads WHERE thread_id = $1"

# Every thread, whichever door made it: ours (message rows) and this API's (lg_threads).
SELECT_THREADS = """
SELECT thread_id,
       jsonb_build_object('graph_id', $1::text) || COALESCE(l.metadata, '{}') AS metadata,
       LEAST(l.created_at, t.created_at) AS created_at,
       GREATEST(l.updated_at, t.updated_at) AS updated_at
FROM lg_threads l FULL OUTER JOIN threads t USING (thread_id)
WHERE ($2::text[] IS NULL OR thread_id = ANY($2))
  AND jsonb_build_object('graph_id', $1::text) || COALESCE(l.metadata, '{}') @> $3::jsonb
ORDER BY {order}
LIMIT $4 OFFSET $5
"""

ORDERS = {
    ("created_at", "desc"): "created_at DESC, thread_id DESC",
    ("created_at", "asc"): "created_at ASC, thread_id ASC",
    ("updated_at", "desc"): "updated_at DESC, thread_id DESC",
    ("updated_at", "asc"): "updated_at ASC, thread_id ASC",
    ("thread_id", "desc"): "thread_id DESC",
    ("thread_id", "asc"): "thread_id ASC",
}
SELECT_ORDERED = {key: SELECT_THREADS.replace("{order}", order) for key, order in ORDERS.items()}


async def create_thread(pool: asyncpg.Pool, *, thread_id: str, metadata: dict[str, Any]) -> bool:
    """Record a new thread; False when it was there already."""
    return await pool.fetchval(INSERT_THREAD, thread_id, json.dumps(metadata)) is not None


async def touch_thread(pool: asyncpg.Pool, *, thread_id: str, metadata: dict[str, Any]) -> None:
    """Record that a run uses the thread, merging `metadata` into its own."""
    await pool.execute(TOUCH_THREAD, thread_id, json.dumps(metadata))


async def update_metadata(pool: asyncpg.Pool, *, thread_id: str, metadata: dict[str, Any]) -> bool:
    return await pool.fetchval(UPDATE_METADATA, thread_id, json.dumps(metadata)) is not None


async def delete_thread(pool: asyncpg.Pool, *, thread_id: str) -> None:
    await pool.execute(DELETE_THREAD, thread_id)


async def find_threads(
    pool: asyncpg.Pool,
    *,
    graph_id: str,
    thread_ids: list[str] | None,
    metadata: dict[str, Any],
    sort_by: str,
    sort_order: str,
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    """Threads whose metadata contains `metadata`, in the order asked."""
    query = SELECT_ORDERED[(sort_by, sort_order)]
    found = await pool.fetch(query, graph_id, thread_ids, json.dumps(metadata), limit, offset)
    return [{**dict(row), "metadata": json.loads(row["metadata"])} for row in found]
