"""A streamed chat completion read straight from the response's bytes, each chunk a plain dict.

Why not iterate the SDK's `AsyncStream`: it hands each chunk through five async
generators (httpx's `aiter_bytes`, the SDK's `SSEDecoder`, `_iter_events`,
`__stream__`, `__aiter__`), builds a `ServerSentEvent` per event, and after
`[DONE]` drains the body under an anyio cancel scope. Here one generator splits
the SSE lines and `json.loads` each event, as the SDK does, and keeps what it
promises: `[DONE]` ends the stream, an `error` payload raises `openai.APIError`,
a failed or timed-out read raises `APIConnectionError` / `APITimeoutError`, a
chunk that is not JSON raises `json.JSONDecodeError`. After `[DONE]` the rest of
an HTTP/1.1 body is read, for at most `DRAIN_SECONDS`, so the connection goes
back to the pool (openai/openai-python#3440 is why the SDK drains too).
`tests/test_chunk_stream.py` reads the same bytes through the SDK's own path
and expects the same chunks and errors.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any, Self

import httpx2
from langchain_openai import StreamChunkTimeoutError
from openai import APIConnectionError, APIError, APITimeoutError, AsyncStream
from openai._httpx2 import request_exceptions, timeout_exceptions

from agent.chunk_deadline import ChunkDeadline

log = logging.getLogger(__name__)
# After the first output chunk: long enough for the loop to carry that token through the run and
# the SSE response (a few loop turns) before the next chunks are parsed.
FIRST_TOKEN_PAUSE = 0.001
# As long as the SDK waits, after [DONE], for the end of the body.
DRAIN_SECONDS = 0.1


class ChunkStream:
    """A streamed chat completion whose chunks are the dicts the server sent.

    Chunks that arrived together are parsed without a real wait in between: without the pause
    after the first output (text or a tool call) the node would turn all of them into tokens
    before the first one could be sent. Later chunks go on in bursts: a stream sends them a few
    per write anyway, and pausing after each cost a quarter of a turn's CPU at concurrency 10.
    """

    def __init__(self, stream: AsyncStream[object]) -> None:
        self._stream = stream

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._stream.close()

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self.chunks(None)

    async def chunks(
        self, chunk_timeout: float | None, model_name: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Each chunk in turn, none waited for longer than `chunk_timeout` seconds (None: no bound)."""
        response = self._stream.response
        reads = response.aiter_bytes()
        events = EventData()
        deadline = ChunkDeadline(chunk_timeout) if chunk_timeout else None
        received = 0
        output_seen = False
        try:
            while True:
                try:
                    piece = await anext(reads)
                except StopAsyncIteration:
                    return
                except timeout_exceptions() as error:
                    raise APITimeoutError(request=response.request) from error
                except request_exceptions() as error:
                    raise APIConnectionError(request=response.request) from error
                except asyncio.CancelledError:
                    if deadline is None or not deadline.expired():
                        raise
                    raise _stalled(chunk_timeout or 0.0, model_name, received) from None
                for data in events.feed(piece):
                    if data.startswith(b"[DONE]"):
                        if deadline:
                            deadline.cancel()
                        if response.http_version == "HTTP/1.1":
                            await _read_to_the_end(reads)
                        return
                    chunk = json.loads(data.decode())  # strict UTF-8, as the SDK decodes lines
                    if isinstance(chunk, dict):
                        if chunk.get("error"):
                            raise _streamed_error(chunk["error"], response.request)
                        choices = chunk.get("choices")
                        if choices and isinstance(choices[0], dict) and "delta" not in choices[0]:
                            choices[0]["delta"] = None  # as the SDK's model_dump() has it
                    received += 1
                    if deadline:
                        deadline.pause()
                    yield chunk
                    if not output_seen and _carries_output(chunk):
                        output_seen = True
                        await asyncio.sleep(FIRST_TOKEN_PAUSE)
                    if deadline:
                        deadline.resume()
        finally:
            if deadline:
                deadline.cancel()


class EventData:
    """Server-sent events' data, split from the bytes as they arrive (lines end in LF, CRLF or CR)."""

    def __init__(self) -> None:
        self._line_start = b""  # an unfinished line, carried to the next piece
        self._after_cr = False  # the last piece ended in CR: an LF opening the next one ends no line
        self._data: list[bytes] = []  # the data lines of the event being read

    def feed(self, piece: bytes) -> list[bytes]:
        """The data of each event that `piece` completes."""
        if b"\r" in piece or self._after_cr:
            if self._after_cr and piece.startswith(b"\n"):
                piece = piece[1:]
            self._after_cr = piece.endswith(b"\r")
            piece = piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = (self._line_start + piece).split(b"\n")
        self._line_start = lines.pop()
        events = []
        for line in lines:
            if line:
                if line.startswith(b"data:"):
                    self._data.append(line[6:] if line.startswith(b"data: ") else line[5:])
                continue  # comments and the other fields (event, id, retry) change nothing here
            if self._data:
                events.append(self._data[0] if len(self._data) == 1 else b"\n".join(self._data))
                self._data = []
        return events


async def _read_to_the_end(reads: AsyncIterator[bytes]) -> None:
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            async for _ in reads:
                pass
    except (TimeoutError, *request_exceptions()):
        pass  # the answer is complete: a body that does not end only costs the connection


def _stalled(seconds: float, model_name: str | None, received: int) -> StreamChunkTimeoutError:
    """LangChain's own error (and warning) for a stream that sent no chunk for `seconds`."""
    facts = {"timeout_s": seconds, "model_name": model_name, "chunks_received": received}
    log.warning("stream_chunk_timeout fired", extra={"source": "stream_chunk_timeout", **facts})
    return StreamChunkTimeoutError(seconds, model_name=model_name, chunks_received=received)


def _streamed_error(error: object, request: httpx2.Request) -> APIError:
    """The SDK's `APIError` for an `error` payload sent inside the stream."""
    message = error.get("message") if isinstance(error, dict) else None
    if not message or not isinstance(message, str):
        message = "An error occurred during streaming"
    return APIError(message=message, request=request, body=error)


def _carries_output(chunk: object) -> bool:
    """True if a streamed chunk holds text or a tool call (not only the role, or usage)."""
    choices = chunk.get("choices") if isinstance(chunk, dict) else None
    if not choices:
        return False
    delta = choices[0].get("delta") or {}
    return bool(delta.get("content") or delta.get("tool_calls") or delta.get("refusal"))
