"""A thread's checkpoint history: GET /api/threads/{id}/history."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from agent.history import CHECKPOINT_ID_PATTERN, HistoryPage
from api.deps import ResourcesDep
from settings import THREAD_ID_PATTERN

router = APIRouter(prefix="/api/threads")


@router.get("/{thread_id}/history", response_model=HistoryPage)
async def history(
    thread_id: Annotated[str, Path(pattern=THREAD_ID_PATTERN)],
    resources: ResourcesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    before: Annotated[
        str | None, Query(pattern=CHECKPOINT_ID_PATTERN, description="checkpoint_id of the last one seen")
    ] = None,
    values: Annotated[bool, Query(description="include each checkpoint's state values")] = False,
) -> HistoryPage:
    """The thread's checkpoints, newest first, on every branch."""
    await resources.threads.require(thread_id)
    found = await resources.history.page(thread_id, limit=limit, before=before, with_values=values)
    return HistoryPage(
        thread_id=thread_id,
        checkpoints=found,
        next_before=found[-1].checkpoint_id if len(found) == limit else None,
    )
