"""The page's sign-in cookie is a signed, expiring session: never the key, refused if tampered with or old."""

import asyncio
from collections.abc import Callable
from http.cookies import SimpleCookie

import httpx

from api.auth import COOKIE
from tests.processes import ServerProcess

KEY = "s3cret-key"
EXPIRY_WAIT_SECONDS = 15.0


async def sign_in(server: ServerProcess) -> tuple[str, SimpleCookie]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as browser:
        response = await browser.post("/api/login", json={"key": KEY})
        assert response.status_code == 200
        header = response.headers["set-cookie"]
        return header, SimpleCookie(header)


def changed(part: str) -> str:
    return ("B" if part[0] == "A" else "A") + part[1:]


async def status_with(server: ServerProcess, session: str, path: str = "/api/threads") -> int:
    async with httpx.AsyncClient(base_url=server.url, timeout=30, cookies={COOKIE: session}) as browser:
        return (await browser.get(path)).status_code


async def test_the_cookie_is_a_session_not_the_key(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server({"API_KEY": KEY, "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"})
    header, cookie = await sign_in(server)
    session = cookie[COOKIE]
    assert KEY not in header
    assert session["httponly"] and session["samesite"].lower() == "strict" and session["max-age"] == "43200"
    assert not session["secure"]  # plain http here; over https the cookie is Secure
    assert await status_with(server, session.value) == 200
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=30, cookies={COOKIE: session.value}) as page,
        page.stream("GET", "/chat", params={"message": "hi"}) as response,
    ):
        assert response.status_code == 200
        assert b"RUN_FINISHED" in await response.aread()


async def test_a_tampered_cookie_is_refused(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server({"API_KEY": KEY, "OPENAI_API_KEY": ""})
    _, cookie = await sign_in(server)
    session_id, timestamp, signature = cookie[COOKIE].value.split(".")
    for forged in (
        f"{session_id}.{timestamp}.{changed(signature)}",
        f"{changed(session_id)}.{timestamp}.{signature}",
        f"{session_id}.{changed(timestamp)}.{signature}",
        KEY,  # what the cookie used to hold
    ):
        assert await status_with(server, forged) == 401, forged


async def test_a_cookie_is_refused_once_its_lifetime_is_over(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"API_KEY": KEY, "OPENAI_API_KEY": "", "SESSION_TTL_SECONDS": "1"})
    _, cookie = await sign_in(server)
    assert cookie[COOKIE]["max-age"] == "1"
    assert await status_with(server, cookie[COOKIE].value) == 200
    # Nothing announces the expiry: ask until it is refused (timestamps count whole seconds).
    deadline = asyncio.get_running_loop().time() + EXPIRY_WAIT_SECONDS
    status = 200
    while status == 200 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.25)
        status = await status_with(server, cookie[COOKIE].value)
    assert status == 401


async def test_sessions_hold_across_processes_and_end_with_a_new_key(
    start_server: Callable[..., ServerProcess],
) -> None:
    first = start_server({"API_KEY": KEY, "OPENAI_API_KEY": ""})
    same_key = start_server({"API_KEY": KEY, "OPENAI_API_KEY": ""})
    new_key = start_server({"API_KEY": "an0ther-key", "OPENAI_API_KEY": ""})
    _, cookie = await sign_in(first)
    assert await status_with(same_key, cookie[COOKIE].value) == 200  # another worker, another host
    assert await status_with(new_key, cookie[COOKIE].value) == 401
