"""gzip for event streams, each write flushed, for clients that accept it.

Why not Starlette's GZipMiddleware: it leaves `text/event-stream` alone by
default, would compress every other response of the app too, and keeps zlib's
default 32 KB window and hash tables (about 260 KB per open stream). An SSE
frame repeats most of the one before it (its `id:` prefix, the event type, the
message id, LangChain's `lc_run--<uuid>` included), so a 1 KB window and the
smallest hash table send a token in about 17 bytes instead of 140, for any
graph, at some 11 KB of memory per stream (zlib's state included).

Every write is flushed (`Z_SYNC_FLUSH`), so the stream still streams: a client
decodes each event as soon as its bytes arrive (browsers, fetch in Node,
httpx and curl `--compressed` all do). Sends are serialised by a lock, as
sse-starlette's data and ping tasks both send and the compressed bytes must
reach the socket in the order they were made. A client that does not send
`Accept-Encoding: gzip` gets the plain stream.
"""

import asyncio
import zlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import Message, Scope, Send

WINDOW_BITS = 10  # a 1 KB window: several frames back, the smallest zlib allows for gzip but one
MEMORY_LEVEL = 1  # 1 KB of hash tables instead of 128 KB: SSE frames compress as well with it
LEVEL = 6


def accepts_gzip(scope: Scope) -> bool:
    """True if the request's Accept-Encoding lists gzip (and not with q=0)."""
    for coding in Headers(scope=scope).get("accept-encoding", "").split(","):
        name, _, params = coding.partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


class GzipSend:
    """An ASGI `send` that gzips a response's body, flushing every message."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._lock = asyncio.Lock()  # anyio's yields to the loop on every acquire
        self._compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, 16 + WINDOW_BITS, MEMORY_LEVEL)

    async def __call__(self, message: Message) -> None:
        async with self._lock:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                headers["Content-Encoding"] = "gzip"
                headers.add_vary_header("Accept-Encoding")
                if "content-length" in headers:
                    del headers["Content-Length"]
            elif message["type"] == "http.response.body":
                body = self._compressor.compress(message.get("body", b""))
                more = message.get("more_body", False)
                body += self._compressor.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)
                message = {**message, "body": body}
            await self._send(message)
