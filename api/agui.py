"""POST /agui: a turn started by an AG-UI client (HttpAgent, CopilotKit, assistant-ui).

The client sends the whole conversation each time; the checkpoint is the
history, so only the messages the thread does not have yet are appended. The
stream is the one /api/chat sends, opened by a MESSAGES_SNAPSHOT of the thread.
Client-side `tools` are ignored (the graph's own tools answer), as are `state`,
`context` and `forwardedProps`: the graph has no use for them yet, except
`forwardedProps.checkpoint_id`: the run starts from that checkpoint (fork,
edit, regenerate), and only the messages that checkpoint lacks are appended.
`resume` answers the thread's open interrupts (see `runs/waiting.py`); it
carries no new message.
"""

import re

from ag_ui.core import RunAgentInput
from fastapi import APIRouter, Response
from sse_starlette import EventSourceResponse

from agent.history import fork_point
from agent.input import agui_resume_messages, agui_turn_messages
from api.deps import ResourcesDep
from api.streams import STREAM_RESPONSES, run_response
from errors import InvalidRequest
from settings import RUN_ID_PATTERN, THREAD_ID_PATTERN

router = APIRouter()


@router.post("/agui", response_class=EventSourceResponse, responses=STREAM_RESPONSES)
async def agui(run_input: RunAgentInput, resources: ResourcesDep) -> Response:
    """Run an AG-UI RunAgentInput on its thread and stream the run's events."""
    thread_id, run_id = run_input.thread_id, run_input.run_id
    if not re.fullmatch(THREAD_ID_PATTERN, thread_id):
        raise InvalidRequest(f"threadId {thread_id!r} is not 1-64 of A-Z a-z 0-9 _ -")
    if not re.fullmatch(RUN_ID_PATTERN, run_id):
        raise InvalidRequest(f"runId {run_id!r} is not 1-64 of A-Z a-z 0-9 _ -")
    checkpoint_id = fork_point(run_input.forwarded_props)
    if checkpoint_id is not None:
        await resources.history.require_fork_point(thread_id, checkpoint_id, resume=run_input.resume)
    history = await resources.threads.checkpointed_messages(thread_id, checkpoint_id) or []
    known_ids = {m.id for m in history if m.id}
    if run_input.resume is not None:
        messages = agui_resume_messages(run_input.messages, known_ids=known_ids)
    else:
        messages = agui_turn_messages(
            run_input.messages,
            known_ids=known_ids,
            thread_id=thread_id,
            max_bytes=resources.settings.max_message_bytes,
        )
    run = await resources.runs.start(
        thread_id=thread_id,
        messages=messages,
        run_id=run_id,
        snapshot=True,
        resume=run_input.resume,
        checkpoint_id=checkpoint_id,
    )
    return run_response(resources, run.follow(0), run_id=run.run_id)
