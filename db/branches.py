"""Which checkpoint each run wrote, and whether it lies on the thread's current branch.

Read with our own SQL from the checkpoint saver's `checkpoints` table (its
columns are pinned by `tests/test_checkpoint_contract.py`). The head is the
newest root checkpoint, as `aget_state` takes it; the branch is its chain of
parents.
"""

from dataclasses import dataclass

import asyncpg

SELECT_RUN_CHECKPOINTS = """
WITH RECURSIVE branch AS (
    (SELECT checkpoint_id, parent_checkpoint_id FROM checkpoints
     WHERE thread_id = $1 AND checkpoint_ns = '' ORDER BY checkpoint_id DESC LIMIT 1)
    UNION ALL
    SELECT c.checkpoint_id, c.parent_checkpoint_id
    FROM checkpoints c JOIN branch b ON c.checkpoint_id = b.parent_checkpoint_id
    WHERE c.thread_id = $1 AND c.checkpoint_ns = ''
)
SELECT DISTINCT ON (run_id)
       c.metadata ->> 'run_id' AS run_id, c.checkpoint_id, c.parent_checkpoint_id,
       EXISTS (SELECT 1 FROM branch b WHERE b.checkpoint_id = c.checkpoint_id) AS on_branch
FROM checkpoints c
WHERE c.thread_id = $1 AND c.checkpoint_ns = '' AND c.metadata ? 'run_id'
ORDER BY run_id, on_branch DESC, c.checkpoint_id DESC
"""


@dataclass(frozen=True, slots=True)
class RunPlace:
    """Where a run's turn landed: its newest checkpoint (on the branch if it has one there)."""

    checkpoint_id: str
    parent_checkpoint_id: str | None
    on_branch: bool


async def run_places(pool: asyncpg.Pool, *, thread_id: str) -> dict[str, RunPlace]:
    """Run id -> where its turn landed, for every run that wrote a checkpoint on the thread."""
    found = await pool.fetch(SELECT_RUN_CHECKPOINTS, thread_id)
    return {
        row["run_id"]: RunPlace(row["checkpoint_id"], row["parent_checkpoint_id"], row["on_branch"])
        for row in found
    }
