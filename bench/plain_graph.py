"""The default graph written the ordinary way: stock `ChatOpenAI`, `ToolNode`, `tools_condition`.

The baseline server runs it, and our server serves it with `GRAPH=bench.plain_graph:build`,
so the benchmark shows what a user's own graph costs, not only ours; and with
`GRAPH=bench.plain_graph:build_with_drop_in`, the same graph with `ChatOpenAI` replaced by
`agent.model.ThreadChatOpenAI`, the drop-in users once swapped in by hand. Both now stream the
fast way (`agent/openai_streams.py`), so the two should cost the same.
"""

from langchain_core.messages import BaseMessage
from langchain_openai import ChatOpenAI
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from agent.model import ThreadChatOpenAI
from agent.tools import default_tools
from settings import Settings


def build(
    checkpointer: BaseCheckpointSaver, settings: Settings, chat_model: type[ChatOpenAI] = ChatOpenAI
) -> CompiledStateGraph:
    tools = default_tools()
    model = chat_model(
        model=settings.model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        streaming=True,
        stream_usage=True,
        max_retries=settings.model_max_retries,
    ).bind_tools(tools)

    async def agent(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [await model.ainvoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode(tools, handle_tool_errors=True))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition, ["tools", END])
    graph.add_edge("tools", "agent")
    return graph.compile(checkpointer=checkpointer)


def build_with_drop_in(checkpointer: BaseCheckpointSaver, settings: Settings) -> CompiledStateGraph:
    return build(checkpointer, settings, ThreadChatOpenAI)
