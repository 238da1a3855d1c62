"""The debug page's Regenerate, Edit, branch switcher and history panel, in headless Chromium."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.async_api import Page, expect

from tests.page_actions import run_ends, turn
from tests.processes import ServerProcess

if TYPE_CHECKING:
    from tests.page_helpers import Tab

pytest_plugins = ["tests.page_helpers"]
pytestmark = pytest.mark.browser


def user(page: Page, n: int):
    return page.locator(".message.user").nth(n)


def answer(page: Page, n: int):
    return page.locator(".message.assistant").nth(n)


async def test_regenerate_edit_and_the_branch_switcher(tab: Tab, server: ServerProcess) -> None:
    page = await tab.open(server)
    await turn(page, "branch one [tokens=2]")
    await turn(page, "branch two [tokens=2]")
    await expect(answer(page, 1).locator(".regenerate")).to_be_visible()

    await answer(page, 1).locator(".regenerate").click()
    await run_ends(page)
    await expect(user(page, 1).locator(".branch-position")).to_have_text("2 / 2")
    await expect(page.locator(".message.user")).to_have_count(2)
    await expect(answer(page, 1)).to_contain_text("turn2 w1")

    await user(page, 1).locator(".edit").click()
    text = user(page, 1).locator(".text")
    await expect(text).to_have_attribute("contenteditable", "plaintext-only")
    await text.fill("branch edited [tokens=3]")
    await user(page, 1).locator(".edit-send").click()
    await run_ends(page)
    await expect(answer(page, 1).locator(".text")).to_have_text("turn2 w1 w2")
    await expect(answer(page, 1).locator(".regenerate")).to_be_visible()
    await expect(user(page, 1).locator(".branch-position")).to_have_text("3 / 3")

    await user(page, 1).locator(".branch-prev").click()
    await user(page, 1).locator(".branch-prev").click()
    await expect(user(page, 1).locator(".branch-position")).to_have_text("1 / 3")
    await expect(user(page, 1).locator(".text")).to_have_text("branch two [tokens=2]")
    await expect(user(page, 0).locator(".text")).to_have_text("branch one [tokens=2]")

    # Sending now continues the branch shown.
    await turn(page, "branch three [tokens=2]")
    await expect(answer(page, 2)).to_contain_text("turn3")
    await expect(page.locator(".message.user .text")).to_have_text(
        ["branch one [tokens=2]", "branch two [tokens=2]", "branch three [tokens=2]"]
    )


async def test_the_history_panel_shows_a_checkpoints_state_and_forks_from_it(
    tab: Tab, server: ServerProcess
) -> None:
    page = await tab.open(server)
    await turn(page, "panel one [tokens=2]")
    await turn(page, "panel two [tokens=2]")
    await page.locator("#tab-history").click()
    checkpoints = page.locator("#checkpoints .checkpoint")
    await expect(checkpoints.first).to_contain_text("4 messages")
    oldest_turn = page.locator("#checkpoints .checkpoint", has_text="2 messages")
    await oldest_turn.locator("button").click()
    state = page.locator("#checkpoint-state")
    await expect(state).to_be_visible()
    await expect(state.locator(".json-node").first).to_contain_text("messages")
    await state.locator(".fork").click()
    await expect(page.locator(".notice", has_text="Forking from this checkpoint")).to_be_visible()
    await expect(page.locator(".message.user")).to_have_count(1)
    await turn(page, "panel fork [tokens=2]")
    await expect(answer(page, 1)).to_contain_text("turn2")
    await expect(page.locator(".message.user .text")).to_have_text(
        ["panel one [tokens=2]", "panel fork [tokens=2]"]
    )
    await expect(user(page, 1).locator(".branch-position")).to_have_text("2 / 2")
