"""LangGraph interrupts as AG-UI interrupts, and AG-UI resume entries as LangGraph's `Command`.

Pure: no I/O. An `interrupt(value)` becomes an AG-UI `Interrupt` whose `id` is
LangGraph's interrupt id, so a `ResumeEntry` answers it by that id and becomes
`Command(resume={interrupt_id: payload})`. A value in the shape of LangChain's
human-in-the-loop middleware (`action_requests`, `review_configs`) is a tool
approval; a string, or a dict with a `question` or `message`, is a question.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ag_ui.core import Interrupt, ResumeEntry
from langchain_core.messages import BaseMessage, ToolMessage

from agent.ids import new_id
from db.messages import MessageRow
from errors import InterruptNotPending, InvalidRequest, ResumeIncomplete

CANCELLED = {"type": "cancelled"}  # what a `cancelled` resume entry hands the graph
CANCELLED_BY_USER = "Cancelled by the user before it was approved."
DECISIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["decisions"],
    "properties": {
        "decisions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": {"enum": ["approve", "edit", "reject"]},
                    "edited_action": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "args": {"type": "object"}},
                    },
                    "message": {"type": "string"},
                },
            },
        }
    },
}


def agui_interrupt(interrupt: Any, *, subagent_run_id: str | None = None) -> Interrupt:
    """One LangGraph interrupt (an `Interrupt` or its dict form from "tasks" mode) as AG-UI's."""
    if isinstance(interrupt, dict):
        value, interrupt_id, schema = interrupt["value"], interrupt["id"], interrupt.get("response_schema")
    else:
        value, interrupt_id, schema = interrupt.value, interrupt.id, interrupt.response_schema
    reason, message, tool_call_id = "input_required", None, None
    if isinstance(value, str):
        message = value
    elif isinstance(value, dict) and isinstance(value.get("action_requests"), list):
        reason = "tool_approval"
        requests = [r for r in value["action_requests"] if isinstance(r, dict)]
        message = "; ".join(str(r.get("description") or f"Run {r.get('name')}?") for r in requests) or None
        if len(requests) == 1:
            tool_call_id = requests[0].get("tool_call_id")
        schema = schema or DECISIONS_SCHEMA
    elif isinstance(value, dict):
        reason = str(value.get("reason") or reason)
        text = value.get("question") or value.get("message")
        message = str(text) if text is not None else None
    return Interrupt(
        id=interrupt_id,
        reason=reason,
        message=message,
        tool_call_id=tool_call_id,
        response_schema=schema if isinstance(schema, dict) else None,
        subagent_run_id=subagent_run_id,
        metadata={"value": _json(value)},
    )


def resume_map(thread_id: str, entries: Sequence[ResumeEntry], pending: Iterable[str]) -> dict[str, Any]:
    """`Command(resume=...)`'s map for `entries`, which must answer exactly the open interrupts."""
    open_ids = list(pending)
    if not entries:
        raise InvalidRequest("resume is empty: it must answer every open interrupt")
    ids = [entry.interrupt_id for entry in entries]
    if len(set(ids)) != len(ids):
        raise InvalidRequest("resume answers an interrupt more than once")
    if unknown := [i for i in ids if i not in open_ids]:
        raise InterruptNotPending(thread_id, unknown)
    if missing := [i for i in open_ids if i not in ids]:
        raise ResumeIncomplete(thread_id, missing)
    return {e.interrupt_id: e.payload if e.status == "resolved" else dict(CANCELLED) for e in entries}


def parse_resume(text: str | None) -> list[ResumeEntry] | None:
    """The `resume` query parameter of GET /chat: a JSON list of resume entries."""
    if text is None:
        return None
    try:
        found = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidRequest(f"resume is not JSON ({error})") from None
    if not isinstance(found, list):
        raise InvalidRequest("resume must be a JSON list of {interruptId, status, payload}")
    try:
        return [ResumeEntry.model_validate(entry) for entry in found]
    except ValueError as error:
        raise InvalidRequest(f"resume: {error}") from None


def cancelled_results(messages: Sequence[BaseMessage], interrupts: Sequence[Interrupt]) -> list[ToolMessage]:
    """Error results for the tool calls the cancelled interrupts were asking about."""
    asked = {i.tool_call_id for i in interrupts if i.tool_call_id}
    answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    calls = [call for m in messages for call in getattr(m, "tool_calls", [])]
    return [
        ToolMessage(
            CANCELLED_BY_USER, id=new_id(), tool_call_id=call["id"], name=call["name"], status="error"
        )
        for call in calls
        if call["id"] in asked and call["id"] not in answered
    ]


def interrupt_rows(interrupts: Sequence[Interrupt], *, now: Any) -> list[MessageRow]:
    """One `interrupt` row per question asked: its message, tool call and raw value."""
    return [
        MessageRow(
            message_id=f"interrupt-{i.id}",
            role="interrupt",
            content=i.message or "",
            created_at=now,
            tool_name=i.reason,
            tool_call_id=i.tool_call_id,
            tool_args=_storable_json(i.metadata.get("value") if i.metadata else None),
        )
        for i in interrupts
    ]


def answer_rows(answers: dict[str, Any], *, now: Any) -> list[MessageRow]:
    """One `interrupt_answer` row per answer: `cancelled` or `resolved`, and its payload."""
    return [
        MessageRow(
            message_id=f"answer-{interrupt_id}",
            role="interrupt_answer",
            content="cancelled" if payload == CANCELLED else "resolved",
            created_at=now,
            tool_args=_storable_json(payload),
        )
        for interrupt_id, payload in answers.items()
    ]


def _json(value: Any) -> Any:
    """`value` as plain JSON (a graph may interrupt with any object)."""
    return json.loads(json.dumps(value, default=str))


def _storable_json(value: Any) -> str:
    return json.dumps(value, default=str).replace("\\u0000", "\\ufffd")
