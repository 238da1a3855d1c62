"""The official AG-UI client (@ag-ui/client's HttpAgent and its event verifier) works against POST /agui.

`tests/agui/conformance.mjs` runs the turns in Node and prints the events the
client accepted, any violation it reported, and the messages it assembled;
these tests hold that against what the server checkpointed and recorded.
"""

import asyncio
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.agui_client import assert_client_accepted, converse, node
from tests.processes import ServerProcess


def as_rows(messages: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """AG-UI messages as the message rows the server records for them."""
    rows: list[tuple[Any, ...]] = []
    for m in messages:
        if m["role"] == "user":
            rows.append((m["id"], "user", m["content"], None, None))
        elif m["role"] == "assistant":
            if m.get("content") or not m.get("toolCalls"):
                rows.append((m["id"], "assistant", m.get("content") or "", None, None))
            for call in m.get("toolCalls") or []:
                rows.append((m["id"], "tool_call", "", call["id"], json.loads(call["function"]["arguments"])))
        elif m["role"] == "tool":
            rows.append((m["id"], "tool", m["content"], m["toolCallId"], None))
    return rows


async def recorded_rows(client: httpx.AsyncClient, thread_id: str, count: int) -> list[tuple[Any, ...]]:
    """The thread's recorded rows, once `count` have landed (they are written off the critical path)."""
    for _ in range(200):
        rows = (await client.get(f"/api/threads/{thread_id}/messages")).json().get("messages", [])
        if len(rows) >= count:
            break
        await asyncio.sleep(0.05)
    return [
        (
            r["message_id"],
            r["role"],
            r["content"],
            r["tool_call_id"],
            json.loads(r["tool_args"]) if r["tool_args"] else None,
        )
        for r in rows
    ]


def as_assembled(message: dict[str, Any]) -> dict[str, Any]:
    """A thread-view message as a client assembles it: no event carries a stopped answer's mark."""
    if message.get("metadata") == {"finishReason": "cancelled"}:
        return {key: value for key, value in message.items() if key != "metadata"}
    return message


async def assert_matches_server(client: httpx.AsyncClient, result: dict[str, Any]) -> None:
    """What the client assembled is what the server checkpointed and recorded."""
    thread = (await client.get(f"/api/threads/{result['thread_id']}")).json()
    assert thread["active_run_id"] is None
    assert result["messages"] == [as_assembled(m) for m in thread["messages"]]
    ids = [m["id"] for m in thread["messages"]]
    assert len(ids) == len(set(ids))
    expected = as_rows(result["messages"])
    assert await recorded_rows(client, result["thread_id"], len(expected)) == expected


async def test_a_plain_answer(
    conformance_script: Path, server: ServerProcess, client: httpx.AsyncClient
) -> None:
    result = await converse(conformance_script, server, {"message": "hello [tokens=4]"})
    [run] = result["runs"]
    assert_client_accepted(run)
    assert run["events"][-1]["outcome"] == {"type": "success"}
    assert [(m["role"], m.get("content")) for m in result["messages"]] == [
        ("user", "hello [tokens=4]"),
        ("assistant", "turn1 w1 w2 w3"),
    ]
    await assert_matches_server(client, result)


async def test_a_tool_call(
    conformance_script: Path, server: ServerProcess, client: httpx.AsyncClient
) -> None:
    result = await converse(conformance_script, server, {"message": "what is 12 * 7?"})
    [run] = result["runs"]
    assert_client_accepted(run)
    user, call, answer, reply = result["messages"]
    [tool_call] = call["toolCalls"]
    assert tool_call["function"]["name"] == "calculator"
    assert json.loads(tool_call["function"]["arguments"]) == {"expression": "12 * 7"}
    assert (answer["role"], answer["toolCallId"], answer["content"]) == ("tool", tool_call["id"], "84")
    assert reply["content"] == "The result is 84."
    await assert_matches_server(client, result)


async def test_an_error(conformance_script: Path, server: ServerProcess, client: httpx.AsyncClient) -> None:
    result = await converse(conformance_script, server, {"message": "[fail500]"})
    [run] = result["runs"]
    assert_client_accepted(run)
    assert run["events"][-1]["type"] == "RUN_ERROR"
    assert run["events"][-1]["code"] == "model_error"
    assert [m["role"] for m in result["messages"]] == ["user"]
    await assert_matches_server(client, result)


async def test_a_cancelled_run(
    conformance_script: Path, server: ServerProcess, client: httpx.AsyncClient
) -> None:
    result = await converse(conformance_script, server, {"message": "[slow] hello", "cancel": True})
    [run] = result["runs"]
    assert_client_accepted(run)
    assert run["events"][-1]["outcome"] == {"type": "cancelled"}
    user, partial = result["messages"]
    assert partial["role"] == "assistant" and partial["content"].startswith("turn1")
    await assert_matches_server(client, result)
    thread = (await client.get(f"/api/threads/{result['thread_id']}")).json()
    assert thread["messages"][1]["metadata"] == {"finishReason": "cancelled"}


async def test_a_second_turn_resends_the_conversation_without_duplicating_it(
    conformance_script: Path, server: ServerProcess, client: httpx.AsyncClient
) -> None:
    result = await converse(
        conformance_script, server, {"message": "hello [tokens=2]"}, {"message": "what is 6 * 7?"}
    )
    first, second = result["runs"]
    assert_client_accepted(first)
    assert_client_accepted(second)
    snapshot = second["events"][1]["messages"]
    assert [(m["role"], m.get("content")) for m in snapshot] == [
        ("user", "hello [tokens=2]"),
        ("assistant", "turn1 w1"),
        ("user", "what is 6 * 7?"),
    ]
    assert [m["role"] for m in result["messages"]] == [
        "user",
        "assistant",
        "user",
        "assistant",
        "tool",
        "assistant",
    ]
    assert result["messages"][-1]["content"] == "The result is 42."
    await assert_matches_server(client, result)


async def test_the_client_check_catches_a_broken_stream(conformance_script: Path) -> None:
    broken = [
        {"type": "RUN_STARTED", "threadId": "t", "runId": "r"},
        {"type": "TEXT_MESSAGE_START", "messageId": "m", "role": "assistant"},
        {"type": "RUN_FINISHED", "threadId": "t", "runId": "r"},
    ]
    verdict = await node(conformance_script, "--verify", json.dumps(broken))
    assert "still active" in verdict["violation"]
    assert (await node(conformance_script, "--verify", json.dumps([broken[0], broken[2]])))[
        "violation"
    ] is None


def agui_input(thread_id: str, *messages: dict[str, Any], run_id: str | None = None) -> dict[str, Any]:
    return {"threadId": thread_id, "runId": run_id or uuid.uuid4().hex, "messages": list(messages)}


def user(text: str, message_id: str | None = None) -> dict[str, Any]:
    return {"id": message_id or uuid.uuid4().hex, "role": "user", "content": text}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (agui_input("a b", user("hi")), "threadId"),
        (agui_input("ok", user("hi"), run_id="r/1"), "runId"),
        (agui_input("ok"), "no user message"),
        (agui_input("ok", user("   ")), "message is empty"),
        (agui_input("ok", user("x" * (32 * 1024 + 1))), "longer than 32768 bytes"),
        ({"threadId": "ok", "runId": "r"}, "messages: Field required"),
    ],
)
async def test_bad_input_is_refused(client: httpx.AsyncClient, body: dict[str, Any], words: str) -> None:
    response = await client.post("/agui", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and words in error["message"], error


async def test_a_resent_conversation_with_nothing_new_is_refused(client: httpx.AsyncClient) -> None:
    thread_id = f"agui-{uuid.uuid4().hex[:12]}"
    first = user("hello [tokens=1]")
    body = agui_input(thread_id, first)
    async with client.stream("POST", "/agui", json=body) as response:
        assert response.status_code == 200
        await response.aread()
    again = await client.post("/agui", json=agui_input(thread_id, first))
    assert again.status_code == 422 and "no user message" in again.json()["error"]["message"]
    same_run = await client.post("/agui", json={**body, "messages": [first, user("more")]})
    assert same_run.status_code == 409 and same_run.json()["error"]["code"] == "run_exists"


async def test_a_run_id_another_process_used_is_refused(
    client: httpx.AsyncClient, start_server: Callable[..., ServerProcess]
) -> None:
    body = agui_input(f"agui-{uuid.uuid4().hex[:12]}", user("hello [tokens=1]"))
    async with client.stream("POST", "/agui", json=body) as response:
        assert response.status_code == 200
        await response.aread()
    other = start_server({"OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"})
    async with httpx.AsyncClient(base_url=other.url, timeout=30) as elsewhere:
        reused = await elsewhere.post("/agui", json={**body, "threadId": f"agui-{uuid.uuid4().hex[:12]}"})
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "run_exists"
