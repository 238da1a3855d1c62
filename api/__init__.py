"""The HTTP surface: routes, the SSE response, errors and dependencies."""
