"""Browser fixtures for the debug page: Debian's Chromium driven by Playwright, a screenshot on failure.

Loaded by `pytest_plugins` in the tests/test_page*.py files. Chromium is the system one
(`/usr/bin/chromium`, or CHROMIUM); Playwright never downloads a browser here. A `Relay`
stands between the browser and a server when a test needs to cut the connection.
"""

import asyncio
import contextlib
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pytest
from playwright.async_api import Browser, Dialog, Page, async_playwright

from tests.processes import ServerProcess

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 860}

# Keeps every EventSource the page makes, so a test can see that each was closed.
TRACK_EVENT_SOURCES = """
window.__eventSources = [];
window.EventSource = class extends window.EventSource {
  constructor(...args) { super(...args); window.__eventSources.push(this); }
};
"""


class Served(Protocol):
    @property
    def url(self) -> str: ...


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass
class Tab:
    """A browser page, with the dialogs it opened and the script errors it hit."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def open(self, server: Served, path: str = "/") -> Page:
        await self.page.goto(server.url + path)
        await self.page.wait_for_function("document.querySelector('#model').textContent !== '…'")
        return self.page


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def launch_browser() -> AsyncIterator[Callable[..., Awaitable[Browser]]]:
    """Launch a Chromium of the test's own with extra command-line switches, closed at the end."""
    async with async_playwright() as playwright:
        launched: list[Browser] = []

        async def launch(*switches: str) -> Browser:
            chromium = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *switches]
            )
            launched.append(chromium)
            return chromium

        yield launch
        for chromium in launched:
            await chromium.close()


@pytest.fixture(scope="session")
def page_server(database_url: str, log_dir: Path) -> Iterator[ServerProcess]:
    """The offline model at 50 ms a token, so a reply visibly streams over many frames."""
    env = {"DATABASE_URL": database_url, "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0.05"}
    process = ServerProcess(env, log_dir).start()
    yield process
    process.stop()


@pytest.fixture
async def tab(browser: Browser, request: pytest.FixtureRequest, log_dir: Path) -> AsyncIterator[Tab]:
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(TRACK_EVENT_SOURCES)
    page = await context.new_page()
    page.set_default_timeout(15_000)
    opened = Tab(page)

    async def dismiss(dialog: Dialog) -> None:
        opened.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    page.on("dialog", dismiss)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        await page.screenshot(path=log_dir / f"{name}.png", full_page=True)
    await context.close()
    assert not opened.errors, f"the page threw: {opened.errors}"


class Relay:
    """A TCP relay on loopback in front of a server: `cut()` breaks every open connection, a network blip."""

    def __init__(self, target: ServerProcess) -> None:
        self._target_port = target.port
        self._open: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.url = ""

    async def start(self) -> "Relay":
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def cut(self) -> None:
        for writer in self._open:
            writer.transport.abort()
        self._open.clear()

    async def _relay(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        server_in, server_out = await asyncio.open_connection("127.0.0.1", self._target_port)
        self._open |= {client_out, server_out}
        await asyncio.gather(_pipe(client_in, server_out), _pipe(server_in, client_out))
        self._open -= {client_out, server_out}


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    sink.close()


@pytest.fixture
async def relay(server: ServerProcess) -> AsyncIterator[Relay]:
    """The stand-in-model server behind a relay that the test can cut."""
    opened = await Relay(server).start()
    yield opened
    await opened.stop()
