"""A tool that asks a person before it acts: `send_note`, in the shape of LangChain's
human-in-the-loop middleware.

The tool calls `interrupt()` with one action request (`name`, `args`,
`description`, and the `tool_call_id` it is about) and its review config; the
answer is `{"decisions": [decision]}` (or the decision alone): `approve`, `edit`
with `edited_action.args`, or `reject` with a `message`. "Sending" has no outside
effect: the note is the tool's result, shown in the conversation, and so kept in
the thread for the model and for whoever reads it later.
"""

from typing import Annotated, Any

from langchain_core.tools import BaseTool, InjectedToolCallId, StructuredTool, ToolException
from langgraph.types import interrupt

ALLOWED_DECISIONS = ["approve", "edit", "reject"]


def send_note(to: str, text: str, tool_call_id: Annotated[str, InjectedToolCallId]) -> str:
    """Send a short note to someone; a person approves, edits or rejects it first."""
    request = {
        "name": "send_note",
        "args": {"to": to, "text": text},
        "description": f"Send a note to {to}: “{text}”?",
        "tool_call_id": tool_call_id,
    }
    answer = interrupt(
        {
            "action_requests": [request],
            "review_configs": [{"action_name": "send_note", "allowed_decisions": ALLOWED_DECISIONS}],
        }
    )
    decision = _decision(answer)
    kind = decision.get("type")
    if kind == "approve":
        return f"Note sent to {to}: “{text}”"
    if kind == "edit":
        args = {**request["args"], **((decision.get("edited_action") or {}).get("args") or {})}
        return f"Note sent to {args['to']}: “{args['text']}” (edited by the reviewer)"
    if kind == "reject":
        reason = decision.get("message") or "no reason given"
        raise ToolException(f"the reviewer rejected sending the note: {reason}")
    raise ToolException("the note was not sent: the review was cancelled")


def _decision(answer: Any) -> dict[str, Any]:
    """The one decision of an answer: `{"decisions": [d]}`, or `d` itself."""
    if isinstance(answer, dict) and isinstance(answer.get("decisions"), list) and answer["decisions"]:
        answer = answer["decisions"][0]
    return answer if isinstance(answer, dict) else {}


def approval_tools() -> list[BaseTool]:
    return [StructuredTool.from_function(send_note, handle_tool_error=True)]
