"""Values of a graph as the LangGraph Server API writes them: plain JSON, messages as LangChain dicts."""

import dataclasses
from typing import Any

import orjson
from langgraph.types import Interrupt, Send
from pydantic import BaseModel


def _default(value: Any) -> Any:
    if isinstance(value, Interrupt):
        return {"value": value.value, "id": value.id}
    if isinstance(value, Send):
        return {"node": value.node, "arg": value.arg}
    if isinstance(value, BaseModel):
        return value.model_dump()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, set | frozenset):
        return list(value)
    if isinstance(value, Exception):
        return {"error": type(value).__name__, "message": str(value)}
    return repr(value)


def dumps(value: Any) -> str:
    """`value` as JSON text, LangChain messages, interrupts and pydantic models included."""
    return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS).decode()


def plain(value: Any) -> Any:
    """`value` as plain JSON data (dicts, lists, strings, numbers)."""
    return orjson.loads(dumps(value))
