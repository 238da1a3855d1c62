"""The load's HTTP/1.1 client: a JSON POST whose streamed body is handed over as it arrives.

Not httpx, on purpose. httpx spends about 200 µs of CPU on each chunk it reads
(its layers, h11, anyio's timeouts, a pool that scans every connection when one
is released): at a thousand held streams, ten tokens a second each, that is
more CPU than the server under test gets of the machine's two cores. This
client sends the request httpx sends (same headers but the user agent, JSON
body, keep-alive connections, gzip accepted) and parses the response inside
the protocol's `data_received`: no task wake-up and no layer per chunk.
"""

import asyncio
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

ACCEPT_ENCODING = b"gzip, deflate"  # what httpx asks for without the zstandard package
IDLE_LIMIT = 4.0  # seconds; uvicorn closes a keep-alive connection idle for 5 s, so reuse none older
MAX_HEAD = 64 * 1024


class StreamError(Exception):
    """The response could not be read to its end: connection lost, malformed, or too slow."""


@dataclass
class Response:
    """What a POST came back with; its body went to `on_body` as it arrived."""

    status: int = 0
    body_bytes: int = 0  # as received: after chunked framing is removed, before decompression


OnBody = Callable[[Response, bytes], None]  # the response so far, and the next piece of its body


class _Decoder:
    """Undo the response's Content-Encoding, piece by piece."""

    def __init__(self, encoding: bytes) -> None:
        if encoding == b"gzip":
            self._zlib: Any = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == b"deflate":
            self._zlib = zlib.decompressobj()
        elif encoding in (b"", b"identity"):
            self._zlib = None
        else:
            raise StreamError(f"unasked-for Content-Encoding {encoding.decode(errors='replace')!r}")
        self._raw_deflate = encoding == b"deflate"

    def decode(self, data: bytes) -> bytes:
        if self._zlib is None:
            return data
        try:
            return self._zlib.decompress(data)
        except zlib.error:
            if not self._raw_deflate:
                raise
            self._raw_deflate = False  # a server that sends deflate without the zlib header, as httpx allows
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            return self._zlib.decompress(data)


