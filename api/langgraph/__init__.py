"""The LangGraph Server API (the Agent Protocol subset LangGraph's own clients use): a second door."""
