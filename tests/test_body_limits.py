"""A body over MAX_BODY_BYTES is refused with 413 body_too_large, and one without the key with 401, unread.

The announced bodies below are never sent: an answer can only come if the server
decided from the headers alone.
"""

import json
from collections.abc import AsyncIterator, Callable

import httpx

from tests.processes import ServerProcess
from tests.raw_http import chunked, exchange
from tests.sse import frames

HUGE = 200 * 1024 * 1024
LIMIT = 256 * 1024


def post_head(server: ServerProcess, *headers: str) -> str:
    return "\n".join(
        [
            "POST /api/chat HTTP/1.1",
            f"Host: 127.0.0.1:{server.port}",
            "Content-Type: application/json",
            *headers,
        ]
    )


async def test_a_body_announced_over_the_limit_is_refused_before_it_is_sent(
    offline_server: ServerProcess,
) -> None:
    response = await exchange(offline_server.port, post_head(offline_server, f"Content-Length: {HUGE}"))
    assert response.status == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert response.headers["connection"] == "close"


async def test_a_chunked_body_is_refused_once_it_passes_the_limit(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"OPENAI_API_KEY": "", "MAX_BODY_BYTES": str(LIMIT)})
    pieces = [b'{"message": "' + b"x" * 16 * 1024] * (LIMIT // (16 * 1024) + 1)
    response = await exchange(server.port, post_head(server, "Transfer-Encoding: chunked"), chunked(pieces))
    assert response.status == 413
    assert response.json()["error"]["code"] == "body_too_large"


async def test_a_chunked_body_within_the_limit_is_read(offline_server: ServerProcess) -> None:
    async def body() -> AsyncIterator[bytes]:  # an async iterator: httpx sends it chunked
        yield json.dumps({"message": "hello", "thread_id": "chunked-body-within-limit"}).encode()

    async with (
        httpx.AsyncClient(base_url=offline_server.url, timeout=30) as http,
        http.stream("POST", "/api/chat", content=body(), headers={"content-type": "application/json"}) as r,
    ):
        assert r.status_code == 200 and "content-length" not in r.request.headers
        assert [frame.event["type"] async for frame in frames(r)][-1] == "RUN_FINISHED"


async def test_without_the_key_a_body_is_refused_before_it_is_read(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"OPENAI_API_KEY": "", "API_KEY": "s3cret-key"})
    for announced in (f"Content-Length: {HUGE}", f"Content-Length: {LIMIT}", "Transfer-Encoding: chunked"):
        response = await exchange(server.port, post_head(server, announced))
        assert response.status == 401, announced
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.headers["connection"] == "close"
