"""What a person does on the debug page, and what the page tests read back from it."""

import re

from playwright.async_api import Locator, Page, expect


async def send(page: Page, message: str) -> None:
    await page.locator("#message").fill(message)
    await page.locator("#message").press("Enter")


async def run_ends(page: Page) -> None:
    await expect(page.locator("body")).not_to_have_class(re.compile(r"\brunning\b"), timeout=30_000)


async def turn(page: Page, message: str) -> None:
    await send(page, message)
    await run_ends(page)


def fact(page: Page, name: str) -> Locator:
    return page.locator(f'#run-facts [data-fact="{name}"]')


def thread_in_url(page: Page) -> str:
    match = re.search(r"[?&]thread=([\w-]+)", page.url)
    assert match, f"no ?thread= in {page.url}"
    return match.group(1)
