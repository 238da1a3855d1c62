"""What `agent.token_tap` leans on in LangChain and LangGraph, pinned.

The tap replaces LangGraph's `stream_mode="messages"` on the server's token
path. It relies on three things no public API promises, each checked here
against LangGraph's own messages stream so that an upgrade that changes one
fails this file, not a user's stream:

- a callback handler that merely has `tap_output_aiter`/`tap_output_iter` makes
  a chat model stream (LangChain's `_StreamingCallbackHandler` is a
  runtime-checkable protocol), without being LangGraph's kind of stream handler
  (which inherits it, and makes LangGraph run every node through `astream`);
- `langgraph.pregel._messages.graph_namespace` gives a model run's namespace as
  the messages stream reports it: in a node, in a subgraph, in a `@task`;
- a model tagged `nostream` streams nothing, in either.
"""

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.constants import TAG_NOSTREAM
from langgraph.func import entrypoint, task
from langgraph.graph import START, MessagesState, StateGraph

from agent.token_tap import TappedToken, TokenTap

ANSWER = "one two three"


def model(**kwargs: object) -> GenericFakeChatModel:
    """A chat model with no `streaming` field: it streams only when a streaming handler asks."""
    return GenericFakeChatModel(messages=iter([AIMessage(ANSWER)] * 10), **kwargs)


def nested_graph():
    async def answer(state: MessagesState) -> dict:
        return {"messages": [await model().ainvoke(state["messages"])]}

    inner = StateGraph(MessagesState)
    inner.add_node("inner_agent", answer)
    inner.add_edge(START, "inner_agent")
    outer = StateGraph(MessagesState)
    outer.add_node("agent", answer)
    outer.add_node("team", inner.compile())
    outer.add_edge(START, "agent")
    outer.add_edge("agent", "team")
    return outer.compile(checkpointer=InMemorySaver())


def functional_graph():
    @task
    async def draft(question: str) -> str:
        return (await model().ainvoke(question)).text

    @entrypoint(checkpointer=InMemorySaver())
    async def workflow(question: str) -> str:
        return await draft(question)

    return workflow


def nodes(namespace: tuple[str, ...]) -> tuple[str, ...]:
    """A namespace without its task ids, which differ from one run to the next."""
    return tuple(segment.partition(":")[0] for segment in namespace)


async def tokens_both_ways(graph, graph_input) -> tuple[list, list]:
    """(namespace's nodes, text) of every token: LangGraph's messages stream, then the tap's.

    The tasks its tokens name (their namespace's, and the one that made them, which
    the translator waits for) are tasks its run's `tasks` stream reported.
    """
    theirs = []
    config = {"configurable": {"thread_id": "a"}}
    async for namespace, (chunk, _) in graph.astream(
        graph_input, config, stream_mode="messages", subgraphs=True
    ):
        if isinstance(chunk, AIMessageChunk) and chunk.text:
            theirs.append((nodes(namespace), chunk.text))
    tapped: list[TappedToken] = []
    tasks = set()
    config = {"configurable": {"thread_id": "b"}, "callbacks": [TokenTap(tapped.append)]}
    async for _, part in graph.astream(graph_input, config, stream_mode="tasks", subgraphs=True):
        tasks.add(f"{part['name']}:{part['id']}")
    assert {segment for token in tapped for segment in token.namespace} <= tasks
    assert {token.metadata["langgraph_checkpoint_ns"].rpartition("|")[2] for token in tapped} <= tasks
    ours = [(nodes(token.namespace), token.chunk.text) for token in tapped if token.chunk.text]
    return theirs, ours


async def test_tokens_stream_with_the_namespaces_of_langgraphs_messages_stream() -> None:
    theirs, ours = await tokens_both_ways(nested_graph(), {"messages": [HumanMessage("hi")]})
    assert ours == theirs
    assert [text for _, text in ours] == ["one", " ", "two", " ", "three"] * 2  # token by token
    assert {namespace for namespace, _ in ours} == {(), ("team",)}


async def test_a_tasks_tokens_belong_to_the_graph_that_called_it() -> None:
    theirs, ours = await tokens_both_ways(functional_graph(), "hi")
    assert ours == theirs and ours and all(namespace == () for namespace, _ in ours)


async def test_a_model_tagged_nostream_is_not_tapped() -> None:
    tapped: list[TappedToken] = []
    quiet = model().with_config(tags=[TAG_NOSTREAM])

    async def answer(state: MessagesState) -> dict:
        return {"messages": [await quiet.ainvoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", answer)
    graph.add_edge(START, "agent")
    config = {"configurable": {"thread_id": "c"}, "callbacks": [TokenTap(tapped.append)]}
    result = await graph.compile().ainvoke({"messages": [HumanMessage("hi")]}, config)
    assert tapped == [] and result["messages"][-1].text == ANSWER


def test_the_tap_is_not_langgraphs_kind_of_stream_handler() -> None:
    from langchain_core.tracers._streaming import _StreamingCallbackHandler

    tap = TokenTap(lambda token: None)
    assert isinstance(tap, _StreamingCallbackHandler)  # LangChain's check: the model streams
    assert _StreamingCallbackHandler not in type(tap).__mro__  # LangGraph's: nodes are not run via astream
