"""The store: LangGraph's `AsyncPostgresStore`, shared with the graph; put, get, delete, search, list."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from langgraph.store.base import Item
from pydantic import BaseModel, ConfigDict, Field

from agent.lg_json import plain
from api.deps import ResourcesDep
from errors import InvalidRequest, NotFound

router = APIRouter(prefix="/store", tags=["langgraph"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PutItem(Strict):
    namespace: list[str]
    key: str
    value: dict[str, Any]
    index: bool | list[str] | None = None
    ttl: float | None = Field(None, description="Not implemented: refused unless null.")


class DeleteItem(Strict):
    namespace: list[str]
    key: str


class SearchItems(Strict):
    namespace_prefix: list[str] = []
    filter: dict[str, Any] | None = None
    limit: int = Field(10, ge=1, le=1000)
    offset: int = Field(0, ge=0)
    query: str | None = Field(None, description="Not implemented (no index): refused unless null.")
    refresh_ttl: bool | None = None


class ListNamespaces(Strict):
    prefix: list[str] | None = None
    suffix: list[str] | None = None
    max_depth: int | None = Field(None, ge=1)
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


def _item(item: Item) -> dict[str, Any]:
    return plain(item.dict())


@router.put("/items", status_code=204)
async def put_item(body: PutItem, resources: ResourcesDep) -> Response:
    """Store `value` under `namespace` and `key`."""
    if body.ttl is not None:
        raise InvalidRequest("ttl is not implemented by this server")
    index = False if body.index is False else None
    await resources.store.aput(tuple(body.namespace), body.key, body.value, index=index)
    return Response(status_code=204)


@router.get("/items")
async def get_item(
    resources: ResourcesDep,
    key: str,
    namespace: Annotated[str, Query(description="The namespace's labels joined by dots.")] = "",
    refresh_ttl: bool | None = None,
) -> dict[str, Any]:
    """The item stored under `namespace` and `key`."""
    path = tuple(namespace.split(".")) if namespace else ()
    item = await resources.store.aget(path, key)
    if item is None:
        raise NotFound(f"no item {key!r} in namespace {namespace!r}")
    return _item(item)


@router.delete("/items", status_code=204)
async def delete_item(body: DeleteItem, resources: ResourcesDep) -> Response:
    """Delete the item under `namespace` and `key`."""
    await resources.store.adelete(tuple(body.namespace), body.key)
    return Response(status_code=204)


@router.post("/items/search")
async def search_items(body: SearchItems, resources: ResourcesDep) -> dict[str, list[dict[str, Any]]]:
    """Items under a namespace prefix whose value matches `filter`."""
    if body.query is not None:
        raise InvalidRequest("query is not implemented by this server (the store has no index)")
    found = await resources.store.asearch(
        tuple(body.namespace_prefix), filter=body.filter, limit=body.limit, offset=body.offset
    )
    return {"items": [_item(item) for item in found]}


@router.post("/namespaces")
async def list_namespaces(body: ListNamespaces, resources: ResourcesDep) -> dict[str, list[list[str]]]:
    """The namespaces in the store, under `prefix` and over `suffix`, cut at `max_depth`."""
    found = await resources.store.alist_namespaces(
        prefix=tuple(body.prefix) if body.prefix else None,
        suffix=tuple(body.suffix) if body.suffix else None,
        max_depth=body.max_depth,
        limit=body.limit,
        offset=body.offset,
    )
    return {"namespaces": [list(namespace) for namespace in found]}
