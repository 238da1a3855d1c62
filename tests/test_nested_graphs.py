"""Nested graphs stream live: subgraphs, sub-agents and parallel branches, as AG-UI subagents.

The server runs `tests.graphs:nested_graph` against the stand-in model: a
`create_react_agent` as a node, a supervisor with two private sub-agents, and a
`Send` fan-out to two branches that stream at the same time.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.agui_client import assert_client_accepted, converse
from tests.checks import assert_protocol_order
from tests.processes import ServerProcess, StandInProcess
from tests.sse import frames, outcome_of, read_some, stream_events, turn, types


@pytest.fixture(scope="module")
def nested(database_url: str, standin: StandInProcess, log_dir) -> Iterator[ServerProcess]:
    env = {
        "DATABASE_URL": database_url,
        "GRAPH": "tests.graphs:nested_graph",
        "OPENAI_API_KEY": "k",
        "OPENAI_BASE_URL": standin.url,
        "MODEL": "standin",
        "MODEL_MAX_RETRIES": "0",
    }
    process = ServerProcess(env, log_dir).start()
    yield process
    process.stop()


@pytest.fixture
async def client(nested: ServerProcess) -> Iterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=nested.url, timeout=30) as http:
        yield http


def of_type(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["type"] == kind]


async def test_a_subgraphs_tokens_arrive_one_by_one_as_a_subagent(client: httpx.AsyncClient) -> None:
    async with client.stream(
        "POST", "/api/chat", json={"message": "tell me [tokens=8] [delay=50]"}
    ) as response:
        stream = frames(response)
        early = [f.event for f in await read_some(stream, 8)]
        assert "RUN_FINISHED" not in types(early)
        events = early + [f.event async for f in stream]
    assert_protocol_order(events)
    started = of_type(events, "SUBAGENT_STARTED")
    assert [(s["name"], s["metadata"]["path"]) for s in started] == [("researcher", ["researcher"])]
    inner = started[0]["subagentRunId"]
    tokens = of_type(events, "TEXT_MESSAGE_CONTENT")
    assert len(tokens) == 8 and {t["subagentRunId"] for t in tokens} == {inner}
    steps = of_type(events, "STEP_STARTED")
    assert steps[0] == {"type": "STEP_STARTED", "stepName": "researcher"}
    assert {
        "stepName": "agent",
        "subagentRunId": inner,
        "metadata": {"path": ["researcher", "agent"]},
    }.items() <= {**steps[1]}.items()
    assert types(events).index("SUBAGENT_FINISHED") < len(events) - 2
    assert events[-1]["outcome"] == {"type": "success"}


async def test_tool_calls_inside_a_subgraph_stream_with_their_results(client: httpx.AsyncClient) -> None:
    events = await turn(client, "what is 12 * 7? [tokens=3]")
    assert_protocol_order(events)
    inner = of_type(events, "SUBAGENT_STARTED")[0]["subagentRunId"]
    start = of_type(events, "TOOL_CALL_START")
    result = of_type(events, "TOOL_CALL_RESULT")
    assert [(s["toolCallName"], s["subagentRunId"]) for s in start] == [("calculator", inner)]
    assert [(r["content"], r["subagentRunId"]) for r in result] == [("84", inner)]
    assert "The result is 84." in "".join(t["delta"] for t in of_type(events, "TEXT_MESSAGE_CONTENT"))
    assert len(result) == 1, "a result the subgraph hands back to its parent is not sent twice"


async def test_a_supervisors_sub_agents_speak_as_themselves_and_only_their_answers_are_kept(
    client: httpx.AsyncClient,
) -> None:
    events = await turn(client, "[supervise] plan a trip [tokens=3]")
    assert_protocol_order(events)
    started = {s["name"]: s["subagentRunId"] for s in of_type(events, "SUBAGENT_STARTED")}
    assert set(started) >= {"analyst", "editor"}
    messages = of_type(events, "TEXT_MESSAGE_START")
    speakers = [m.get("subagentRunId") for m in messages]
    assert started["analyst"] in speakers and started["editor"] in speakers
    thread = (await client.get(f"/api/threads/{events[0]['threadId']}")).json()
    assert [m["role"] for m in thread["messages"]] == ["user", "assistant", "assistant"]


async def test_parallel_branches_stream_their_own_messages_interleaved(client: httpx.AsyncClient) -> None:
    events = await turn(client, "[fanout] two drafts [tokens=6] [delay=40]")
    assert_protocol_order(events)
    steps = [s["stepName"] for s in of_type(events, "STEP_STARTED")]
    assert sorted(steps) == ["writer", "writer (2)"]
    tokens = [t["messageId"] for t in of_type(events, "TEXT_MESSAGE_CONTENT")]
    first, second = dict.fromkeys(tokens)
    assert tokens.count(first) == tokens.count(second) == 6
    switches = sum(a != b for a, b in zip(tokens, tokens[1:], strict=False))
    assert switches > 2, f"the two answers arrive interleaved, not one after the other: {tokens}"
    thread = (await client.get(f"/api/threads/{events[0]['threadId']}")).json()
    assert [m["role"] for m in thread["messages"]] == ["user", "assistant", "assistant"]


async def test_a_cancel_mid_subgraph_closes_the_subagent_and_keeps_what_was_shown(
    client: httpx.AsyncClient,
) -> None:
    async with client.stream("POST", "/api/chat", json={"message": "go on [slow] [tokens=50]"}) as response:
        stream = frames(response)
        shown = [f.event for f in await read_some(stream, 8)]
        thread_id = shown[0]["threadId"]
        cancelled = await client.post(f"/api/threads/{thread_id}/cancel")
        assert cancelled.json()["cancelled"] is True
        events = shown + [f.event async for f in stream]
    assert_protocol_order(events)
    assert events[-1]["outcome"] == {"type": "cancelled"}
    assert types(events).count("SUBAGENT_STARTED") == types(events).count("SUBAGENT_FINISHED") == 1
    partial = "".join(t["delta"] for t in of_type(events, "TEXT_MESSAGE_CONTENT"))
    thread = (await client.get(f"/api/threads/{thread_id}")).json()
    assert thread["messages"][-1]["content"] == partial


@pytest.mark.parametrize(
    "message",
    ["[supervise] plan a trip [tokens=3]", "[fanout] two drafts [tokens=5] [delay=30]", "what is 12 * 7?"],
)
async def test_the_official_client_accepts_nested_runs(
    conformance_script: Path, nested: ServerProcess, message: str
) -> None:
    result = await converse(conformance_script, nested, {"message": message})
    [run] = result["runs"]
    assert_client_accepted(run)
    assert run["events"][-1]["outcome"] == {"type": "success"}
    assert "SUBAGENT_STARTED" in types(run["events"]) or "[fanout]" in message


async def test_an_interrupt_inside_a_subgraph_reaches_the_client_and_resumes(start_server) -> None:
    server = start_server({"GRAPH": "tests.graphs:nested_question_graph"})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        asked = await turn(http, "hi")
        assert_protocol_order(asked)
        subagent = of_type(asked, "SUBAGENT_STARTED")[0]
        assert subagent["name"] == "onboarding"
        [interrupt] = outcome_of(asked)["interrupts"]
        assert interrupt["message"] == "What is your name?"
        assert interrupt["subagentRunId"] == subagent["subagentRunId"]
        thread_id = asked[0]["threadId"]
        waiting = (await http.get(f"/api/threads/{thread_id}")).json()
        assert [i["id"] for i in waiting["interrupts"]] == [interrupt["id"]]
        resume = [{"interruptId": interrupt["id"], "status": "resolved", "payload": "Ada"}]
        resumed = await stream_events(
            http, "POST", "/api/chat", json={"thread_id": thread_id, "resume": resume}
        )
        assert_protocol_order(resumed)
        assert resumed[-1]["outcome"] == {"type": "success"}
        thread = (await http.get(f"/api/threads/{thread_id}")).json()
        assert thread["messages"][-1]["content"] == "Hello, Ada!" and thread["interrupts"] == []
