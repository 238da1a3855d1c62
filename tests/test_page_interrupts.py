"""The debug page shows an interrupt as a card: approve and reject through it, and it survives a reload."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.async_api import expect

from tests.processes import ServerProcess

if TYPE_CHECKING:
    from tests.page_helpers import Tab

from tests.page_actions import run_ends, turn

pytest_plugins = ["tests.page_helpers"]
pytestmark = pytest.mark.browser


async def test_approve_through_the_card(tab: Tab, page_server: ServerProcess) -> None:
    page = await tab.open(page_server)
    await turn(page, "send a note to Ada saying hi")
    card = page.locator(".interrupt")
    await expect(card.locator("strong")).to_have_text("Send a note to Ada: “hi”?")
    await expect(page.locator("#message")).to_be_disabled()
    await expect(page.locator("#message")).to_have_attribute(
        "placeholder", "The agent waits for your answer above: approve, reject or answer it first."
    )
    await card.locator("button.approve").click()
    await run_ends(page)
    await expect(page.locator(".interrupt")).to_have_count(0)
    await expect(page.locator(".tool-call .tool-result")).to_have_text("Note sent to Ada: “hi”")
    await expect(page.locator("#message")).to_be_enabled()


async def test_the_card_survives_a_reload_and_rejects_with_a_reason(
    tab: Tab, page_server: ServerProcess
) -> None:
    page = await tab.open(page_server)
    await turn(page, "send a note to Bo saying later")
    await expect(page.locator(".interrupt")).to_have_count(1)
    await page.reload()
    card = page.locator(".interrupt")
    await expect(card.locator("strong")).to_have_text("Send a note to Bo: “later”?")
    await expect(page.locator("#message")).to_be_disabled()
    await card.locator("input.reason").fill("not now")
    await card.locator("button.reject").click()
    await run_ends(page)
    await expect(page.locator(".tool-call .tool-result")).to_have_text(
        "the reviewer rejected sending the note: not now"
    )
    assert tab.errors == []
