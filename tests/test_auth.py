"""With API_KEY set, every endpoint but /healthz and the sign-in page wants the key, or the page's cookie."""

from collections.abc import Callable

import httpx

from tests.processes import ServerProcess
from tests.sse import turn

KEY = "s3cret-key"


async def test_the_api_key_guards_every_endpoint_but_healthz(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"API_KEY": KEY, "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as anonymous:
        assert (await anonymous.get("/healthz")).status_code == 200
        for method, path in [
            ("GET", "/readyz"),
            ("GET", "/api/threads"),
            ("POST", "/api/chat"),
            ("GET", "/chat?message=hi"),
            ("GET", "/api/runs/x/stream"),
        ]:
            response = await anonymous.request(
                method, path, json={"message": "hi"} if method == "POST" else None
            )
            assert response.status_code == 401, path
            assert response.json()["error"]["code"] == "unauthorized"
        wrong = await anonymous.get("/api/threads", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert "This server needs its API key" in (await anonymous.get("/")).text

    async with httpx.AsyncClient(
        base_url=server.url, timeout=30, headers={"Authorization": f"Bearer {KEY}"}
    ) as bearer:
        assert (await bearer.get("/api/threads")).status_code == 200
        assert (await turn(bearer, "hello"))[-1]["type"] == "RUN_FINISHED"


async def test_the_page_signs_in_with_a_cookie(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server({"API_KEY": KEY, "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as browser:
        assert (await browser.post("/api/login", json={"key": "wrong"})).status_code == 401
        signed_in = await browser.post("/api/login", json={"key": KEY})
        assert signed_in.status_code == 200 and "httponly" in signed_in.headers["set-cookie"].lower()
        assert "This server needs its API key" not in (await browser.get("/")).text
        async with browser.stream("GET", "/chat", params={"message": "hi"}) as response:
            assert response.status_code == 200
            assert b"RUN_FINISHED" in await response.aread()


async def test_the_api_docs_need_the_key_too(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server({"API_KEY": KEY, "OPENAI_API_KEY": ""})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as browser:
        for path in ("/docs", "/openapi.json", "/redoc"):
            response = await browser.get(path)
            assert response.status_code == 401, path
            assert response.json()["error"]["code"] == "unauthorized"
        assert (await browser.get("/static/app.js")).status_code == 200  # the sign-in page's assets
        await browser.post("/api/login", json={"key": KEY})
        assert (await browser.get("/docs")).status_code == 200
        assert "/api/chat" in (await browser.get("/openapi.json")).json()["paths"]


async def test_the_key_may_come_as_x_api_key(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server({"API_KEY": KEY, "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"})
    async with httpx.AsyncClient(base_url=server.url, timeout=30, headers={"x-api-key": KEY}) as sdk:
        assert (await sdk.get("/api/threads")).status_code == 200
        assert (await turn(sdk, "hello"))[-1]["type"] == "RUN_FINISHED"
