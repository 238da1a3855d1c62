"""The official AG-UI client (`@ag-ui/client` 1.0) sees interrupts and resumes them through POST /agui.

Its `runAgent` sets `pendingInterrupts` from RUN_FINISHED's interrupt outcome and
refuses (client side) a next run that does not answer them; `resume` entries
answer them. After each, the thread's checkpoint and rows agree with the client.
"""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.agui_client import assert_client_accepted, converse
from tests.checks import rows_of
from tests.processes import ServerProcess


async def approval(
    script: Path, server: ServerProcess, client: httpx.AsyncClient, payload: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ask for a note, answer the interrupt with `payload` through the client; the result and the thread."""
    result = await converse(
        script,
        server,
        {"message": "send a note to Ada saying hi"},
        {"resume": {"status": "resolved", "payload": payload}},
    )
    asked, resumed = result["runs"]
    for run in (asked, resumed):
        assert_client_accepted(run)
    [interrupt] = asked["pendingInterrupts"]
    assert interrupt["reason"] == "tool_approval"
    assert asked["events"][-1]["outcome"]["interrupts"] == [interrupt]
    assert resumed["pendingInterrupts"] == []
    thread = (await client.get(f"/api/threads/{result['thread_id']}")).json()
    assert thread["interrupts"] == []
    # an error result's `error` is the checkpoint's alone: TOOL_CALL_RESULT does not carry it
    assert result["messages"] == [{k: v for k, v in m.items() if k != "error"} for m in thread["messages"]]
    [answer] = await rows_of(client, result["thread_id"], "interrupt_answer", 1)
    assert answer["message_id"] == f"answer-{interrupt['id']}" and json.loads(answer["tool_args"]) == payload
    return result, thread


@pytest.mark.parametrize(
    ("payload", "said"),
    [
        ({"decisions": [{"type": "approve"}]}, "Note sent to Ada: “hi”"),
        (
            {"decisions": [{"type": "edit", "edited_action": {"name": "send_note", "args": {"to": "Bo"}}}]},
            "Note sent to Bo: “hi” (edited by the reviewer)",
        ),
        (
            {"decisions": [{"type": "reject", "message": "not today"}]},
            "the reviewer rejected sending the note: not today",
        ),
    ],
    ids=["approve", "edit", "reject"],
)
async def test_a_tool_approval_through_the_official_client(
    conformance_script: Path, offline_server: ServerProcess, offline_client: httpx.AsyncClient, payload, said
) -> None:
    _, thread = await approval(conformance_script, offline_server, offline_client, payload)
    [result] = [m for m in thread["messages"] if m["role"] == "tool"]
    assert result["content"] == said


async def test_a_plain_question_through_the_official_client(conformance_script: Path, start_server) -> None:
    server = start_server({"GRAPH": "tests.graphs:question_graph"})
    result = await converse(
        conformance_script, server, {"message": "hi"}, {"resume": {"status": "resolved", "payload": "Ada"}}
    )
    asked, resumed = result["runs"]
    assert_client_accepted(asked)
    assert_client_accepted(resumed)
    assert asked["pendingInterrupts"][0]["message"] == "What is your name?"
    assert result["messages"][-1]["content"] == "Hello, Ada!"
