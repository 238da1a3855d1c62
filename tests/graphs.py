"""Graphs served through the GRAPH setting in tests: they show the server is not tied to its own graph."""

import asyncio
from itertools import takewhile
from typing import Annotated

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from langgraph.channels import DeltaChannel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, create_react_agent, tools_condition
from langgraph.types import Send, interrupt
from typing_extensions import TypedDict

from agent.delta import add_message_batches
from agent.tools import default_tools
from settings import Settings


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


def nested_graph(checkpointer: BaseCheckpointSaver, settings: Settings):
    """Agents inside agents, chosen by the user's message, each built the ordinary way.

    - by default: a `create_react_agent` (with the calculator) used as the node `researcher`;
    - `[supervise]`: a supervisor that hands the question to two sub-agents in turn, each a
      `create_react_agent` called from a node that keeps only its final answer;
    - `[fanout]`: a `Send` fan-out to two `writer` branches that stream at the same time.
    """
    model = ChatOpenAI(
        model=settings.model, api_key=settings.openai_api_key, base_url=settings.openai_base_url
    )
    researcher = create_react_agent(model, default_tools(), name="researcher")
    private = {name: create_react_agent(model, default_tools(), name=name) for name in ("analyst", "editor")}

    def sub_agent(name: str):
        async def run(state: MessagesState) -> dict:
            result = await private[name].ainvoke({"messages": state["messages"]})
            return {"messages": [result["messages"][-1]]}

        return run

    def supervisor(state: MessagesState) -> dict:
        return {}

    def next_agent(state: MessagesState) -> str:
        since_user = takewhile(lambda m: not isinstance(m, HumanMessage), reversed(state["messages"]))
        return ("analyst", "editor", END)[min(sum(isinstance(m, AIMessage) for m in since_user), 2)]

    async def writer(state: MessagesState) -> dict:
        return {"messages": [await model.ainvoke(state["messages"])]}

    def route(state: MessagesState) -> list[Send] | str:
        text = state["messages"][-1].text
        if "[fanout]" in text:
            return [Send("writer", state), Send("writer", state)]
        return "supervisor" if "[supervise]" in text else "researcher"

    graph = StateGraph(MessagesState)
    graph.add_node("researcher", researcher)
    graph.add_node("supervisor", supervisor)
    graph.add_node("analyst", sub_agent("analyst"))
    graph.add_node("editor", sub_agent("editor"))
    graph.add_node("writer", writer)
    graph.add_conditional_edges(START, route, ["researcher", "supervisor", "writer"])
    graph.add_conditional_edges("supervisor", next_agent, ["analyst", "editor", END])
    graph.add_edge("analyst", "supervisor")
    graph.add_edge("editor", "supervisor")
    graph.add_edge("researcher", END)
    graph.add_edge("writer", END)
    return graph.compile(checkpointer=checkpointer)


@tool
def read_legacy_file() -> str:
    """Text decoded with surrogateescape, as a tool reading bytes that are not UTF-8 might return it."""
    return b"caf\xe9 au lait".decode("utf-8", "surrogateescape")


def surrogate_tool_graph(checkpointer: BaseCheckpointSaver):
    """A model-less agent whose tool returns a lone surrogate, which its answer then quotes."""

    def agent(state: MessagesState) -> dict:
        last = state["messages"][-1]
        if isinstance(last, HumanMessage):
            call = {"name": "read_legacy_file", "args": {}, "id": f"call-{len(state['messages'])}"}
            return {"messages": [AIMessage("Reading it.", tool_calls=[call])]}
        return {"messages": [AIMessage(f"It says: {last.text}")]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode([read_legacy_file]))
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


def question_graph(checkpointer: BaseCheckpointSaver):
    """Asks the person a plain question with `interrupt("...")`, then greets them by the answer."""

    def ask(state: MessagesState) -> dict:
        name = interrupt("What is your name?")
        return {"messages": [AIMessage(f"Hello, {name}!")]}

    graph = StateGraph(MessagesState)
    graph.add_node("ask", ask)
    graph.add_edge(START, "ask")
    graph.add_edge("ask", END)
    return graph.compile(checkpointer=checkpointer)


def nested_question_graph(checkpointer: BaseCheckpointSaver):
    """`question_graph`'s question asked from inside a subgraph: the node `onboarding` is a graph."""
    inner = StateGraph(MessagesState)
    inner.add_node(
        "ask", lambda state: {"messages": [AIMessage(f"Hello, {interrupt('What is your name?')}!")]}
    )
    inner.add_edge(START, "ask")
    inner.add_edge("ask", END)
    graph = StateGraph(MessagesState)
    graph.add_node("onboarding", inner.compile())
    graph.add_edge(START, "onboarding")
    graph.add_edge("onboarding", END)
    return graph.compile(checkpointer=checkpointer)


def two_questions_graph(checkpointer: BaseCheckpointSaver):
    """Two parallel nodes, each asking its own question: one run ends on two interrupts."""

    def asker(question: str):
        def ask(state: MessagesState) -> dict:
            return {"messages": [AIMessage(f"{question} {interrupt(question)}")]}

        return ask

    graph = StateGraph(MessagesState)
    graph.add_node("first", asker("First?"))
    graph.add_node("second", asker("Second?"))
    graph.add_edge(START, "first")
    graph.add_edge(START, "second")
    graph.add_edge("first", END)
    graph.add_edge("second", END)
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
