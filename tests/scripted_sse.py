"""An OpenAI-compatible endpoint on a bare socket that answers with scripted SSE bytes.

Each piece of a script goes out as its own HTTP chunk, and httpx hands the
client one read per chunk, so a script fixes where the client's reads begin and
end (an event split across reads, CR and LF in different reads) over a real
socket. The script is named in the last message: `[script=NAME]`. Requests
(method, path, headers, body) and accepted connections are recorded.
"""

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

SCRIPT = re.compile(r"\[script=([\w-]+)\]")


def event(payload: dict[str, Any], end: bytes = b"\n\n") -> bytes:
    return b"data: " + json.dumps(payload).encode() + end


def text_chunk(text: str, finish: str | None = None, *, first: bool = False) -> dict[str, Any]:
    delta = {"role": "assistant", "content": text} if first else {"content": text}
    return {
        "id": "chatcmpl-s",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "scripted",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


HELLO, WORLD = event(text_chunk("hello", first=True)), event(text_chunk(" world"))
DONE = b"data: [DONE]\n\n"
PAUSE = None  # in a script: 0.3 s before the next piece

SCRIPTS: dict[str, list[bytes | None]] = {
    "plain": [HELLO, WORLD, DONE],
    "split": [HELLO[:9], HELLO[9:] + WORLD[:-1], WORLD[-1:], DONE],
    "crlf": [
        HELLO.replace(b"\n", b"\r\n")[:-3],
        HELLO.replace(b"\n", b"\r\n")[-3:-1],
        b"\n" + WORLD.replace(b"\n", b"\r\n"),
        DONE.replace(b"\n", b"\r\n"),
    ],
    "cr": [HELLO.replace(b"\n", b"\r"), WORLD.replace(b"\n", b"\r"), DONE.replace(b"\n", b"\r")],
    "fields": [b": keepalive\n\n", b"event: message\nid: 7\nretry: 100\n" + HELLO, b":\n" + WORLD, DONE],
    "two-data-lines": [
        b'data: {"id": "c", "choices": [{"index": 0,\ndata:  "delta": {"content": "hi"}}]}\n\n',
        DONE,
    ],
    "no-delta": [HELLO, event({"id": "c", "choices": [{"index": 0, "finish_reason": "stop"}]}), DONE],
    "error": [HELLO, event({"error": {"message": "the model is overloaded", "type": "server_error"}}), DONE],
    "error-without-message": [event({"error": {"code": 42}}), DONE],
    "malformed": [HELLO, b"data: {not json\n\n", DONE],
    "no-done": [HELLO, WORLD],
    "keepalives-only": [
        HELLO,
        b": keepalive\n\n",
        PAUSE,
        b": keepalive\n\n",
        PAUSE,
        b": keepalive\n\n",
        PAUSE,
        WORLD,
        DONE,
    ],
    "slow": [HELLO, PAUSE, PAUSE, WORLD, DONE],
    "json": [event(text_chunk('{"name": ', first=True)), event(text_chunk('"Ada"}', "stop")), DONE],
    "trailing-bytes": [HELLO, DONE, b": bye\n\n"],
}
COMPLETION = {
    "id": "chatcmpl-n",
    "object": "chat.completion",
    "created": 1,
    "model": "scripted",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "not streamed"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
}


@dataclass
class ScriptedEndpoint:
    """What the endpoint saw; `url` is its base URL (any path is answered)."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    connections: int = 0
    open_after_done: bool = False  # hold the body open after the script instead of ending it


@asynccontextmanager
async def scripted_endpoint() -> AsyncIterator[ScriptedEndpoint]:
    endpoint = ScriptedEndpoint()
    closing = asyncio.Event()
    writers: set[asyncio.StreamWriter] = set()
    handlers: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        endpoint.connections += 1
        writers.add(writer)
        handlers.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            while await _answer(reader, writer, endpoint, closing):
                pass
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    endpoint.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    async with server:
        yield endpoint
        closing.set()
        for writer in writers:
            writer.close()
        await asyncio.gather(*handlers)


async def _answer(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    endpoint: ScriptedEndpoint,
    closing: asyncio.Event,
) -> bool:
    head = await reader.readuntil(b"\r\n\r\n")
    request_line, *lines = head.decode().split("\r\n")
    headers = {}
    for line in filter(None, lines):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = json.loads(await reader.readexactly(int(headers.get("content-length", "0"))) or b"{}")
    method, path, _ = request_line.split(" ")
    endpoint.requests.append({"method": method, "path": path, "headers": headers, "body": body})
    if not body.get("stream"):
        content = json.dumps(COMPLETION).encode()
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
        writer.write(b"content-length: %d\r\n\r\n" % len(content) + content)
        await writer.drain()
        return True
    last = body["messages"][-1].get("content") or ""
    match = SCRIPT.search(last if isinstance(last, str) else json.dumps(last))
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
    for piece in SCRIPTS[match.group(1) if match else "plain"]:
        if piece is PAUSE:
            await asyncio.sleep(0.3)
            continue
        writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        await writer.drain()
    if endpoint.open_after_done:
        await closing.wait()
        return False
    writer.write(b"0\r\n\r\n")
    await writer.drain()
    return True
