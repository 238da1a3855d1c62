"""Graphs served through the GRAPH setting in tests: they show the server is not tied to its own graph."""

import asyncio

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition


@tool
async def wait_a_while(seconds: float) -> str:
    """Wait, reporting progress every tenth of the time."""
    write = get_stream_writer()
    for step in range(10):
        write({"message": f"waited {step}/10", "fraction": step / 10})
        await asyncio.sleep(seconds / 10)
    return f"waited {seconds} s"


def slow_tool_graph(checkpointer: BaseCheckpointSaver):
    """A model-less agent: asks for a slow tool on every user message, then says it is done."""

    def agent(state: MessagesState) -> dict:
        last = state["messages"][-1]
        if isinstance(last, HumanMessage):
            seconds = (
                float(last.text.split()[-1]) if last.text.split()[-1].replace(".", "").isdigit() else 30.0
            )
            call = {
                "name": "wait_a_while",
                "args": {"seconds": seconds},
                "id": f"call-{len(state['messages'])}",
            }
            return {"messages": [AIMessage("Let me wait.", tool_calls=[call])]}
        assert isinstance(last, ToolMessage)
        return {"messages": [AIMessage(f"Done: {last.text}")]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode([wait_a_while]))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition, ["tools", END])
    graph.add_edge("tools", "agent")
    return graph.compile(checkpointer=checkpointer)


class NotedState(MessagesState):
    notes: list[str]
    visits: int


def noting_graph(checkpointer: BaseCheckpointSaver):
    """A model-less graph with channels besides `messages`: each turn notes the user's words and counts."""

    def note(state: NotedState) -> dict:
        said = state["messages"][-1].text
        return {
            "notes": [*state.get("notes", []), said],
            "visits": state.get("visits", 0) + 1,
            "messages": [AIMessage(f"Noted: {said}")],
        }

    graph = StateGraph(NotedState)
    graph.add_node("note", note)
    graph.add_edge(START, "note")
    graph.add_edge("note", END)
    return graph.compile(checkpointer=checkpointer)


def research_graph(checkpointer: BaseCheckpointSaver):
    """A model-less graph with a subgraph: `researcher` (search, then summarise) runs before `writer`."""

    async def search(state: MessagesState) -> dict:
        await asyncio.sleep(0.3)
        return {"messages": [AIMessage("Found three sources.")]}

    def summarise(state: MessagesState) -> dict:
        return {"messages": [AIMessage("In short: it depends.")]}

    def write(state: MessagesState) -> dict:
        return {"messages": [AIMessage(f"Report on: {state['messages'][0].text}")]}

    inner = StateGraph(MessagesState)
    inner.add_node("search", search)
    inner.add_node("summarise", summarise)
    inner.add_edge(START, "search")
    inner.add_edge("search", "summarise")
    inner.add_edge("summarise", END)
    outer = StateGraph(MessagesState)
    outer.add_node("researcher", inner.compile())
    outer.add_node("writer", write)
    outer.add_edge(START, "researcher")
    outer.add_edge("researcher", "writer")
    outer.add_edge("writer", END)
    return outer.compile(checkpointer=checkpointer)
