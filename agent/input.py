"""What a turn may append to its thread: the user's text, checked; an AG-UI input's new messages."""

from collections.abc import Collection, Sequence
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage

from agent.ids import new_id
from agent.messages import message_text, new_messages
from agent.text import has_surrogates
from errors import InvalidRequest


def check_text(text: str, max_bytes: int, *, name: str = "message") -> None:
    """Refuse text over `max_bytes` of UTF-8, or with a NUL or a lone surrogate (not storable text)."""
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InvalidRequest(f"{name} is longer than {max_bytes} bytes")
    if "\x00" in text:
        raise InvalidRequest(f"{name} contains a NUL character")
    if not text.isascii() and has_surrogates(text):
        raise InvalidRequest(f"{name} contains a lone surrogate (not a Unicode character)")


def user_message(text: str, max_bytes: int, *, message_id: str | None = None) -> HumanMessage:
    """The user's message of a turn; refused when empty or when `check_text` refuses it."""
    if not text.strip():
        raise InvalidRequest("message is empty")
    check_text(text, max_bytes)
    return HumanMessage(text, id=message_id or new_id())


def agui_turn_messages(
    messages: Sequence[Any], *, known_ids: Collection[str], thread_id: str, max_bytes: int
) -> list[BaseMessage]:
    """The AG-UI input's messages the thread lacks, checked; at least one must be the user's."""
    fresh = new_messages(messages, known_ids=known_ids)
    if not any(isinstance(m, HumanMessage) for m in fresh):
        raise InvalidRequest(f"no user message that thread {thread_id} does not already have")
    for message in fresh:
        text = message_text(message)
        if isinstance(message, HumanMessage):
            user_message(text, max_bytes, message_id=message.id)  # refused as /api/chat refuses it
        else:
            check_text(text, max_bytes, name=f"message {message.id}")
    return fresh


def resumed_turn_messages(
    message: str | None, resume: Sequence[Any] | None, thread_id: str | None
) -> list | None:
    """A resume's messages (none); None when the turn is no resume. A resume carries no message."""
    if resume is None:
        return None
    if message is not None:
        raise InvalidRequest("send either a message or a resume, not both: the message can follow the resume")
    if thread_id is None:
        raise InvalidRequest("a resume needs the thread_id of the thread that waits")
    return []


def agui_resume_messages(messages: Sequence[Any], *, known_ids: Collection[str]) -> list[BaseMessage]:
    """What a resuming AG-UI input appends: nothing. A new user message is refused; the client's
    own copies of what the interrupted run streamed are the checkpoint's already."""
    if any(isinstance(m, HumanMessage) for m in new_messages(messages, known_ids=known_ids)):
        raise InvalidRequest("a resume carries no new user message: send it after the resumed run")
    return []
