"""LangGraph's `RemoteGraph` runs our served graph, alone and as a node of a local graph."""

import uuid

from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.pregel.remote import RemoteGraph

from tests.processes import ServerProcess


def remote_graph(server: ServerProcess) -> RemoteGraph:
    return RemoteGraph("agent", url=server.url, api_key=None)


async def test_remote_graph_invokes_streams_and_reads_state(server: ServerProcess) -> None:
    remote = remote_graph(server)
    config = {"configurable": {"thread_id": uuid.uuid4().hex}}
    values = await remote.ainvoke({"messages": [{"role": "user", "content": "what is 12 * 7?"}]}, config)
    assert values["messages"][-1]["content"] == "The result is 84."
    chunks = [
        c
        async for c in remote.astream(
            {"messages": [{"role": "user", "content": "hi"}]}, config, stream_mode="values"
        )
    ]
    assert chunks[-1]["messages"][-1]["content"] == "turn2 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11"
    updates = [
        c
        async for c in remote.astream(
            {"messages": [{"role": "user", "content": "x"}]}, config, stream_mode="updates"
        )
    ]
    assert [next(iter(c)) for c in updates] == ["agent"]
    state = await remote.aget_state(config)
    assert [m["type"] for m in state.values["messages"]] == [
        "human",
        "ai",
        "tool",
        "ai",
        "human",
        "ai",
        "human",
        "ai",
    ]
    assert state.next == () and state.config["configurable"]["checkpoint_id"]


async def test_remote_graph_is_a_node_of_a_local_graph(server: ServerProcess) -> None:
    builder = StateGraph(MessagesState)
    builder.add_node("remote", remote_graph(server))
    builder.add_edge(START, "remote")
    local = builder.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": uuid.uuid4().hex}}
    result = await local.ainvoke({"messages": [{"role": "user", "content": "what is 12 * 7?"}]}, config)
    assert isinstance(result["messages"][-1], AIMessage)
    assert result["messages"][-1].content == "The result is 84."
    streamed = [
        c
        async for c in local.astream(
            {"messages": [{"role": "user", "content": "hi [tokens=2]"}]}, config, stream_mode="updates"
        )
    ]
    assert streamed[-1]["remote"]["messages"][-1]["content"] == "turn2 w1"
    remote_state = await remote_graph(server).aget_state(config)
    assert remote_state.values["messages"][-1]["content"] == "turn2 w1"
