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
