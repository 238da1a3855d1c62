"""Everything LangGraph: the graph, its model and tools, runs, and the stream translator."""
