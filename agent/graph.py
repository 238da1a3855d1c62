"""The default graph, and loading the graph named by the GRAPH setting.

A graph factory receives the checkpointer (and `settings` and `store`, the
LangGraph store shared by every thread, if it has parameters of those names)
and returns a compiled graph. The server assumes only that the graph's state has
a `messages` channel with LangGraph's message reducer (`add_messages`, or
`agent.delta.ChatState`'s `DeltaChannel` of it, which keeps history small).
"""

import importlib
import inspect
from typing import Any

from langchain_core.messages import BaseMessage, trim_messages
from langchain_core.messages.utils import count_tokens_approximately
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.store.base import BaseStore

from agent.delta import ChatState
from agent.model import make_chat_model
from agent.tools import default_tools
from settings import Settings


def build_graph(
    checkpointer: BaseCheckpointSaver, settings: Settings, store: BaseStore | None = None
) -> CompiledStateGraph:
    """A chat model bound to the calculator and the clock, looping until it answers."""
    tools = default_tools()
    model = make_chat_model(settings).bind_tools(tools)

    async def agent(state: ChatState) -> dict[str, list[BaseMessage]]:
        messages = fit_context(state["messages"], settings.context_tokens)
        return {"messages": [await model.ainvoke(messages)]}

    graph = StateGraph(ChatState)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode(tools, handle_tool_errors=True))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_or_end, ["tools", END])
    graph.add_edge("tools", "agent")
    return graph.compile(checkpointer=checkpointer, store=store)


async def tools_or_end(state: ChatState) -> str:
    """`tools_condition`, as a coroutine: LangGraph runs a plain function in a thread, every turn."""
    return tools_condition(state)


def fit_context(messages: list[BaseMessage], budget: int | None) -> list[BaseMessage]:
    """The latest messages that fit `budget` tokens, starting on a user turn; all if no budget."""
    if budget is None:
        return messages
    return trim_messages(
        messages,
        max_tokens=budget,
        token_counter=count_tokens_approximately,
        strategy="last",
        start_on="human",
        include_system=True,
        allow_partial=False,
    )


def load_graph(
    reference: str, *, checkpointer: BaseCheckpointSaver, settings: Settings, store: BaseStore | None = None
) -> Any:
    """Build the graph of `package.module:factory`."""
    module_name, _, factory_name = reference.partition(":")
    factory = getattr(importlib.import_module(module_name), factory_name)
    offered = {"settings": settings, "store": store}
    parameters = inspect.signature(factory).parameters
    return factory(checkpointer, **{name: value for name, value in offered.items() if name in parameters})
