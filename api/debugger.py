"""What the debug page reads to show the graph: its shape, a thread's state, a thread's runs."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from agent.graph_shape import GraphShape, graph_shape
from agent.thread_runs import ThreadRuns, thread_runs
from agent.thread_state import ThreadState, thread_state
from api.deps import ResourcesDep
from settings import THREAD_ID_PATTERN

router = APIRouter()

ThreadIdPath = Annotated[str, Path(pattern=THREAD_ID_PATTERN)]


@router.get("/api/graph", response_model=GraphShape)
async def graph(resources: ResourcesDep) -> GraphShape:
    """The served graph's nodes and edges, subgraphs drawn inside the nodes that run them."""
    return graph_shape(await resources.graph.aget_graph(xray=True))


@router.get("/api/threads/{thread_id}/state", response_model=ThreadState)
async def state(
    thread_id: ThreadIdPath,
    resources: ResourcesDep,
    checkpoint_id: Annotated[str | None, Query(max_length=200, description="Default: the latest.")] = None,
) -> ThreadState:
    """Every channel of the thread's state at a checkpoint, with the nodes that run next."""
    return await thread_state(
        graph=resources.graph,
        threads=resources.threads,
        runs=resources.runs,
        thread_id=thread_id,
        checkpoint_id=checkpoint_id,
    )


@router.get("/api/threads/{thread_id}/runs", response_model=ThreadRuns)
async def runs(
    thread_id: ThreadIdPath, resources: ResourcesDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> ThreadRuns:
    """The thread's runs, newest first: outcome, duration, time to first token, tokens, usage."""
    return await thread_runs(pool=resources.pool, threads=resources.threads, thread_id=thread_id, limit=limit)
