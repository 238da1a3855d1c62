"""Starting turns: GET /chat for EventSource, POST /api/chat for everything else."""

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse

from agent.run import Run
from agent.runs import new_id
from agent.text import has_surrogates
from api.deps import ResourcesDep
from api.resources import Resources
from api.runs import resume as resume_run
from api.sse import event_stream, parse_last_event_id
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


def check_text(text: str, max_bytes: int, *, name: str = "message") -> None:
    """Refuse text over `max_bytes` of UTF-8, or with a NUL or a lone surrogate (not storable text)."""
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InvalidRequest(f"{name} is longer than {max_bytes} bytes")
    if "\x00" in text:
        raise InvalidRequest(f"{name} contains a NUL character")
    if not text.isascii() and has_surrogates(text):
        raise InvalidRequest(f"{name} contains a lone surrogate (not a Unicode character)")


def checked_message(text: str, max_bytes: int) -> HumanMessage:
    if not text.strip():
        raise InvalidRequest("message is empty")
    check_text(text, max_bytes)
    return HumanMessage(text, id=new_id())


async def start_turn(
    resources: Resources,
    *,
    message: str,
    thread_id: str | None,
    on_disconnect: OnDisconnect,
    snapshot: bool,
) -> EventSourceResponse:
    human = checked_message(message, resources.settings.max_message_bytes)
    run = await resources.runs.start(thread_id=thread_id or new_id(), messages=[human], snapshot=snapshot)
    return _follow(resources, run, after=0, on_disconnect=on_disconnect)


def _follow(
    resources: Resources, run: Run, *, after: int, on_disconnect: OnDisconnect
) -> EventSourceResponse:
    abandon = (lambda: resources.runs.cancel_run(run)) if on_disconnect == "cancel" else None
    return event_stream(run.follow(after), run_id=run.run_id, on_abandon=abandon)


@router.post("/api/chat", response_class=EventSourceResponse)
async def chat(request: ChatRequest, resources: ResourcesDep) -> EventSourceResponse:
    """Start a turn and stream its events."""
    return await start_turn(
        resources,
        message=request.message,
        thread_id=request.thread_id,
        on_disconnect=request.on_disconnect,
        snapshot=request.snapshot,
    )


@router.get("/chat", response_class=EventSourceResponse)
async def chat_for_event_source(
    resources: ResourcesDep,
    message: Annotated[str, Query(description="The user's message.")],
    thread_id: Annotated[str | None, Query(pattern=THREAD_ID_PATTERN)] = None,
    on_disconnect: OnDisconnect = "continue",
    snapshot: bool = False,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """Start a turn for a browser's EventSource; a reconnect resumes it instead."""
    if (resume := parse_last_event_id(last_event_id)) is not None:
        run_id, after = resume
        try:
            return await resume_run(resources, run_id=run_id, after=after)
        except NotFound:
            return Response(status_code=204)  # tells the EventSource to stop reconnecting
    return await start_turn(
        resources,
        message=message,
        thread_id=thread_id,
        on_disconnect=on_disconnect,
        snapshot=snapshot,
    )
