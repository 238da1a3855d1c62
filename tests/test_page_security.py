"""In a real browser: the page signs in and streams with its cookie; other sites' pages get nowhere."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.processes import ServerProcess
from tests.sse import turn, user_messages

if TYPE_CHECKING:  # imported by pytest_plugins, so that pytest rewrites its asserts
    from tests.page_helpers import Tab

pytest_plugins = ["tests.page_helpers"]
pytestmark = pytest.mark.browser

KEY = "s3cret-key"


@contextmanager
def serving(html: str) -> Iterator[str]:
    """Another site on loopback: a real HTTP server on a port of its own, serving one page."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(html.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


async def test_the_page_signs_in_and_streams_a_turn_with_its_cookie(
    tab: Tab, start_server: Callable[..., ServerProcess]
) -> None:
    server = start_server({"API_KEY": KEY, "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0.01"})
    page = tab.page
    await page.goto(server.url)
    await page.locator("#key").fill("wrong")
    await page.locator("#key").press("Enter")
    await expect(page.locator("#problem")).to_have_text("wrong API key")
    await page.locator("#key").fill(KEY)
    await page.locator("#key").press("Enter")
    await page.wait_for_function("document.querySelector('#model')?.textContent === 'offline'")
    await page.locator("#message").fill("what is 12 * 7?")
    await page.locator("#message").press("Enter")
    await expect(page.locator(".message.assistant .text").last).to_contain_text("84", timeout=30_000)
    await expect(page.locator("body")).not_to_have_class(re.compile(r"\brunning\b"), timeout=30_000)
    cookies = await page.context.cookies()
    assert [c["name"] for c in cookies] == ["chat_session"] and KEY not in cookies[0]["value"]


async def test_an_image_on_another_port_of_localhost_starts_no_turn(
    tab: Tab, offline_server: ServerProcess
) -> None:
    thread_id = f"sec-img-{uuid.uuid4().hex[:8]}"
    target = f"http://localhost:{offline_server.port}/chat?message=hi&thread_id={thread_id}"
    html = f'<img src="{target}" onerror="window.answered = true" onload="window.answered = true">'
    with serving(html) as site:
        await tab.page.goto(site)
        await tab.page.wait_for_function("window.answered === true")
    async with httpx.AsyncClient(base_url=offline_server.url, timeout=30) as http:
        # Had the image started a turn, this one would be refused (thread_busy) or come second.
        await turn(http, "mine", thread_id)
        assert await user_messages(http, thread_id) == ["mine"]


async def test_a_name_rebound_to_loopback_gets_a_400(
    launch_browser: Callable[..., Awaitable[Browser]], offline_server: ServerProcess
) -> None:
    # The attacker's name now resolves to 127.0.0.1, as after a DNS rebinding.
    browser = await launch_browser("--host-resolver-rules=MAP rebind.test 127.0.0.1")
    page = await browser.new_page()
    response = await page.goto(f"http://rebind.test:{offline_server.port}/api/threads")
    assert response is not None and response.status == 400
    assert '"host_not_allowed"' in await page.content()
