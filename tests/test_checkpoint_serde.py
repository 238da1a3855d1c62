"""The checkpoint serializer rebuilds a thread's messages exactly as LangGraph's own does, only faster.

It also pins what `db/serde.py` leans on in `langgraph.checkpoint.serde`: the
serializer's `_unpack_ext_hook`, the ext codes and the tuple a pydantic object
is stored as, and `_DeltaSnapshot`.
"""

from typing import Any

import ormsgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.checkpoint.serde import _msgpack as lg_msgpack
from langgraph.checkpoint.serde.jsonplus import EXT_DELTA_SNAPSHOT, EXT_PYDANTIC_V2, JsonPlusSerializer
from langgraph.checkpoint.serde.types import _DeltaSnapshot

from db.checkpoints import PoolPostgresSaver
from db.serde import MESSAGE_CLASSES, CheckpointSerializer
from tests.message_strategies import MESSAGES

STOCK = JsonPlusSerializer()
OURS = CheckpointSerializer()


def assert_same_message(ours: Any, stock: Any) -> None:
    assert type(ours) is type(stock)
    assert list(ours.__dict__.items()) == list(stock.__dict__.items())  # fields, values and their order
    assert ours.model_fields_set == stock.model_fields_set
    assert ours.__pydantic_extra__ == stock.__pydantic_extra__
    assert ours.__pydantic_private__ == stock.__pydantic_private__
    assert ours == stock


def loaded_both_ways(value: Any) -> tuple[Any, Any]:
    stored = STOCK.dumps_typed(value)
    assert OURS.dumps_typed(value) == stored  # writing is the stock serializer's
    return OURS.loads_typed(stored), STOCK.loads_typed(stored)


@settings(max_examples=300)
@given(message=MESSAGES)
def test_a_message_loads_as_the_stock_serializer_loads_it(message: BaseMessage) -> None:
    ours, stock = loaded_both_ways(message)
    assert_same_message(ours, stock)


@given(messages=st.lists(MESSAGES, max_size=6))
def test_a_history_loads_as_the_stock_serializer_loads_it_in_a_list_a_snapshot_and_a_dict(
    messages: list[BaseMessage],
) -> None:
    for value in (messages, _DeltaSnapshot(messages), {"messages": messages, "step": 3}):
        ours, stock = loaded_both_ways(value)
        assert type(ours) is type(stock)
        found = ours.value if isinstance(ours, _DeltaSnapshot) else ours
        expected = stock.value if isinstance(stock, _DeltaSnapshot) else stock
        if isinstance(expected, dict):
            assert found["step"] == expected["step"]
            found, expected = found["messages"], expected["messages"]
        assert len(found) == len(expected)
        for one, other in zip(found, expected, strict=True):
            assert_same_message(one, other)


def stored_as(cls: type[BaseMessage], fields: dict[str, Any]) -> tuple[str, bytes]:
    """A message as LangGraph stores one, with the fields given (as an older LangChain may have)."""
    packed = ormsgpack.packb((cls.__module__, cls.__name__, fields, "model_validate_json"))
    return "msgpack", ormsgpack.packb(ormsgpack.Ext(EXT_PYDANTIC_V2, packed))


def test_a_message_stored_by_another_langchain_is_validated_as_the_stock_serializer_does() -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1}'}}
    older = stored_as(AIMessage, {"content": "", "type": "ai", "additional_kwargs": {"tool_calls": [call]}})
    ours, stock = OURS.loads_typed(older), STOCK.loads_typed(older)
    assert_same_message(ours, stock)
    assert ours.tool_calls == [{"name": "add", "args": {"a": 1}, "id": "call_1", "type": "tool_call"}]


def test_other_types_load_through_the_stock_hook() -> None:
    from datetime import UTC, datetime
    from uuid import UUID

    value = {"at": datetime(2026, 12, 3, tzinfo=UTC), "id": UUID(int=7), "items": {1, 2}, "text": "x"}
    assert loaded_both_ways(value)[0] == value


def test_only_classes_the_stock_allowlist_always_admits_take_the_short_way() -> None:
    assert {"AIMessage", "HumanMessage", "ToolMessage", "SystemMessage"} <= {
        name for _, name in MESSAGE_CLASSES
    }
    assert set(MESSAGE_CLASSES) <= lg_msgpack.SAFE_MSGPACK_TYPES
    strict = CheckpointSerializer(allowed_msgpack_modules=None)
    stored = STOCK.dumps_typed(HumanMessage("hi", id="h1"))
    assert_same_message(strict.loads_typed(stored), STOCK.loads_typed(stored))


def test_langgraph_still_has_what_the_serializer_leans_on() -> None:
    assert callable(JsonPlusSerializer()._unpack_ext_hook)
    stored = STOCK.dumps_typed(_DeltaSnapshot([HumanMessage("hi", id="h1")]))[1]
    snapshot = ormsgpack.unpackb(stored, ext_hook=lambda code, data: (code, data))
    assert snapshot[0] == EXT_DELTA_SNAPSHOT
    [message] = ormsgpack.unpackb(snapshot[1], ext_hook=lambda code, data: (code, data))
    assert message[0] == EXT_PYDANTIC_V2
    module, name, fields, method = ormsgpack.unpackb(message[1])
    assert (module, name, method) == ("langchain_core.messages.human", "HumanMessage", "model_validate_json")
    assert fields == HumanMessage("hi", id="h1").model_dump()


def test_a_serializer_with_a_wider_allowlist_still_takes_the_short_way() -> None:
    wider = CheckpointSerializer(allowed_msgpack_modules=None).with_msgpack_allowlist(
        [("decimal", "Decimal")]
    )
    assert isinstance(wider, CheckpointSerializer)
    stored = STOCK.dumps_typed(AIMessage("hello", id="a1"))
    assert_same_message(wider.loads_typed(stored), STOCK.loads_typed(stored))


async def test_the_saver_uses_it_unless_given_another() -> None:
    assert isinstance(PoolPostgresSaver(None).serde, CheckpointSerializer)
    assert type(PoolPostgresSaver(None, serde=JsonPlusSerializer()).serde) is JsonPlusSerializer


def test_an_odd_pydantic_payload_loads_as_the_stock_serializer_loads_it() -> None:
    fields = HumanMessage("hi", id="h1").model_dump()
    for stored in [
        ("langchain_core.messages.human", "HumanMessage"),
        ("langchain_core.messages.human", "HumanMessage", "not fields", "model_validate_json"),
        (["not", "a name"], "HumanMessage", fields, "model_validate_json"),
        ("langchain_core.messages.human", "NoSuchMessage", fields, "model_validate_json"),
        {"not": "a tuple"},
    ]:
        data = ("msgpack", ormsgpack.packb(ormsgpack.Ext(EXT_PYDANTIC_V2, ormsgpack.packb(stored))))
        try:
            expected = STOCK.loads_typed(data)
        except Exception as refused:
            with pytest.raises(type(refused)):
                OURS.loads_typed(data)
        else:
            assert OURS.loads_typed(data) == expected
