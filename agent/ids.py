"""Ids the server makes: for threads, runs and messages."""

import secrets
from collections.abc import Iterable
from uuid import uuid4

from langchain_core.messages import BaseMessage


def new_id() -> str:
    """A short random id: 16 URL-safe characters (it is in every token event, so short pays)."""
    return secrets.token_urlsafe(12)


def name_messages(messages: Iterable[BaseMessage]) -> None:
    """Give each message that has no id one, in place, as LangGraph's message reducer would.

    A node may return messages without ids; `add_messages` names them when it
    applies the step's writes, which can be after the server has already made
    events and rows of them. Named here first (the same objects go on to the
    reducer, which keeps an id it finds), the checkpoint, the events and the
    rows carry one id. LangGraph's `stream_mode="messages"` did this as a side
    effect; the server streams tokens through `agent.token_tap` instead.
    """
    for message in messages:
        if message.id is None:
            message.id = str(uuid4())
