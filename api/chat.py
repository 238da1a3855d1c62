"""Starting turns: GET /chat for EventSource, POST /api/chat for everything else."""

from typing import Annotated, Literal

from ag_ui.core import ResumeEntry
from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse

from agent.history import CHECKPOINT_ID_PATTERN
from agent.ids import new_id
from agent.input import resumed_turn_messages, user_message
from agent.interrupts import parse_resume
from api.deps import ResourcesDep
from api.resources import Resources
from api.sse import parse_last_event_id
from api.streams import RESUME_RESPONSES, STREAM_RESPONSES, run_response
from errors import InvalidRequest, NotFound
from runs.multitask import Strategy, start_with_strategy
from settings import THREAD_ID_PATTERN

router = APIRouter()

ThreadId = Annotated[str, Field(pattern=THREAD_ID_PATTERN, description="1-64 of A-Z a-z 0-9 _ -")]
OnDisconnect = Literal["continue", "cancel"]


class ChatRequest(BaseModel):
    message: str | None = Field(None, description="The user's message (omit it with `resume`).")
    thread_id: ThreadId | None = Field(None, description="Omit to start a new thread.")
    on_disconnect: OnDisconnect = Field(
        "continue", description="'cancel' stops the run when this stream's client goes away."
    )
    snapshot: bool = Field(
        False, description="Send MESSAGES_SNAPSHOT (the whole thread) right after RUN_STARTED."
    )
    resume: list[ResumeEntry] | None = Field(
        None,
        description="Answers to every open interrupt of the thread (AG-UI ResumeEntry), not a message.",
    )
    multitask_strategy: Strategy = Field(
        "reject",
        description="When the thread has a run: reject (409), interrupt or rollback it, or enqueue after it.",
    )
    checkpoint_id: str | None = Field(
        None,
        pattern=CHECKPOINT_ID_PATTERN,
        description="Start from this checkpoint of the thread (fork, edit, regenerate); omit for its head.",
    )


async def _start_turn(resources: Resources, turn: ChatRequest) -> Response:
    messages = resumed_turn_messages(turn.message, turn.resume, turn.thread_id)
    if messages is None:
        if turn.message is None:
            raise InvalidRequest("message: Field required (or a resume, with the thread_id)")
        messages = [user_message(turn.message, resources.settings.max_message_bytes)]
    if turn.checkpoint_id is not None:
        await resources.history.require_fork_point(turn.thread_id, turn.checkpoint_id, resume=turn.resume)
    thread_id = turn.thread_id or new_id()
    run = await start_with_strategy(
        resources.runs,
        thread_id=thread_id,
        strategy=turn.multitask_strategy,
        start=lambda: resources.runs.start(
            thread_id=thread_id,
            messages=messages,
            snapshot=turn.snapshot,
            resume=turn.resume,
            checkpoint_id=turn.checkpoint_id,
        ),
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
    message: Annotated[str | None, Query(description="The user's message.")] = None,
    thread_id: Annotated[str | None, Query(pattern=THREAD_ID_PATTERN)] = None,
    resume: Annotated[str | None, Query(description="A JSON list of AG-UI ResumeEntry.")] = None,
    on_disconnect: OnDisconnect = "continue",
    snapshot: bool = False,
    multitask_strategy: Strategy = "reject",
    checkpoint_id: Annotated[str | None, Query(pattern=CHECKPOINT_ID_PATTERN)] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """Start a turn for a browser's EventSource; a reconnect resumes it instead."""
    if (reconnect := parse_last_event_id(last_event_id)) is not None:
        run_id, after = reconnect
        try:
            return run_response(resources, await resources.runs.follow(run_id, after), run_id=run_id)
        except NotFound:
            return Response(status_code=204)  # tells the EventSource to stop reconnecting
    turn = ChatRequest(
        message=message,
        thread_id=thread_id,
        on_disconnect=on_disconnect,
        snapshot=snapshot,
        resume=parse_resume(resume),
        multitask_strategy=multitask_strategy,
        checkpoint_id=checkpoint_id,
    )
    return await _start_turn(resources, turn)
