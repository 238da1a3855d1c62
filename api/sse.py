"""The SSE response every streaming endpoint returns.

sse-starlette frames the events (LF only: strict AG-UI parsers split on
"\\n\\n"), sends `: ping` after 15 s of silence and notices disconnects. The
stream only follows a run; when the client goes away the run goes on, unless
the client asked for `on_disconnect=cancel`.

On SIGTERM the stream is not cut: sse-starlette sets the shared shutdown event
(which starts the run registry's drain) and lets the stream go on until its run
ends, within the grace period and its margin, so the client reads the run's
own last event (its cancelled RUN_FINISHED if the grace ran out).

Events that are already waiting when the stream wakes (a burst of tokens) go
out in one write: each keeps its own `id:`/`data:` frame, but a socket write
and an ASGI send per token cost more CPU than building the events did (on this
kind of machine a loopback `send()` is some 100 µs, a third of a turn's CPU
when each of 50 tokens had its own). A token that comes less than
`TOKEN_BATCH_SECONDS` after the last write that carried one waits for the rest
of that time, so a fast model's tokens go out a few per write. A token further
from the last (a slow model's, every first one) and every other event go out
at once, without a timer: the first token is never held, and neither is the
end of a run.

The body is gzipped, each write flushed, for clients that accept it
(`api/gzip_stream.py`).
"""

import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import anyio
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.types import Message, Receive, Scope, Send

from api.gzip_stream import GzipSend, accepts_gzip
from runs.buffer import EventFeed, split_named
from settings import RUN_ID_PATTERN

RETRY_MS = 2000
PING_SECONDS = 15
TOKEN_BATCH_SECONDS = 0.02  # tokens of a fast model gather this long: well under what a reader notices
TOKEN_EVENTS = (  # the events that come in floods: a token each
    '{"type":"TEXT_MESSAGE_CONTENT"',
    '{"type":"TOOL_CALL_ARGS"',
    '{"type":"REASONING_MESSAGE_CONTENT"',
    "messages",  # the LangGraph API's messages, messages/partial and messages|<namespace>
)
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
SHUTDOWN_MARGIN_SECONDS = 5.0  # after the runs' grace, for their last events to reach the clients


@dataclass(frozen=True)
class Shutdown:
    """Set by sse-starlette when the server begins to stop; one for every stream of the process."""

    event: anyio.Event
    grace_seconds: float


def _ping() -> ServerSentEvent:
    return ServerSentEvent(comment="ping", sep="\n")


def event_stream(
    events: EventFeed,
    *,
    run_id: str,
    shutdown: Shutdown,
    on_abandon: Callable[[], object] | None = None,
    headers: dict[str, str] | None = None,
    retry: bool = True,
) -> EventSourceResponse:
    """Stream `events` (sequence number, JSON) as `id: run:seq` / `data:` frames (with `event:`
    for the named events of the LangGraph API)."""

    async def frames() -> AsyncIterator[ServerSentEvent | bytes]:
        if retry:  # LangGraph's JS client would hand an event of no name to its caller
            yield ServerSentEvent(retry=RETRY_MS, sep="\n")
        finished = False
        last_token_write = -TOKEN_BATCH_SECONDS
        try:
            async for seq, data in events:
                if data.startswith(TOKEN_EVENTS):
                    wait = last_token_write + TOKEN_BATCH_SECONDS - time.monotonic()
                    if wait > 0:
                        await anyio.sleep(wait)
                burst = [(seq, data), *events.ready()]
                yield b"".join(_frame(run_id, s, d) for s, d in burst)
                if any(d.startswith(TOKEN_EVENTS) for _, d in burst):
                    last_token_write = time.monotonic()
            finished = True
        finally:
            if not finished and on_abandon is not None:
                on_abandon()

    return GzipEventSourceResponse(
        frames(),
        sep="\n",
        ping=PING_SECONDS,
        ping_message_factory=_ping,
        headers={**HEADERS, **(headers or {})},
        shutdown_event=shutdown.event,
        shutdown_grace_period=shutdown.grace_seconds + SHUTDOWN_MARGIN_SECONDS,
    )


class GzipEventSourceResponse(EventSourceResponse):
    """sse-starlette's response, gzipped when the client accepts it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, GzipSend(send) if accepts_gzip(scope) else send)

    async def _send_with_timeout(self, send: Send, message: Message) -> None:
        """Each write straight to `send`: with no `send_timeout` (ours) sse-starlette still opens an
        anyio cancel scope around every write, a tenth of a slow model's per-token CPU.
        `tests/test_sse_contract.py` fails if sse-starlette stops writing through this method."""
        if self.send_timeout is not None:
            await super()._send_with_timeout(send, message)
        else:
            await send(message)


def _frame(run_id: str, seq: int, text: str) -> bytes:
    """`ServerSentEvent(data=…, event=…, id=…, sep="\\n").encode()`, without the object: JSON text
    has no raw line break, so it is one `data:` line (anything else takes sse-starlette's way)."""
    name, data = split_named(text)
    if "\n" in data or "\r" in data:
        return ServerSentEvent(data=data, event=name, id=f"{run_id}:{seq}", sep="\n").encode()
    if name is None:
        return f"id: {run_id}:{seq}\ndata: {data}\n\n".encode()
    return f"id: {run_id}:{seq}\nevent: {name}\ndata: {data}\n\n".encode()


def parse_last_event_id(value: str | None) -> tuple[str, int] | None:
    """`run_id:seq` from a Last-Event-ID header, or None if it is not one of ours."""
    if not value:
        return None
    run_id, _, seq = value.rpartition(":")
    if not re.fullmatch(RUN_ID_PATTERN, run_id) or not seq.isdecimal() or len(seq) > 9:
        return None
    return run_id, int(seq)
