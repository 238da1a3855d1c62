"""A chat model that needs no network: it answers, streams, calls tools and remembers.

It exists so a fresh machine with no API key shows every part of the server:
tokens arrive one by one at `token_delay`, arithmetic and time questions become
tool calls (the clock in the zone of a place the question names, else UTC, and
the answer says which zone and why), and answers quote earlier turns of the
thread (which only the checkpoint could have supplied).
"""

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool

from agent.ids import new_id
from agent.places import find_place

_ARITHMETIC = re.compile(r"[-+(]*\d[\d.]*(?:\s*(?:\*\*|[-+*/^%])\s*[-+(]*\d[\d.]*\)*)+")
_TIME_QUESTION = re.compile(r"\b(time|clock|date)\b", re.IGNORECASE)
_TIME_ZONE = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?\b")
_NAME_GIVEN = re.compile(r"\bmy name is ([\w-]+)", re.IGNORECASE)
_NAME_ASKED = re.compile(r"\bwhat(?:'s| is) my name\b", re.IGNORECASE)
_TOKEN = re.compile(r"\s*\S+")
_NOTE = re.compile(r"\bsend (?:a |an )?(?:note|message|email) to ([\w .'-]+?),? saying:? (.+)", re.IGNORECASE)


def offline_reply(messages: Sequence[BaseMessage], tool_names: Sequence[str]) -> AIMessage:
    """The offline model's whole answer to a conversation."""
    last = messages[-1] if messages else HumanMessage("")
    if isinstance(last, ToolMessage):
        return AIMessage(_describe_tool_results(messages))
    text = _text(last)
    if "send_note" in tool_names and (note := _NOTE.search(text)):
        return _tool_call("send_note", {"to": note.group(1).strip(), "text": note.group(2).strip()})
    if "calculator" in tool_names and (match := _ARITHMETIC.search(text)):
        return _tool_call("calculator", {"expression": match.group().strip()})
    if "current_time" in tool_names and _TIME_QUESTION.search(text):
        return _tool_call("current_time", {"timezone": _zone_asked(text)})
    return AIMessage(_answer_from_memory(messages, text))


def _zone_asked(question: str) -> str:
    """The time zone a question names (Europe/Paris), or that of a place it names (Tokyo); else UTC."""
    if zone := _TIME_ZONE.search(question):
        return zone.group()
    return place.zone if (place := find_place(question)) else "UTC"


def _which_zone(question: str, zone: str) -> str:
    """Which zone the clock was read in, and why, as the end of a sentence."""
    if _TIME_ZONE.search(question):
        return f" in {zone}"
    if (place := find_place(question)) is not None and place.zone == zone:
        return f" in {zone} (for {place.name}{': ' + place.note if place.note else ''})"
    if zone == "UTC":
        return (
            " in UTC: I found no place or time zone I know in your question; "
            "name a city such as Tokyo or a zone such as Europe/Paris"
        )
    return f" in {zone}"


def _answer_from_memory(messages: Sequence[BaseMessage], text: str) -> str:
    said = [_text(m) for m in messages if isinstance(m, HumanMessage)]
    earlier = said[:-1]
    if _NAME_ASKED.search(text):
        names = [m.group(1) for s in earlier if (m := _NAME_GIVEN.search(s))]
        return f"Your name is {names[-1]}." if names else "You have not told me your name yet."
    if not earlier:
        return (
            f"Hello! I am the offline model, answering without a network. You said: “{text}”. "
            "Ask me for arithmetic such as 12 * 7, or the time in Europe/Paris, to see a tool call."
        )
    return (
        f"You said: “{text}”. This is your message number {len(said)} in this thread; "
        f"before it you said “{earlier[-1]}”, and your first message was “{earlier[0]}”."
    )


def _describe_tool_results(messages: Sequence[BaseMessage]) -> str:
    results: list[ToolMessage] = []
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            break
        results.insert(0, message)
    calls = {c["id"]: c["args"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls}
    questions = [_text(m) for m in messages if isinstance(m, HumanMessage)]
    parts = []
    for result in results:
        if result.status == "error":
            parts.append(f"The {result.name} tool failed: {_text(result)}.")
        elif result.name == "calculator":
            parts.append(f"The calculator says the answer is {_text(result)}.")
        elif result.name == "send_note":
            parts.append(f"Done. {_text(result)}.")
        elif result.name == "current_time":
            zone = str(calls.get(result.tool_call_id, {}).get("timezone", "UTC"))
            where = _which_zone(questions[-1] if questions else "", zone)
            parts.append(f"The clock says it is {_text(result)}{where}.")
        else:
            parts.append(f"The {result.name} tool answered: {_text(result)}.")
    return " ".join(parts)


def _tool_call(name: str, args: dict[str, Any]) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:16]}"}])


def _text(message: BaseMessage) -> str:
    return message.text if hasattr(message, "text") else str(message.content)


def _usage(messages: Sequence[BaseMessage], reply: AIMessage) -> UsageMetadata:
    prompt = sum(len(_text(m).split()) for m in messages)
    completion = max(1, len(_TOKEN.findall(_text(reply))))
    return {"input_tokens": prompt, "output_tokens": completion, "total_tokens": prompt + completion}


class OfflineChatModel(BaseChatModel):
    """The built-in model used when no OPENAI_API_KEY is set."""

    token_delay: float = 0.03
    tool_names: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return "offline"

    def bind_tools(
        self, tools: Sequence[dict[str, Any] | type | BaseTool | Any], **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        names = tuple(t.name if isinstance(t, BaseTool) else str(t) for t in tools)
        return self.model_copy(update={"tool_names": names})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        reply = offline_reply(messages, self.tool_names)
        reply.usage_metadata = _usage(messages, reply)
        return ChatResult(generations=[ChatGeneration(message=reply)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = offline_reply(messages, self.tool_names)
        yield from _chunks(reply, _usage(messages, reply))

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        reply = offline_reply(messages, self.tool_names)
        message_id = new_id()
        for chunk in _chunks(reply, _usage(messages, reply)):
            chunk.message.id = message_id
            if self.token_delay:
                await asyncio.sleep(self.token_delay)
            if run_manager and chunk.text:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk


def _chunks(reply: AIMessage, usage: UsageMetadata) -> Iterator[ChatGenerationChunk]:
    for token in _TOKEN.findall(_text(reply)):
        yield ChatGenerationChunk(message=AIMessageChunk(content=token))
    yield ChatGenerationChunk(
        message=AIMessageChunk(
            content="",
            tool_call_chunks=[
                {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                for i, c in enumerate(reply.tool_calls)
            ],
            usage_metadata=usage,
            chunk_position="last",
        )
    )
