"""A model-less graph for tests: it uses the store, `interrupt()` and the stream writer."""

import uuid

from langchain_core.messages import AIMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.config import get_stream_writer
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.store.base import BaseStore
from langgraph.types import interrupt


def memory_graph(checkpointer: BaseCheckpointSaver, store: BaseStore):
    """Keeps every user message as a note in the store (across threads) and says how many it has;
    a message starting with "ask" first asks the user a question with `interrupt()`."""

    async def remember(state: MessagesState, *, store: BaseStore) -> dict[str, list[AIMessage]]:
        said = state["messages"][-1].text
        answer = interrupt({"question": "who is asking?"}) if said.startswith("ask") else "nobody asked"
        get_stream_writer()({"note": said})
        await store.aput(("notes",), uuid.uuid4().hex, {"text": said})
        count = len(await store.asearch(("notes",), limit=1000))
        return {"messages": [AIMessage(f"{count} notes; {answer}", id=uuid.uuid4().hex)]}

    graph = StateGraph(MessagesState)
    graph.add_node("remember", remember)
    graph.add_edge(START, "remember")
    return graph.compile(checkpointer=checkpointer, store=store, name="memory")
