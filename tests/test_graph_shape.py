"""The served graph's shape for the debug page: nodes, edges (conditional ones marked), subgraphs."""

import httpx
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, MessagesState, StateGraph

from agent.graph import build_graph
from agent.graph_shape import graph_shape
from settings import Settings


def _write(_state: MessagesState) -> dict:
    return {"messages": []}


def _nested_graph():
    inner = StateGraph(MessagesState)
    inner.add_node("search", _write)
    inner.add_node("summarise", _write)
    inner.add_edge(START, "search")
    inner.add_edge("search", "summarise")
    inner.add_edge("summarise", END)
    outer = StateGraph(MessagesState)
    outer.add_node("researcher", inner.compile())
    outer.add_node("writer", _write)
    outer.add_edge(START, "researcher")
    outer.add_edge("researcher", "writer")
    outer.add_edge("writer", END)
    return outer.compile()


def test_the_default_graph_has_its_nodes_and_its_conditional_edges_marked() -> None:
    graph = build_graph(InMemorySaver(), Settings(openai_api_key=None))
    shape = graph_shape(graph.get_graph(xray=True))
    assert {(n.id, n.kind) for n in shape.nodes} == {
        ("__start__", "start"),
        ("agent", "node"),
        ("tools", "node"),
        ("__end__", "end"),
    }
    edges = {(e.source, e.target, e.conditional) for e in shape.edges}
    assert edges == {
        ("__start__", "agent", False),
        ("agent", "tools", True),
        ("agent", "__end__", True),
        ("tools", "agent", False),
    }


def test_a_subgraph_is_a_node_holding_its_inner_nodes_named_by_their_path() -> None:
    shape = graph_shape(_nested_graph().get_graph(xray=True))
    nodes = {n.id: n for n in shape.nodes}
    assert nodes["researcher"].kind == "subgraph"
    assert nodes["researcher"].parent is None
    assert nodes["researcher:search"].name == "search"
    assert nodes["researcher:search"].parent == "researcher"
    assert nodes["researcher:summarise"].parent == "researcher"
    assert nodes["writer"].parent is None
    edges = {(e.source, e.target) for e in shape.edges}
    assert ("researcher:search", "researcher:summarise") in edges
    assert ("researcher:summarise", "writer") in edges


async def test_get_api_graph_serves_the_shape_of_the_served_graph(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.get("/api/graph")
    assert response.status_code == 200
    body = response.json()
    assert {n["id"] for n in body["nodes"]} == {"__start__", "agent", "tools", "__end__"}
    assert {"source": "agent", "target": "tools", "conditional": True, "label": None} in body["edges"]
