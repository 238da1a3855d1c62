"""Starting turns: GET /chat for EventSource, POST /api/chat for everything else."""

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse

from agent.history import CHECKPOINT_ID_PATTERN
from agent.ids import new_id
from agent.input import user_message
from api.deps import ResourcesDep
from api.resources import Resources
from api.sse import parse_last_event_id
from api.streams import RESUME_RESPONSES, STREAM_RESPONSES, run_response
from errors import InvalidRequest, NotFound
from settings import THREAD_ID_PATTERN

router = APIRouter()

ThreadId = Annotated[str, Field(pattern=THREAD_ID_PATTERN, description="1-64 of A-Z a-z 0-9 _ -")]
OnDisconnect = Literal["continue", "cancel"]


class ChatRequest(BaseModel):
    message: str = Field(description="The user's message.")
    thread_id: ThreadId | None = Field(None, description="Omit to start a new thread.")
    on_disconnect: OnDisconnect = Field(
        "continue", description="'cancel' stops the run when this stream's client goes away."
    )
    snapshot: bool = Field(
        False, description="Send MESSAGES_SNAPSHOT (the whole thread) right after RUN_STARTED."
    )
    checkpoint_id: str | None = Field(
        None,
        pattern=CHECKPOINT_ID_PATTERN,
        description="Start from this checkpoint of the thread (fork, edit, regenerate); omit for its head.",
    )


async def _start_turn(resources: Resources, turn: ChatRequest) -> Response:
    human = user_message(turn.message, resources.settings.max_message_bytes)
    if turn.checkpoint_id is not None:
        if turn.thread_id is None:
            raise InvalidRequest("checkpoint_id needs the thread_id it belongs to")
        await resources.history.require(turn.thread_id, turn.checkpoint_id)
    run = await resources.runs.start(
        thread_id=turn.thread_id or new_id(),
        messages=[human],
        snapshot=turn.snapshot,
        checkpoint_id=turn.checkpoint_id,
    )
    abandon = run.cancel if turn.on_disconnect == "cancel" else None
    return run_response(resources, run.follow(0), run_id=run.run_id, on_abandon=abandon)


@router.post("/api/chat", response_class=EventSourceResponse, responses=STREAM_RESPONSES)
async def chat(request: ChatRequest, resources: ResourcesDep) -> Response:
    """Start a turn and stream its events."""
    return await _start_turn(resources, request)


@router.get("/chat", response_class=EventSourceResponse, responses=RESUME_RESPONSES)
async def chat_for_event_source(
    resources: ResourcesDep,
    message: Annotated[str, Query(description="The user's message.")],
    thread_id: Annotated[str | None, Query(pattern=THREAD_ID_PATTERN)] = None,
    on_disconnect: OnDisconnect = "continue",
    snapshot: bool = False,
    checkpoint_id: Annotated[str | None, Query(pattern=CHECKPOINT_ID_PATTERN)] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """Start a turn for a browser's EventSource; a reconnect resumes it instead."""
    if (resume := parse_last_event_id(last_event_id)) is not None:
        run_id, after = resume
        try:
            return run_response(resources, await resources.runs.follow(run_id, after), run_id=run_id)
        except NotFound:
            return Response(status_code=204)  # tells the EventSource to stop reconnecting
    turn = ChatRequest(
        message=message,
        thread_id=thread_id,
        on_disconnect=on_disconnect,
        snapshot=snapshot,
        checkpoint_id=checkpoint_id,
    )
    return await _start_turn(resources, turn)
