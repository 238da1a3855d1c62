"""The checkpoint serializer: LangGraph's, but messages are rebuilt without being validated again.

Why: each turn loads the thread's whole message history from its checkpoint,
and the stock msgpack hook rebuilds every message as `cls(**fields)`:
`importlib.import_module` and the allowlist per object, then LangChain's
`__init__` and a full pydantic validation of fields that were dumped from a
validated message (`model_dump()`). At 400 messages that was 4–5 ms of a
turn's CPU and of its time to first token, 9–11 µs a message whatever the
text's length (about 3 µs this way), the largest part of what a long thread
cost more than a new one.

How: a message whose stored fields are exactly its class's fields (it was
dumped by this version of that class) is rebuilt as `model_construct` would
rebuild it, setting pydantic's four documented instance attributes directly
(`model_construct` itself walks the fields in Python and costs three times
as much): the same message, equal in every field and attribute
(`tests/test_checkpoint_serde.py` compares it with the stock hook's over
generated messages of every kind). Anything else, a message dumped by
another version of LangChain (whose validators may still have to translate it)
or any other type, goes to the stock hook, allowlist and all; only LangChain's
own message classes, which the stock allowlist always admits, take the short
way. Writing is the stock serializer's, so the stored bytes do not change.

Upstream details leaned on, each pinned by `tests/test_checkpoint_serde.py`:
the serializer's `_unpack_ext_hook` attribute (the stock hook, allowlist
applied), the ext codes `EXT_PYDANTIC_V2` and `EXT_DELTA_SNAPSHOT` and the
`(module, name, fields, method)` tuple the first carries, and
`_DeltaSnapshot`, the wrapper of a `DeltaChannel` snapshot (no upstream issue
asks for a faster or pluggable message hook yet).
"""

from typing import Any

import ormsgpack
from langchain_core import messages as lc_messages
from langchain_core.messages import BaseMessage
from langgraph.checkpoint.serde.jsonplus import EXT_DELTA_SNAPSHOT, EXT_PYDANTIC_V2, JsonPlusSerializer
from langgraph.checkpoint.serde.types import _DeltaSnapshot

MESSAGE_CLASSES: dict[tuple[str, str], tuple[type[BaseMessage], frozenset[str]]] = {
    (cls.__module__, cls.__name__): (cls, frozenset(cls.model_fields))
    for cls in (getattr(lc_messages, name) for name in lc_messages.__all__)
    if isinstance(cls, type)
    and issubclass(cls, BaseMessage)
    and cls.__module__.startswith("langchain_core.")
    and cls.model_config.get("extra") == "allow"
    and not cls.__private_attributes__
}


def rebuilt(cls: type[BaseMessage], fields: dict[str, Any]) -> BaseMessage:
    """What `cls.model_construct(**fields)` returns when `fields` names every field once, set directly."""
    message = cls.__new__(cls)
    object.__setattr__(message, "__dict__", fields)
    object.__setattr__(message, "__pydantic_fields_set__", set(fields))
    object.__setattr__(message, "__pydantic_extra__", {})
    object.__setattr__(message, "__pydantic_private__", None)
    return message


class CheckpointSerializer(JsonPlusSerializer):
    """`JsonPlusSerializer` whose msgpack loads rebuild LangChain messages as `model_construct` would."""

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        type_, payload = data
        if type_ != "msgpack":
            return super().loads_typed(data)
        return ormsgpack.unpackb(payload, ext_hook=self._ext_hook, option=ormsgpack.OPT_NON_STR_KEYS)

    def _ext_hook(self, code: int, data: bytes) -> Any:
        if code == EXT_PYDANTIC_V2 and (message := self._message(data)) is not None:
            return message
        if code == EXT_DELTA_SNAPSHOT:
            return _DeltaSnapshot(
                ormsgpack.unpackb(data, ext_hook=self._ext_hook, option=ormsgpack.OPT_NON_STR_KEYS)
            )
        return self._unpack_ext_hook(code, data)

    def _message(self, data: bytes) -> BaseMessage | None:
        """The LangChain message stored in `data` with exactly its class's fields; None for anything else."""
        stored = ormsgpack.unpackb(data, ext_hook=self._ext_hook, option=ormsgpack.OPT_NON_STR_KEYS)
        if not (isinstance(stored, list) and len(stored) >= 3 and isinstance(stored[2], dict)):
            return None
        module, name, fields = stored[0], stored[1], stored[2]
        known = (
            MESSAGE_CLASSES.get((module, name)) if isinstance(module, str) and isinstance(name, str) else None
        )
        if known is None or fields.keys() != known[1]:
            return None
        return rebuilt(known[0], fields)
