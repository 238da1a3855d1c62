"""Every `ChatOpenAI` in the process writes a text answer of the history without a walk over its characters.

Why: langchain-openai's `_convert_message_to_dict` looks for an audio block by
iterating over an `AIMessage`'s `content`, which for a text answer is the
string itself: one `isinstance` per character, for every earlier answer of the
thread, on every turn. At 400 messages of 50-word answers that was about 2 ms
of each turn's CPU and of its time to first token, and it grows with the
answers' length (some 35 µs a message for a 1,000-character answer).

How: `use_plain_answer_dicts(True)` replaces the module global
`_convert_message_to_dict` (which `_get_request_payload` looks up on each call)
with one that answers the two cases whose result it knows, for the chat
completions API: an `AIMessage` of plain text with no tool call, function call
or audio, and a `HumanMessage` of plain text. It hands every other message to
the original: the same dict either way (`tests/test_openai_messages.py`
compares them over generated messages). The upstream function and what it is
looked up as are pinned there too; no upstream issue asks for the loop to skip
text yet.
"""

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_openai.chat_models import base as chat_openai

STOCK_CONVERT = chat_openai._convert_message_to_dict
ANSWER_EXTRAS = ("tool_calls", "function_call", "audio")  # additional_kwargs the stock function reads


def use_plain_answer_dicts(enabled: bool) -> None:
    """Make every ChatOpenAI in this process write plain text answers the short way, or stop."""
    chat_openai._convert_message_to_dict = message_dict if enabled else STOCK_CONVERT


def message_dict(message: BaseMessage, api: str = "chat/completions") -> dict[str, Any]:
    """`_convert_message_to_dict`, answering a plain text message of the user or the model itself."""
    role = _plain_text_role(message) if api == "chat/completions" else None
    if role is None:
        return STOCK_CONVERT(message, api=api)  # type: ignore[arg-type]
    converted: dict[str, Any] = {"content": message.content}
    if (name := message.name or message.additional_kwargs.get("name")) is not None:
        converted["name"] = name
    converted["role"] = role
    return converted


def _plain_text_role(message: BaseMessage) -> str | None:
    if type(message.content) is not str:
        return None
    if type(message) is HumanMessage:
        return "user"
    if type(message) is AIMessage and not (
        message.tool_calls
        or message.invalid_tool_calls
        or any(key in message.additional_kwargs for key in ANSWER_EXTRAS)
    ):
        return "assistant"
    return None
