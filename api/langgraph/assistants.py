"""Assistants: the served graph is the one assistant, whose id is the graph's name."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from agent.lg_json import plain
from api.deps import ResourcesDep
from api.resources import Resources
from errors import NotFound

router = APIRouter(prefix="/assistants", tags=["langgraph"])
CREATED_AT = datetime.now(UTC)


class AssistantSearch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    graph_id: str | None = None
    name: str | None = None
    metadata: dict[str, Any] | None = None
    limit: int = 10
    offset: int = 0


def _assistant(resources: Resources, assistant_id: str) -> dict[str, Any]:
    graph_id = resources.langgraph.graph_id
    if assistant_id != graph_id:
        raise NotFound(f"assistant {assistant_id} not found")
    return {
        "assistant_id": graph_id,
        "graph_id": graph_id,
        "name": graph_id,
        "description": None,
        "config": {},
        "context": {},
        "metadata": {"created_by": "system"},
        "version": 1,
        "created_at": CREATED_AT.isoformat(),
        "updated_at": CREATED_AT.isoformat(),
    }


@router.post("/search")
async def search(query: AssistantSearch, resources: ResourcesDep) -> list[dict[str, Any]]:
    """The assistants matching the query: the served graph, or none."""
    assistant = _assistant(resources, resources.langgraph.graph_id)
    matches = query.graph_id in (None, assistant["graph_id"]) and query.name in (None, assistant["name"])
    matches &= all(assistant["metadata"].get(k) == v for k, v in (query.metadata or {}).items())
    return [assistant] if matches and query.offset == 0 and query.limit > 0 else []


@router.get("/{assistant_id}")
async def get(assistant_id: str, resources: ResourcesDep) -> dict[str, Any]:
    """The assistant."""
    return _assistant(resources, assistant_id)


@router.get("/{assistant_id}/graph")
async def graph(
    assistant_id: str, resources: ResourcesDep, xray: Annotated[int | bool, Query()] = False
) -> dict[str, Any]:
    """The graph's nodes and edges."""
    _assistant(resources, assistant_id)
    return plain(resources.graph.get_graph(xray=xray).to_json())


@router.get("/{assistant_id}/schemas")
async def schemas(assistant_id: str, resources: ResourcesDep) -> dict[str, Any]:
    """The graph's input, output, state, config and context JSON schemas."""
    _assistant(resources, assistant_id)
    graph = resources.graph
    return {
        "graph_id": resources.langgraph.graph_id,
        "input_schema": graph.get_input_jsonschema(),
        "output_schema": graph.get_output_jsonschema(),
        "state_schema": graph.get_input_jsonschema(),
        "config_schema": graph.get_config_jsonschema(),
        "context_schema": graph.get_context_jsonschema(),
    }
