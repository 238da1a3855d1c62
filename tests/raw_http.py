"""HTTP/1.1 over a bare socket: for requests httpx will not send (a body announced but never sent)."""

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

ANSWER_TIMEOUT = 30.0


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


async def exchange(port: int, head: str, body: Iterable[bytes] = ()) -> RawResponse:
    """Send `head` (request line and headers, without the blank line) and `body`, then read one answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n")
        for chunk in body:
            writer.write(chunk)
            await writer.drain()
        async with asyncio.timeout(ANSWER_TIMEOUT):
            status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).decode().split("\r\n")
            headers = {}
            for line in filter(None, lines):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            content = await reader.readexactly(int(headers.get("content-length", "0")))
        return RawResponse(int(status_line.split()[1]), headers, content)
    finally:
        writer.close()


def chunked(pieces: Iterable[bytes]) -> Iterable[bytes]:
    """The pieces in chunked transfer coding, without the final empty chunk."""
    for piece in pieces:
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"


async def body_chunks(
    port: int, path: str, payload: Any, headers: dict[str, str] | None = None
) -> tuple[dict[str, str], list[bytes]]:
    """POST `payload` as JSON and read the answer's body as the server wrote it: one item per HTTP
    chunk (an ASGI send each), as they came, not decoded."""
    import h11

    connection = h11.Connection(h11.CLIENT)
    body = json.dumps(payload).encode()
    request_headers = {
        "Host": f"127.0.0.1:{port}",
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        **(headers or {}),
    }
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        request = h11.Request(method="POST", target=path, headers=list(request_headers.items()))
        writer.write(connection.send(request) + connection.send(h11.Data(data=body)))
        writer.write(connection.send(h11.EndOfMessage()))
        answer: dict[str, str] = {}
        chunks: list[bytes] = []
        piece = b""
        async with asyncio.timeout(ANSWER_TIMEOUT):
            while True:
                event = connection.next_event()
                if event is h11.NEED_DATA:
                    connection.receive_data(await reader.read(65536))
                elif isinstance(event, h11.Response):
                    answer = {name.decode(): value.decode() for name, value in event.headers}
                elif isinstance(event, h11.Data):
                    piece += event.data
                    if event.chunk_end:
                        chunks.append(piece)
                        piece = b""
                elif isinstance(event, h11.EndOfMessage):
                    return answer, chunks
    finally:
        writer.close()
