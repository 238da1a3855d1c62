"""The debug page, driven in headless Chromium against the real server.

The offline model (`page_server`, 50 ms a token) shows streaming, tool calls and
threads; the stand-in model (`server`) supplies slow runs to stop and failures.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

from tests.processes import ROOT, ServerProcess

if TYPE_CHECKING:  # imported by pytest_plugins, so that pytest rewrites its asserts
    from tests.page_helpers import Tab

from tests.page_actions import fact, run_ends, send, thread_in_url, turn

pytest_plugins = ["tests.page_helpers"]
pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
SCREENSHOT = ROOT / "docs" / "screenshot.png"

# Records the length of the last assistant message's text on every animation frame.
SAMPLE_TEXT_EVERY_FRAME = """
window.__lengths = [];
const sample = () => {
  const texts = document.querySelectorAll('.message.assistant .text');
  window.__lengths.push(texts.length ? texts[texts.length - 1].textContent.length : 0);
  requestAnimationFrame(sample);
};
requestAnimationFrame(sample);
"""


async def expect_controls_enabled(page: Page, enabled: bool) -> None:
    for selector in ("#message", "#send", "#new-thread"):
        control = page.locator(selector)
        await (expect(control).to_be_enabled() if enabled else expect(control).to_be_disabled())
    # Every thread button at once: the list can be long, and the run short.
    await page.wait_for_function(
        "enabled => [...document.querySelectorAll('#threads button')].every(b => b.disabled !== enabled)",
        arg=enabled,
    )


async def test_a_reply_grows_token_by_token_over_several_frames(tab: Tab, page_server: ServerProcess) -> None:
    page = await tab.open(page_server)
    await page.evaluate(SAMPLE_TEXT_EVERY_FRAME)
    await turn(page, "hello, page")
    reply = page.locator(".message.assistant .text").last
    await expect(reply).to_contain_text("I am the offline model")
    final = len(await reply.text_content() or "")
    lengths = await page.evaluate("window.__lengths")
    partial = {n for n in lengths if 0 < n < final}
    assert len(partial) >= 5, f"the reply appeared in {len(partial)} partial states: {sorted(partial)}"
    assert lengths == sorted(lengths), "the text only ever grows"
    await expect(fact(page, "model")).to_have_text("offline")
    await expect(fact(page, "ttft")).to_have_text(re.compile(r"\d+(\.\d+)? m?s"))
    await expect(fact(page, "rate")).to_have_text(re.compile(r"tokens/s$"))
    await expect(fact(page, "outcome")).to_have_text("success")
    await expect(fact(page, "run")).not_to_have_text("–")
    await expect(page.locator("#event-log li").first).to_have_attribute("data-type", "RUN_STARTED")
    await expect(page.locator("#event-log li").last).to_have_attribute("data-type", "RUN_FINISHED")


async def test_a_tool_call_shows_as_a_card_with_its_result(tab: Tab, page_server: ServerProcess) -> None:
    page = await tab.open(page_server)
    await turn(page, "what is 12 * 7?")
    card = page.locator(".tool-call")
    await expect(card).to_have_count(1)
    await expect(card.locator(".tool-name")).to_have_text("calculator")
    await expect(card.locator(".tool-args")).to_have_text('{\n  "expression": "12 * 7"\n}')
    await expect(card.locator(".tool-result")).to_have_text("84")
    await expect(card.locator(".tool-status")).to_have_text("done")
    await expect(page.locator(".message.assistant .text")).to_have_text(
        "The calculator says the answer is 84."
    )
    await card.locator("summary").click()
    await expect(card.locator(".tool-result")).to_be_hidden()


async def test_the_step_timeline_fills_as_graph_nodes_run(tab: Tab, page_server: ServerProcess) -> None:
    page = await tab.open(page_server)
    await turn(page, "what is 6 * 7?")
    steps = page.locator("#steps .step")
    await expect(steps.locator(".step-name")).to_have_text(["agent", "tools", "agent"])
    await expect(page.locator("#steps .step.finished")).to_have_count(3)
    await expect(steps.locator(".step-duration")).to_have_text([re.compile(r"^\d+(\.\d+)? m?s$")] * 3)


async def test_progress_is_shown_as_a_bar_with_its_message(tab: Tab, page_server: ServerProcess) -> None:
    page = await tab.open(page_server)
    await page.evaluate("""async () => {
        const panels = await import('/static/panels.js');
        panels.showProgress({message: 'indexing', done: 3, total: 4});
    }""")
    await expect(page.locator("#progress-text")).to_have_text("75% · indexing")
    assert await page.locator("#progress-bar").evaluate("bar => bar.value") == 0.75


async def test_controls_are_disabled_during_a_run_and_enabled_after(
    tab: Tab, page_server: ServerProcess
) -> None:
    page = await tab.open(page_server)
    await turn(page, "my name is Grace")
    await expect(page.locator(f'#threads [data-thread-id="{thread_in_url(page)}"]')).to_be_visible()
    await send(page, "what is my name?")
    await expect(page.locator("#run-status")).to_be_visible()
    await expect(page.locator("#stop")).to_be_enabled()
    await expect_controls_enabled(page, False)
    await run_ends(page)
    await expect(page.locator("#run-status")).to_be_hidden()
    await expect(page.locator(".message.assistant .text").last).to_have_text("Your name is Grace.")
    await expect_controls_enabled(page, True)


async def test_stop_ends_the_run_with_a_cancelled_outcome(tab: Tab, server: ServerProcess) -> None:
    page = await tab.open(server)
    await send(page, "count slowly [tokens=200] [delay=100]")
    reply = page.locator(".message.assistant .text")
    await expect(reply).to_contain_text("w1")
    await page.locator("#stop").click()
    await run_ends(page)
    await expect(page.locator(".notice.cancelled")).to_contain_text("cancelled")
    await expect(fact(page, "outcome")).to_have_text("cancelled")
    await expect(page.locator("#event-log li").last).to_have_attribute("data-type", "RUN_FINISHED")
    assert "w199" not in (await reply.text_content() or "")
    await expect_controls_enabled(page, True)


async def test_reload_with_the_thread_in_the_url_restores_the_conversation(
    tab: Tab, page_server: ServerProcess
) -> None:
    page = await tab.open(page_server)
    await turn(page, "what is 12 * 7?")
    await turn(page, "and what did I ask before?")
    thread_id = thread_in_url(page)
    branch_controls = page.locator(".message.user .edit")  # drawn once the thread's history is read
    await expect(branch_controls).to_have_count(2)
    conversation = await page.locator("#conversation").inner_text()
    await page.reload()
    await expect(page.locator(".message")).to_have_count(4)
    await expect(branch_controls).to_have_count(2)
    await expect(page.locator(".tool-call .tool-result")).to_have_text("84")
    await expect(page.locator(".message.user .text")).to_have_text(
        ["what is 12 * 7?", "and what did I ask before?"]
    )
    assert thread_in_url(page) == thread_id
    assert await page.locator("#conversation").inner_text() == conversation
    await expect(page.locator(f'#threads [data-thread-id="{thread_id}"]')).to_have_attribute(
        "aria-current", "true"
    )


async def test_the_thread_list_shows_threads_newest_first_and_reopens_them(
    tab: Tab, page_server: ServerProcess
) -> None:
    page = await tab.open(page_server)
    first, second = f"first thread {uuid.uuid4().hex[:8]}", f"second thread {uuid.uuid4().hex[:8]}"
    await turn(page, first)
    first_id = thread_in_url(page)
    await page.locator("#new-thread").click()
    await expect(page.locator(".message")).to_have_count(0)
    assert "thread=" not in page.url
    await turn(page, second)
    second_id = thread_in_url(page)
    assert second_id != first_id

    threads = page.locator("#threads .thread")
    first_item, second_item = threads.filter(has_text=first), threads.filter(has_text=second)
    for item in (first_item, second_item):
        await expect(item.locator(".thread-meta")).to_have_text(re.compile(r"· 2 messages$"))
    ids = await threads.evaluate_all("items => items.map(item => item.dataset.threadId)")
    assert ids.index(second_id) < ids.index(first_id), "newest first"

    await first_item.locator(".thread-open").click()
    await expect(page.locator(".message.user .text")).to_have_text([first])
    await expect(page.locator(".message.assistant .text")).to_contain_text(first)
    assert thread_in_url(page) == first_id
    await expect(first_item).to_have_attribute("aria-current", "true")
    await expect(second_item).not_to_have_attribute("aria-current", "true")


async def test_markup_in_messages_is_shown_as_text_and_never_run(
    tab: Tab, page_server: ServerProcess
) -> None:
    page = await tab.open(page_server)
    await turn(page, XSS)
    await expect(page.locator(".message.user .text")).to_have_text(XSS)
    await expect(page.locator(".message.assistant .text")).to_contain_text(XSS)
    await page.reload()
    await expect(page.locator(".message.user .text")).to_have_text(XSS)
    await expect(page.locator(".message.assistant .text")).to_contain_text(XSS)
    await expect(page.locator("#threads .thread-title").filter(has_text=XSS).first).to_be_visible()
    assert await page.locator("body img").count() == 0
    assert tab.dialogs == []


async def test_a_run_error_is_shown_and_the_page_stays_usable(tab: Tab, server: ServerProcess) -> None:
    page = await tab.open(server)
    await turn(page, "please fail [fail500]")
    notice = page.locator(".notice.error")
    await expect(notice).to_contain_text("The model could not answer.")
    await expect(notice).to_contain_text("model_error")
    await expect(fact(page, "outcome")).to_have_text("error (model_error)")
    await expect_controls_enabled(page, True)
    await turn(page, "and now answer [tokens=3]")
    await expect(fact(page, "outcome")).to_have_text("success")
    await expect(page.locator(".message.assistant .text").last).to_have_text(re.compile(r"w1 w2$"))


async def test_a_turn_is_posted_once_and_a_followed_runs_event_source_is_closed_at_its_end(
    tab: Tab, server: ServerProcess
) -> None:
    page = await tab.open(server)
    turns: list[str] = []
    page.on("request", lambda request: turns.append(request.url) if "chat" in request.url else None)
    await turn(page, "hello [tokens=3]")
    await send(page, "take your time [tokens=30] [delay=100]")
    await expect(page.locator(".message.assistant .text").last).to_contain_text("w2")
    await page.reload()
    await expect(page.locator(".notice.info")).to_contain_text("following it live")
    await run_ends(page)
    assert turns == [f"{server.url}/api/chat"] * 2, "each turn POSTed once, never a GET /chat"
    states = await page.evaluate("window.__eventSources.map(source => source.readyState)")
    assert states == [2], "the followed run's one EventSource, CLOSED"


async def test_a_broken_connection_is_reported_and_the_page_stays_usable(
    tab: Tab, start_server: Callable[..., ServerProcess]
) -> None:
    doomed = start_server({"OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0.5"})
    page = await tab.open(doomed)
    await send(page, "a long answer, please")
    await expect(page.locator(".message.assistant .text")).not_to_be_empty()
    doomed.process.kill()
    await run_ends(page)
    await expect(page.locator(".notice.error")).to_contain_text("connection to the server was lost")
    await expect(fact(page, "outcome")).to_have_text("connection lost")
    await expect(page.locator("#message")).to_be_enabled()
    await expect(page.locator("#send")).to_be_enabled()


async def test_the_page_mid_run_as_the_readme_shows_it(
    tab: Tab, page_server: ServerProcess, log_dir: Path
) -> None:
    """Saves the screenshot; UPDATE_SCREENSHOT=1 also writes the README's docs/screenshot.png."""
    page = await tab.open(page_server)
    await turn(page, "what is 12 * 7?")
    await send(page, "thanks! and what did I ask before?")
    await page.wait_for_function(
        "document.querySelector('.message.assistant.streaming .text')?.textContent.length > 60"
    )
    await page.screenshot(path=log_dir / "page-mid-run.png")
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        await page.screenshot(path=SCREENSHOT)
    await expect(page.locator(".message.assistant.streaming")).to_have_count(1)
    await run_ends(page)


async def test_a_reload_mid_run_follows_the_run_to_its_end(tab: Tab, server: ServerProcess) -> None:
    page = await tab.open(server)
    await send(page, "take your time [tokens=30] [delay=100]")
    await expect(page.locator(".message.assistant .text")).to_contain_text("w2")
    await page.reload()
    await expect(page.locator(".notice.info")).to_contain_text("following it live")
    await run_ends(page)
    await expect(fact(page, "outcome")).to_have_text("success")
    await expect(page.locator(".message.user")).to_have_count(1)
    await expect(page.locator(".message.assistant")).to_have_count(1)
    await expect(page.locator(".message.assistant .text")).to_have_text(re.compile(r"^turn1 w1 w2 .* w29$"))
