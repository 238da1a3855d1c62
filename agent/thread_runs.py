"""The runs of a thread as the debug page lists them: outcome, duration, time to first token, tokens."""

from datetime import datetime

import asyncpg
from pydantic import BaseModel

from agent.threads import Threads
from db.run_list import list_thread_runs


class RunUsage(BaseModel):
    input_tokens: int
    output_tokens: int
    total_tokens: int


class RunSummary(BaseModel):
    run_id: str
    status: str  # running, success, error, cancelled or lost
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    first_token_ms: int | None  # from the run's start to its first text token
    tokens: int | None  # text tokens streamed
    usage: RunUsage | None  # as the model reported it
    events: int | None  # how many events it sent (its last sequence number)


class ThreadRuns(BaseModel):
    thread_id: str
    runs: list[RunSummary]  # newest first; a run is listed for RUN_RETENTION_SECONDS after it ends


async def thread_runs(*, pool: asyncpg.Pool, threads: Threads, thread_id: str, limit: int) -> ThreadRuns:
    """The thread's runs, newest first; NotFound for an unknown thread."""
    rows = await list_thread_runs(pool, thread_id=thread_id, limit=limit)
    if not rows:
        await threads.require(thread_id)
    return ThreadRuns(thread_id=thread_id, runs=[_summary(row) for row in rows])


def _summary(row: dict) -> RunSummary:
    started, finished = row["started_at"], row["finished_at"]
    used_in, used_out = row["input_tokens"], row["output_tokens"] or 0
    return RunSummary(
        run_id=row["run_id"],
        status=row["status"],
        started_at=started,
        finished_at=finished,
        duration_ms=round((finished - started).total_seconds() * 1000) if finished else None,
        first_token_ms=row["first_token_ms"],
        tokens=row["tokens"],
        usage=None
        if used_in is None
        else RunUsage(input_tokens=used_in, output_tokens=used_out, total_tokens=used_in + used_out),
        events=row["last_seq"],
    )
