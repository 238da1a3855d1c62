"""Graphs served through the GRAPH setting in tests: they show the server is not tied to its own graph."""

import asyncio
from typing import Annotated

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.channels import DeltaChannel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.types import interrupt
from typing_extensions import TypedDict

from agent.delta import add_message_batches


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


def interrupting_graph(checkpointer: BaseCheckpointSaver):
    """Answers, then stops at an interrupt asking for approval (never resumed in the tests)."""

    def answer(state: MessagesState) -> dict:
        return {"messages": [AIMessage(f"Answer to {state['messages'][-1].text}")]}

    def approve(state: MessagesState) -> dict:
        decision = interrupt({"question": "approve?"})
        return {"messages": [AIMessage(f"Approved: {decision}")]}

    graph = StateGraph(MessagesState)
    graph.add_node("answer", answer)
    graph.add_node("approve", approve)
    graph.add_edge(START, "answer")
    graph.add_edge("answer", "approve")
    graph.add_edge("approve", END)
    return graph.compile(checkpointer=checkpointer)


def _echo(state: dict) -> dict:
    return {"messages": [AIMessage(f"echo {state['messages'][-1].text}")]}


def echo_graph(checkpointer: BaseCheckpointSaver):
    """Echoes each user message, its state a plain `MessagesState` (no DeltaChannel)."""
    graph = StateGraph(MessagesState)
    graph.add_node("echo", _echo)
    graph.add_edge(START, "echo")
    return graph.compile(checkpointer=checkpointer)


class FrequentSnapshots(TypedDict):
    messages: Annotated[list[AnyMessage], DeltaChannel(add_message_batches, snapshot_frequency=4)]


def delta_echo_graph(checkpointer: BaseCheckpointSaver):
    """Echoes each user message; its messages a DeltaChannel with a snapshot every other turn."""
    graph = StateGraph(FrequentSnapshots)
    graph.add_node("echo", _echo)
    graph.add_edge(START, "echo")
    return graph.compile(checkpointer=checkpointer)
