"""CONTEXT_TOKENS trims what is sent to the model, never what the checkpoint keeps."""

from collections.abc import Callable

import httpx
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from agent.graph import fit_context
from tests.processes import ServerProcess, StandInProcess
from tests.sse import text_of, turn


def test_without_a_budget_everything_is_sent() -> None:
    messages = [HumanMessage("a"), AIMessage("b")] * 50
    assert fit_context(messages, None) == messages


def test_a_budget_keeps_the_latest_messages_from_a_user_turn() -> None:
    messages = [SystemMessage("be brief")]
    for i in range(20):
        messages += [
            HumanMessage(f"question {i}"),
            AIMessage("", tool_calls=[{"id": f"c{i}", "name": "clock", "args": {}}]),
            ToolMessage("12:00", tool_call_id=f"c{i}"),
            AIMessage(f"answer {i} " + "word " * 20),
        ]
    fitted = fit_context(messages, 200)
    assert 1 < len(fitted) < len(messages)
    assert fitted[0] == messages[0]  # the system message stays
    assert isinstance(fitted[1], HumanMessage)  # never a tool result without its call
    assert fitted[-1] == messages[-1]


async def test_a_long_thread_sends_the_model_only_its_budget(
    start_server: Callable[..., ServerProcess], standin: StandInProcess
) -> None:
    env = {
        "OPENAI_API_KEY": "k",
        "OPENAI_BASE_URL": standin.url,
        "MODEL": "standin",
        "MODEL_MAX_RETRIES": "0",
        "CONTEXT_TOKENS": "120",
    }
    server = start_server(env)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        thread_id = (await turn(http, "budget turn 1 [tokens=20]"))[0]["threadId"]
        for n in range(2, 9):
            events = await turn(http, f"budget turn {n} [tokens=20]", thread_id)
        assert events[-1]["type"] == "RUN_FINISHED"
        kept = (await http.get(f"/api/threads/{thread_id}")).json()["messages"]
    assert len(kept) == 16  # the checkpoint keeps every message
    last = next(r for r in reversed(standin.requests()) if _said(r, "budget turn 8 [tokens=20]"))
    sent = last["messages"]
    assert 1 < len(sent) < 15
    assert sent[0]["role"] == "user"
    assert sent[-1]["content"] == "budget turn 8 [tokens=20]"
    assert text_of(events).startswith("turn")


def _said(request: dict, text: str) -> bool:
    return any(m.get("content") == text for m in request["messages"])
