"""A graph state's values as JSON, as clients read them: messages in the AG-UI shape, the rest as is."""

from typing import Any

from pydantic_core import to_jsonable_python

from agent.messages import agui_messages


def state_values(values: dict[str, Any]) -> dict[str, Any]:
    """A state's values as JSON, as GET /api/threads/{id}/state gives them: messages in the AG-UI shape."""
    return {
        channel: to_jsonable_python(agui_messages(list(value)), by_alias=True)
        if channel == "messages" and isinstance(value, list)
        else to_jsonable_python(value, fallback=repr)
        for channel, value in values.items()
    }
