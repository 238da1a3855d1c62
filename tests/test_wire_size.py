"""Token events are small on the wire, and name the message the checkpoint keeps."""

import httpx
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_openai import ChatOpenAI

from agent.model import ThreadChatOpenAI
from tests.processes import StandInProcess
from tests.sse import turn

TOKEN_EVENT_BYTES = 120


async def test_a_token_event_is_at_most_120_bytes(client: httpx.AsyncClient) -> None:
    async with client.stream("POST", "/api/chat", json={"message": "hi [tokens=30]"}) as response:
        raw = (await response.aread()).decode()
    tokens = [f + "\n\n" for f in raw.split("\n\n") if '"type":"TEXT_MESSAGE_CONTENT"' in f]
    assert len(tokens) == 30
    assert max(len(t.encode()) for t in tokens) <= TOKEN_EVENT_BYTES


async def test_streamed_message_ids_are_the_checkpointed_ones(client: httpx.AsyncClient) -> None:
    events = await turn(client, "name it [tokens=4]")
    streamed = {e["messageId"] for e in events if e["type"].startswith("TEXT_MESSAGE")}
    state = (await client.get(f"/api/threads/{events[0]['threadId']}")).json()
    kept = [m["id"] for m in state["messages"] if m["role"] == "assistant"]
    assert streamed == set(kept) and len(kept) == 1
    assert not kept[0].startswith("lc_")


async def test_the_model_receives_what_plain_chat_openai_sends(standin: StandInProcess) -> None:
    messages = [
        SystemMessage("be brief"),
        HumanMessage("what is 2 + 2?"),
        AIMessage("", tool_calls=[{"id": "c1", "name": "calculator", "args": {"expression": "2 + 2"}}]),
        ToolMessage("4", tool_call_id="c1"),
        AIMessage("It is 4."),
        HumanMessage("plain payload check [tokens=2]"),
    ]
    options = {"model": "standin", "api_key": "k", "base_url": standin.url, "streaming": True}
    for model in (ChatOpenAI(**options), ThreadChatOpenAI(**options)):
        answer = await model.ainvoke(messages)
        assert answer.content == "turn2 w1"
    last = messages[-1].content
    plain, ours = [r for r in standin.requests() if r["messages"][-1].get("content") == last][-2:]
    assert ours == plain
