"""Lone surrogates out of what a graph streams: model output and tool results become storable text.

A lone surrogate (U+D800 to U+DFFF on its own) is a valid Python `str` but not
Unicode text: UTF-8 cannot encode it, so the event's JSON, the message rows and
the client would all refuse it, and the run would fail. It reaches a graph from
outside (a model's JSON `"\\ud800"`, a tool reading bad bytes), so every stream
part is cleaned once, as it leaves `graph.astream`, before events or rows are
made from it: each lone surrogate becomes U+FFFD, the replacement character.
Tokens pay only an `isascii()` check. (The checkpoint holds what the graph
wrote; LangGraph's serializer stores a lone surrogate there as "?".)
"""

import re
from typing import Any

from langchain_core.messages import AIMessageChunk
from pydantic import BaseModel

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def without_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings replaced; the same object when it has none."""
    if isinstance(value, str):
        return value if value.isascii() or not has_surrogates(value) else _SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, list | tuple):
        items = [without_surrogates(v) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items)
    if isinstance(value, dict):
        cleaned = {k: without_surrogates(v) for k, v in value.items()}
        return value if all(cleaned[k] is v for k, v in value.items()) else cleaned
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            if (new := without_surrogates(old)) is not old:
                update[name] = new
        return value.model_copy(update=update) if update else value
    return value


def clean_part(mode: str, data: Any) -> Any:
    """A stream part's data, with lone surrogates replaced in what events and rows are made of."""
    if mode == "messages":
        chunk, metadata = data
        cleaned = clean_message(chunk)
        return data if cleaned is chunk else (cleaned, metadata)
    if mode == "tasks":
        return {**data, "result": without_surrogates(data["result"])} if "result" in data else data
    return without_surrogates(data)


def clean_message(message: Any) -> Any:
    """A streamed message (a token, mostly) without lone surrogates; the same object when it has none."""
    if isinstance(message, AIMessageChunk) and _plain_token(message):
        return message
    return without_surrogates(message)


def _plain_token(chunk: AIMessageChunk) -> bool:
    return isinstance(chunk.content, str) and chunk.content.isascii() and not chunk.tool_call_chunks
