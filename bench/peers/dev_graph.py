"""bench/plain_graph.py for `langgraph dev`, which brings its own (in-memory) checkpointer."""

from bench.plain_graph import build
from settings import Settings

graph = build(None, Settings())  # type: ignore[arg-type]
