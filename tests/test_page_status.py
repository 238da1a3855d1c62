"""The debug page tells the truth about how a turn went: stopped, refused, or cut off and resumed.

Driven in headless Chromium against the real server with the stand-in model,
whose `[tokens=N] [delay=MS]` directives make a run slow enough to stop or cut.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.page_actions import fact, run_ends, send, thread_in_url, turn
from tests.processes import ServerProcess
from tests.sse import frames

if TYPE_CHECKING:
    from tests.page_helpers import Relay, Tab

pytest_plugins = ["tests.page_helpers"]
pytestmark = pytest.mark.browser


def chat_requests(page: Page) -> list[str]:
    """Every request the page makes to start a turn, as it makes them."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.method) if "chat" in request.url else None)
    return requests


async def expect_stopped_answer(page: Page) -> None:
    stopped = page.locator(".message.assistant.stopped")
    await expect(stopped).to_have_count(1)
    await expect(stopped.locator("header .label")).to_have_text("stopped")
    await expect(stopped.locator(".text")).to_contain_text("w1")


async def test_a_stopped_answer_shows_as_stopped_live_after_a_reload_and_when_reopened(
    tab: Tab, server: ServerProcess
) -> None:
    page = await tab.open(server)
    await turn(page, "first, a whole answer [tokens=3]")
    await send(page, "count slowly [tokens=200] [delay=100]")
    await expect(page.locator(".message.assistant .text").nth(1)).to_contain_text("w1")
    await page.locator("#stop").click()
    await run_ends(page)
    await expect_stopped_answer(page)
    thread_id = thread_in_url(page)

    await page.reload()
    await expect(page.locator(".message")).to_have_count(4)
    await expect_stopped_answer(page)
    await expect(page.locator(".message.assistant").first).not_to_have_class(re.compile(r"\bstopped\b"))

    await page.locator("#new-thread").click()
    await expect(page.locator(".message")).to_have_count(0)
    await page.locator(f'#threads [data-thread-id="{thread_id}"] .thread-open').click()
    await expect_stopped_answer(page)

    thread = await (await page.request.get(f"{server.url}/api/threads/{thread_id}")).json()
    assistant = [m for m in thread["messages"] if m["role"] == "assistant"]
    assert [m.get("metadata") for m in assistant] == [None, {"finishReason": "cancelled"}]


async def test_a_message_over_the_limit_shows_the_servers_own_reason(tab: Tab, server: ServerProcess) -> None:
    page = await tab.open(server)
    sent = chat_requests(page)
    too_long = "x" * 40_000  # MAX_MESSAGE_BYTES is 32768 by default
    await turn(page, too_long)
    notice = page.locator(".notice.error")
    await expect(notice).to_contain_text("The server refused the message.")
    await expect(notice).to_contain_text("message is longer than 32768 bytes")
    await expect(notice).not_to_contain_text("may be too long or malformed")
    await expect(page.locator(".message.user.not-sent header .label")).to_have_text("not sent")
    await expect(fact(page, "outcome")).to_have_text("refused (invalid_request)")
    await expect(page.locator("#message")).to_have_value(too_long)

    await page.locator("#message").fill("")
    await turn(page, "a short one [tokens=2]")
    await expect(fact(page, "outcome")).to_have_text("success")
    assert sent == ["POST", "POST"], "each turn sent once"


async def test_a_turn_in_a_busy_thread_shows_the_servers_reason_and_follows_the_run(
    tab: Tab, server: ServerProcess, client: httpx.AsyncClient
) -> None:
    page = await tab.open(server)
    await turn(page, "hello [tokens=2]")
    thread_id = thread_in_url(page)
    elsewhere = {"message": "meanwhile, elsewhere [tokens=30] [delay=100]", "thread_id": thread_id}
    async with client.stream("POST", "/api/chat", json=elsewhere) as other:
        events = frames(other)
        started = await anext(events)
        assert started.event["type"] == "RUN_STARTED"  # the thread is busy from here on
        sent = chat_requests(page)
        await send(page, "are you there?")
        notice = page.locator(".notice.info").filter(has_text="busy")
        await expect(notice).to_contain_text("This thread is busy with another run.")
        await expect(notice).to_contain_text(f"thread {thread_id} already has an active run")
        await expect(page.locator(".notice.info").filter(has_text="following it live")).to_be_visible()
        await expect(page.locator("#message")).to_have_value("are you there?")
        await run_ends(page)
        async for _ in events:
            pass
    await expect(fact(page, "outcome")).to_have_text("success")
    await expect(page.locator(".message.assistant .text").last).to_have_text(re.compile(r" w29$"))
    assert sent == ["POST"], "the refused turn was not sent again"


async def test_a_cut_connection_is_said_and_the_run_is_followed_on_without_repeats(
    tab: Tab, relay: Relay
) -> None:
    page = await tab.open(relay)
    sent = chat_requests(page)
    await send(page, "take your time [tokens=30] [delay=100]")
    reply = page.locator(".message.assistant .text")
    await expect(reply).to_contain_text("w3")
    relay.cut()
    await run_ends(page)
    await expect(page.locator(".notice.info")).to_contain_text("The connection dropped and came back")
    await expect(fact(page, "outcome")).to_have_text("success")
    await expect(reply).to_have_text(re.compile(r"^turn1 w1 w2 w3 w4 .* w29$"))
    words = (await reply.text_content() or "").split()
    assert words == ["turn1", *[f"w{n}" for n in range(1, 30)]], "every token once, in order"
    assert sent == ["POST"], "resumed with GET /api/runs/{id}/stream, the turn never sent again"
