"""The interrupts a thread waits on, mirrored in `threads.interrupts` for the thread list.

The checkpoint is where an interrupt lives; this column is a copy written when a
run ends, so listing threads and refusing a new message need no checkpoint read.
"""

import json
from typing import Any

import asyncpg

SET_INTERRUPTS = """
INSERT INTO threads AS t (thread_id, interrupts) VALUES ($1, $2::jsonb)
ON CONFLICT (thread_id) DO UPDATE SET interrupts = EXCLUDED.interrupts
"""

CLEAR_INTERRUPTS = "UPDATE threads SET interrupts = NULL WHERE thread_id = $1 AND interrupts IS NOT NULL"


async def set_interrupts(pool: asyncpg.Pool, *, thread_id: str, interrupts: list[dict[str, Any]]) -> None:
    """Record what the thread waits on now; an empty list clears it."""
    if interrupts:
        await pool.execute(SET_INTERRUPTS, thread_id, json.dumps(interrupts))
    else:
        await pool.execute(CLEAR_INTERRUPTS, thread_id)