class _Connection(asyncio.Protocol):
    """One keep-alive connection, reading one response at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = loop.time()
        self.last_data = loop.time()
        self._done: asyncio.Future[Response] | None = None

    @property
    def reusable(self) -> bool:
        return not self.closed and self.transport is not None and not self.transport.is_closing()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def send(self, request: bytes, on_body: OnBody) -> asyncio.Future[Response]:
        assert self.transport is not None and self._done is None
        self._done = self._loop.create_future()
        self._on_body = on_body
        self._response = Response()
        self._buffer = b""
        self._head = True
        self._chunked = False
        self._left: int | None = None  # body bytes left: of the chunk when chunked, else of the body
        self._keep_alive = True
        self.last_data = self._loop.time()
        self.transport.write(request)
        return self._done

    def data_received(self, data: bytes) -> None:
        self.last_data = self._loop.time()
        if self._done is None or self._done.done():
            self.transport.close()  # type: ignore[union-attr]  # bytes nobody asked for
            return
        try:
            self._buffer += data
            if self._head and not self._read_head():
                return
            self._read_body()
        except Exception as error:  # a bad response, or a reader that cannot read it: the turn's error
            self.abort(StreamError(f"{type(error).__name__}: {error}"))

    def _read_head(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEAD:
                raise StreamError("response head too long")
            return False
        lines = self._buffer[:end].split(b"\r\n")
        self._buffer = self._buffer[end + 4 :]
        self._head = False
        self._response.status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        self._decoder = _Decoder(headers.get(b"content-encoding", b""))
        self._chunked = headers.get(b"transfer-encoding") == b"chunked"
        self._keep_alive = headers.get(b"connection") != b"close"
        if not self._chunked:
            length = headers.get(b"content-length")
            self._left = int(length) if length is not None else None  # None: until the server closes
        return True

    def _read_body(self) -> None:
        if not self._chunked:
            data, self._buffer = self._buffer, b""
            if self._left is not None:
                data = data[: self._left]
                self._left -= len(data)
            self._deliver(data)
            if self._left == 0:
                self._finish()
            return
        while True:
            if self._left is None:  # at a chunk-size line
                line_end = self._buffer.find(b"\r\n")
                if line_end < 0:
                    return
                size = int(self._buffer[:line_end].partition(b";")[0], 16)
                if size == 0:
                    if b"\r\n\r\n" in self._buffer:  # the last chunk, no trailers
                        self._finish()
                    return
                self._buffer = self._buffer[line_end + 2 :]
                self._left = size
            if self._left:
                data = self._buffer[: self._left]
                self._buffer = self._buffer[len(data) :]
                self._left -= len(data)
                self._deliver(data)
                if self._left:
                    return
            if len(self._buffer) < 2:  # the CRLF that ends a chunk
                return
            self._buffer = self._buffer[2:]
            self._left = None

    def _deliver(self, data: bytes) -> None:
        if data:
            self._response.body_bytes += len(data)
            self._on_body(self._response, self._decoder.decode(data))

    def _finish(self) -> None:
        assert self._done is not None
        done, self._done = self._done, None
        if not self._keep_alive:
            self.transport.close()  # type: ignore[union-attr]
        self.idle_since = self._loop.time()
        done.set_result(self._response)

    def abort(self, error: Exception) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()
        if self._done is not None and not self._done.done():
            self._done.set_exception(error)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._done is not None and not self._done.done():
            if not self._head and not self._chunked and self._left is None:
                self._finish()  # a body without length ends when the connection does
            else:
                self.abort(StreamError(f"connection lost: {exc or 'closed by the server'}"))


class StreamClient:
    """Streamed POSTs over keep-alive connections, each to be read by one turn at a time."""

    def __init__(self, timeout: float = 120) -> None:
        self.timeout = timeout  # seconds without a byte before a response is given up
        self._idle: dict[tuple[str, int], list[_Connection]] = {}

    async def __aenter__(self) -> "StreamClient":
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for connections in self._idle.values():
            for connection in connections:
                if connection.transport is not None:
                    connection.transport.close()
        self._idle.clear()

    async def post(self, url: str, body: dict[str, Any], on_body: OnBody) -> Response:
        """POST `body` as JSON to `url`; each piece of the decoded body goes to `on_body`, as it arrives."""
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = b"".join(
            (
                f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n".encode(),
                b"Accept: */*\r\nAccept-Encoding: " + ACCEPT_ENCODING + b"\r\n",
                b"Connection: keep-alive\r\nUser-Agent: chat-bench\r\n",
                b"Content-Length: %d\r\nContent-Type: application/json\r\n\r\n" % len(content),
                content,
            )
        )
        connection = await self._connection(host, port)
        done = connection.send(request, on_body)
        try:
            loop = asyncio.get_running_loop()
            while not done.done():
                await asyncio.wait([done], timeout=self.timeout)
                if not done.done() and loop.time() - connection.last_data > self.timeout:
                    connection.abort(StreamError(f"ReadTimeout: nothing for {self.timeout} s"))
        except asyncio.CancelledError:
            connection.abort(StreamError("cancelled"))
            raise
        response = done.result()
        if connection.reusable:
            self._idle.setdefault((host, port), []).append(connection)
        return response

    async def _connection(self, host: str, port: int) -> _Connection:
        loop = asyncio.get_running_loop()
        idle = self._idle.get((host, port), [])
        while idle:
            connection = idle.pop()
            if connection.reusable and loop.time() - connection.idle_since < IDLE_LIMIT:
                return connection
            if connection.transport is not None:
                connection.transport.close()
        _, connection = await loop.create_connection(lambda: _Connection(loop), host, port)
        return connection
