"""A thread's runs, newest first, as the `runs` table keeps them for the retention period."""

from typing import Any

import asyncpg

from db.runs import HOLDS_LOCK

# A 'running' row whose process no longer holds the thread died with that process: it is lost.
SELECT_THREAD_RUNS = f"""
SELECT run_id,
       CASE WHEN status = 'running' AND NOT {HOLDS_LOCK} THEN 'lost' ELSE status END AS status,
       started_at, finished_at, last_seq, first_token_ms, tokens, input_tokens, output_tokens
FROM runs WHERE thread_id = $1
ORDER BY started_at DESC, run_id DESC LIMIT $2
"""


async def list_thread_runs(pool: asyncpg.Pool, *, thread_id: str, limit: int) -> list[dict[str, Any]]:
    return [dict(row) for row in await pool.fetch(SELECT_THREAD_RUNS, thread_id, limit)]
