"""The served graph as the debug page draws it: nodes, edges and subgraphs, from the compiled graph.

Built from `graph.get_graph(xray=True)`, which draws each subgraph's inner
nodes in place of the node that runs it, with ids joined by ":" (a node `search`
of the subgraph run by `researcher` is `researcher:search`). That id, split on
":", is the `metadata.path` the AG-UI events carry, so the page can light a node
from an event. Each subgraph also gets a node of its own (kind "subgraph") that
its inner nodes name as `parent`, so the page can fold them into it.
"""

from typing import Any, Literal

from pydantic import BaseModel

START = "__start__"
END = "__end__"

NodeKind = Literal["start", "end", "node", "subgraph"]


class GraphNode(BaseModel):
    id: str  # the node's path from the root graph, joined by ":"
    name: str
    kind: NodeKind
    parent: str | None  # the subgraph node that holds it, or null at the top
    metadata: dict[str, Any] | None = None


class GraphEdge(BaseModel):
    source: str
    target: str
    conditional: bool  # chosen at run time by a routing function (drawn dashed)
    label: str | None = None


class GraphShape(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


def graph_shape(drawable: Any) -> GraphShape:
    """The nodes and edges of `drawable`, a `langchain_core.runnables.graph.Graph` drawn with xray."""
    nodes: dict[str, GraphNode] = {}
    for node in drawable.nodes.values():
        *outer, name = node.id.split(":")
        for depth in range(1, len(outer) + 1):
            subgraph = ":".join(outer[:depth])
            nodes.setdefault(
                subgraph,
                GraphNode(
                    id=subgraph,
                    name=outer[depth - 1],
                    kind="subgraph",
                    parent=":".join(outer[: depth - 1]) or None,
                ),
            )
        nodes[node.id] = GraphNode(
            id=node.id,
            name=name,
            kind=_kind(name, outer),
            parent=":".join(outer) or None,
            metadata=_json_safe(node.metadata),
        )
    edges = [
        GraphEdge(
            source=edge.source,
            target=edge.target,
            conditional=bool(edge.conditional),
            label=None if edge.data is None else str(edge.data),
        )
        for edge in drawable.edges
    ]
    return GraphShape(nodes=list(nodes.values()), edges=edges)


def _kind(name: str, outer: list[str]) -> NodeKind:
    if not outer and name == START:
        return "start"
    if not outer and name == END:
        return "end"
    return "node"


def _json_safe(metadata: dict[str, Any] | None) -> dict[str, Any] | None:
    if not metadata:
        return None
    return {
        str(key): value if isinstance(value, str | int | float | bool | list) else str(value)
        for key, value in metadata.items()
    }
