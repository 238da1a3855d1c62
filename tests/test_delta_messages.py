"""The default graph's message reducer gives the same list however its writes are batched."""

from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage
from langgraph.graph.message import add_messages

from agent.delta import add_message_batches

WRITES = [
    [HumanMessage("one", id="1")],
    [AIMessage("two", id="2")],
    [AIMessage("two, edited", id="2"), HumanMessage("three", id="3")],
    [RemoveMessage(id="1")],
    [HumanMessage("one again", id="1")],
    AIMessage("four", id="4"),
]


def fold(writes: list) -> list:
    messages: list = []
    for write in writes:
        messages = add_messages(messages, write)
    return messages


def test_one_batch_equals_add_messages_write_by_write() -> None:
    assert add_message_batches([], WRITES) == fold(WRITES)


def test_any_split_into_batches_gives_the_same_list() -> None:
    for cut in range(len(WRITES) + 1):
        assert add_message_batches(add_message_batches([], WRITES[:cut]), WRITES[cut:]) == fold(WRITES)


def test_the_base_list_is_left_alone() -> None:
    base = [HumanMessage("zero", id="0")]
    add_message_batches(base, WRITES[:3])
    assert [m.id for m in base] == ["0"]
