"""The default graph's state: `messages` as a `DeltaChannel`, so each checkpoint stores only its new messages.

With a plain `add_messages` channel every checkpoint stores the whole message
list again, and a thread with its full history costs storage quadratic in its
length. `DeltaChannel` (LangGraph 1.2, beta) stores each step's writes and a
full snapshot every `SNAPSHOT_EVERY` updates; a checkpoint is rebuilt from the
nearest snapshot and the writes after it.
"""

from collections.abc import Sequence
from typing import Annotated, Any

from langchain_core.messages import AnyMessage, RemoveMessage
from langgraph.channels import DeltaChannel
from langgraph.graph.message import add_messages
from typing_extensions import TypedDict

# A turn updates `messages` twice (its input, its answer; a tool call adds two), so a
# snapshot comes every 50 plain turns. Loading a checkpoint decodes the snapshot's
# messages and reads each write after it as a row of its own, which costs twice as
# much per message. One `python -m bench --only growth` run each: a snapshot every
# 100 updates stored 10.2x the thread's text at 200 turns (every 200: 9.9x), and
# the time to first token at 400 messages was 1.46x a new thread's (every 200: 1.73x).
SNAPSHOT_EVERY = 100


def add_message_batches(messages: list[AnyMessage], writes: Sequence[Any]) -> list[AnyMessage]:
    """`add_messages` over a batch of writes, in one pass where that gives the same list.

    A batch without removals merges as their concatenation (same ids replace,
    new ids append, in order); a write that removes is applied on its own, so
    removing and re-adding an id keeps `add_messages`' ordering.
    """
    pending: list[Any] = []
    for write in writes:
        items = write if isinstance(write, list) else [write]
        if any(isinstance(item, RemoveMessage) for item in items):
            if pending:
                messages, pending = add_messages(messages, pending), []
            messages = add_messages(messages, items)
        else:
            pending.extend(items)
    return add_messages(messages, pending) if pending else messages


def delta_channels(graph: Any) -> list[str]:
    """The names of the graph's `DeltaChannel`s (none for a graph that did not opt in)."""
    return [
        name for name, channel in getattr(graph, "channels", {}).items() if isinstance(channel, DeltaChannel)
    ]


class ChatState(TypedDict):
    messages: Annotated[
        list[AnyMessage], DeltaChannel(add_message_batches, snapshot_frequency=SNAPSHOT_EVERY)
    ]
