"""The SSE response every streaming endpoint returns.

sse-starlette frames the events (LF only: strict AG-UI parsers split on
"\\n\\n"), sends `: ping` after 15 s of silence and notices disconnects. The
stream only follows a run; when the client goes away the run goes on, unless
the client asked for `on_disconnect=cancel`.

Events that are already waiting when the stream wakes (a burst of tokens) go
out in one write: each keeps its own `id:`/`data:` frame, but a socket write
and an ASGI send per token cost more CPU than building the events did.
"""

import re
from collections.abc import AsyncIterator, Callable

from sse_starlette import EventSourceResponse, ServerSentEvent

from settings import RUN_ID_PATTERN

RETRY_MS = 2000
PING_SECONDS = 15
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _ping() -> ServerSentEvent:
    return ServerSentEvent(comment="ping", sep="\n")


def event_stream(
    events: AsyncIterator[tuple[int, str]],
    *,
    run_id: str,
    on_abandon: Callable[[], None] | None = None,
) -> EventSourceResponse:
    """Stream `events` (sequence number, JSON) as `id: run:seq` / `data:` frames."""

    async def frames() -> AsyncIterator[ServerSentEvent | bytes]:
        yield ServerSentEvent(retry=RETRY_MS, sep="\n")
        finished = False
        ready: Callable[[], list[tuple[int, str]]] = getattr(events, "ready", list)
        try:
            async for seq, data in events:
                burst = [(seq, data), *ready()]
                yield b"".join(
                    ServerSentEvent(data=d, id=f"{run_id}:{s}", sep="\n").encode() for s, d in burst
                )
            finished = True
        finally:
            if not finished and on_abandon is not None:
                on_abandon()

    return EventSourceResponse(
        frames(), sep="\n", ping=PING_SECONDS, ping_message_factory=_ping, headers=HEADERS
    )


def parse_last_event_id(value: str | None) -> tuple[str, int] | None:
    """`run_id:seq` from a Last-Event-ID header, or None if it is not one of ours."""
    if not value:
        return None
    run_id, _, seq = value.rpartition(":")
    if not re.fullmatch(RUN_ID_PATTERN, run_id) or not seq.isdecimal() or len(seq) > 9:
        return None
    return run_id, int(seq)
