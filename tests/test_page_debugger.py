"""The debug page as a LangGraph debugger, in headless Chromium: the graph, the state, the runs of a
thread, the event log's grouping, filters and copy buttons, keys, the narrow layout, no console errors.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.async_api import expect

from tests.processes import ROOT, ServerProcess

if TYPE_CHECKING:
    from tests.page_helpers import Tab

from tests.page_actions import fact, run_ends, send, turn

pytest_plugins = ["tests.page_helpers"]
pytestmark = pytest.mark.browser

WIDE_SCREENSHOT = ROOT / "docs" / "debugger-wide.png"
NARROW_SCREENSHOT = ROOT / "docs" / "debugger-narrow.png"


async def test_the_graph_has_the_default_graphs_nodes_and_lights_the_running_one(
    tab: Tab, page_server: ServerProcess
) -> None:
    page = await tab.open(page_server)
    nodes = page.locator("#graph .graph-node")
    await expect(nodes).to_have_count(4)
    ids = await nodes.evaluate_all("nodes => nodes.map(n => n.dataset.node)")
    assert set(ids) == {"__start__", "agent", "tools", "__end__"}
    await expect(page.locator("#graph .graph-edge.conditional")).to_have_count(2)
    await send(page, "tell me something long please")
    await expect(page.locator('#graph .graph-node[data-node="agent"]')).to_have_class(
        "graph-node node running visited"
    )
    await run_ends(page)
    await expect(page.locator("#graph .graph-node.running")).to_have_count(0)
    await expect(page.locator('#graph .graph-node[data-node="agent"]')).to_have_class(
        "graph-node node visited"
    )
    await expect(page.locator('#graph .graph-node[data-node="tools"]')).to_have_class("graph-node node")


async def test_clicking_a_node_filters_the_events_and_steps_to_it(
    tab: Tab, page_server: ServerProcess
) -> None:
    page = await tab.open(page_server)
    await turn(page, "what is 12 * 7?")
    await page.locator('#graph .graph-node[data-node="tools"]').click()
    await expect(page.locator("#node-filter")).to_be_visible()
    shown = page.locator("#event-log li:not([hidden])")
    await expect(shown.first).to_be_visible()
    assert set(await shown.evaluate_all("rows => rows.map(r => r.dataset.node)")) == {"tools"}
    assert "TOOL_CALL_RESULT" in await shown.evaluate_all("rows => rows.map(r => r.dataset.type)")
    await expect(page.locator("#steps .step:not(.filtered-out) .step-name")).to_have_text(["tools"])
    await page.locator("#clear-node-filter").click()
    await expect(page.locator("#steps .step.filtered-out")).to_have_count(0)


async def test_tokens_are_one_row_per_message_and_the_type_filter_search_and_copy_work(
    tab: Tab, page_server: ServerProcess
) -> None:
    await tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = await tab.open(page_server)
    await turn(page, "what is 12 * 7?")
    content = page.locator('#event-log li[data-type="TEXT_MESSAGE_CONTENT"]')
    await expect(content).to_have_count(1)
    await expect(content.locator(".event-note")).to_have_text(re.compile(r"^×\d+$"))
    await content.locator("summary").click()
    await expect(content.locator("pre")).to_have_text("The calculator says the answer is 84.")
    await content.locator("button.copy").click()
    assert await page.evaluate("navigator.clipboard.readText()") == "The calculator says the answer is 84."

    await page.locator("#event-type").select_option("STEP_STARTED")
    await expect(page.locator("#event-log li:not([hidden])")).to_have_count(3)
    await expect(page.locator("#event-count")).to_have_text(
        "3 of " + str(await page.locator("#event-log li").count())
    )
    await page.locator("#event-type").select_option("")
    await page.locator("#event-search").fill("calculator")
    types = await page.locator("#event-log li:not([hidden])").evaluate_all(
        "rows => rows.map(r => r.dataset.type)"
    )
    assert "TOOL_CALL_START" in types and "RUN_STARTED" not in types

    await page.locator("#copy-thread").click()
    thread_id = await page.evaluate("navigator.clipboard.readText()")
    assert thread_id and thread_id in page.url
    await page.locator(".message.assistant").hover()
    await page.locator(".message.assistant header .copy").click()
    assert await page.evaluate("navigator.clipboard.readText()") == "The calculator says the answer is 84."


async def test_the_state_view_shows_what_a_step_wrote_and_what_changed(
    tab: Tab, page_server: ServerProcess
) -> None:
    page = await tab.open(page_server)
    await turn(page, "what is 12 * 7?")
    await page.locator("#tab-state").click()
    tree = page.locator("#state-tree")
    await expect(tree).to_contain_text("messages")
    await expect(tree).to_contain_text("The calculator says the answer is 84.")
    await expect(page.locator("#state-facts")).to_contain_text("checkpoint")
    await turn(page, "and what did I ask before?")
    await expect(page.locator("#state-diff li").first).to_be_visible()
    await expect(page.locator("#state-diff")).to_contain_text("messages[")


async def test_a_past_run_reopens_after_a_reload_with_its_events_and_steps(
    tab: Tab, page_server: ServerProcess
) -> None:
    page = await tab.open(page_server)
    await turn(page, "what is 12 * 7?")
    await turn(page, "hello again")
    runs = page.locator("#runs .run-item")
    await expect(runs).to_have_count(2)
    await page.reload()
    await expect(runs).to_have_count(2)
    await expect(runs.locator(".run-outcome")).to_have_text(["success", "success"])
    await expect(runs.last.locator(".run-meta")).to_contain_text("first token")
    await runs.last.locator(".run-open").click()
    await expect(page.locator("#event-log li").last).to_have_attribute("data-type", "RUN_FINISHED")
    await expect(page.locator('#event-log li[data-type="TOOL_CALL_RESULT"]')).to_have_count(1)
    await expect(page.locator("#steps .step-name")).to_have_text(["agent", "tools", "agent"])
    await expect(page.locator('#graph .graph-node[data-node="tools"]')).to_have_class(
        "graph-node node visited"
    )


async def test_escape_stops_the_run_and_slash_focuses_the_composer(tab: Tab, server: ServerProcess) -> None:
    page = await tab.open(server)
    await page.locator("body").click()
    await page.keyboard.press("/")
    await expect(page.locator("#message")).to_be_focused()
    await send(page, "count slowly [tokens=200] [delay=100]")
    await expect(page.locator(".message.assistant .text")).to_contain_text("w1")
    await page.keyboard.press("Escape")
    await run_ends(page)
    await expect(fact(page, "outcome")).to_have_text("cancelled")


async def test_no_console_errors_on_the_page_or_the_login_page(
    tab: Tab, page_server: ServerProcess, start_server
) -> None:
    problems: list[str] = []
    tab.page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    # The page aborts a turn's POST itself once its last event is in (net::ERR_ABORTED): not a failure.
    tab.page.on(
        "requestfailed",
        lambda r: problems.append(f"failed: {r.url}") if "ERR_ABORTED" not in (r.failure or "") else None,
    )
    page = await tab.open(page_server)
    await turn(page, "what is 12 * 7?")
    locked = start_server({"OPENAI_API_KEY": "", "API_KEY": "sesame"})
    await page.goto(locked.url + "/")
    await expect(page.locator("#key")).to_be_visible()
    await page.wait_for_load_state("networkidle")
    assert problems == []


async def test_the_narrow_layout_puts_the_conversation_first_and_folds_the_panels(
    tab: Tab, page_server: ServerProcess, log_dir: Path
) -> None:
    """Also saves the README's two screenshots (UPDATE_SCREENSHOT=1 writes them into docs/)."""
    page = await tab.open(page_server)
    await turn(page, "what is 12 * 7?")
    await send(page, "thanks! and what did I ask before?")
    await page.wait_for_function(
        "document.querySelector('.message.assistant.streaming .text')?.textContent.length > 40"
    )
    await page.screenshot(path=log_dir / "debugger-wide.png")
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        await page.screenshot(path=WIDE_SCREENSHOT)
    await run_ends(page)
    await page.set_viewport_size({"width": 420, "height": 860})
    await expect(page.locator("#conversation")).to_be_visible()
    await expect(page.locator("#debugger")).to_be_hidden()
    await expect(page.locator("#sidebar")).to_be_hidden()
    width = await page.locator("#conversation").evaluate("c => c.getBoundingClientRect().width")
    assert width >= 400
    await page.screenshot(path=log_dir / "debugger-narrow.png")
    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        await page.screenshot(path=NARROW_SCREENSHOT)
    await page.locator('[data-unfolds="debugger"]').click()
    await expect(page.locator("#graph")).to_be_visible()
    await page.locator("#debugger .fold").click()
    await expect(page.locator("#debugger")).to_be_hidden()
    await page.locator('[data-unfolds="threads"]').click()
    await expect(page.locator("#threads")).to_be_visible()


async def test_a_subgraph_is_drawn_folds_and_its_steps_and_messages_say_whose_they_are(
    tab: Tab, start_server
) -> None:
    nested = start_server({"GRAPH": "tests.graphs:research_graph", "OPENAI_API_KEY": ""})
    page = await tab.open(nested)
    await expect(page.locator('#graph .graph-group[data-node="researcher"]')).to_be_visible()
    await expect(page.locator('#graph .graph-node[data-node="researcher:search"]')).to_be_visible()
    await send(page, "climate")
    await expect(page.locator('#graph .graph-node[data-node="researcher:search"]')).to_have_class(
        re.compile(r"\brunning\b")
    )
    await run_ends(page)
    researcher = page.locator('#steps > .step[data-node="researcher"]')
    await expect(researcher.locator(".substeps .step-name")).to_have_text(["search", "summarise"])
    await expect(page.locator("#steps > .step > .step-name")).to_have_text(["researcher", "writer"])
    labelled = page.locator(".message.assistant.subagent .subagent-label")
    await expect(labelled).to_have_text(["researcher", "researcher"])
    await expect(page.locator(".message.assistant:not(.subagent) .text")).to_have_text("Report on: climate")
    await page.locator("#graph .graph-group-label").click()
    folded = page.locator('#graph .graph-node.subgraph[data-node="researcher"]')
    await expect(folded).to_have_class(re.compile(r"\bvisited\b"))
    await expect(page.locator('#graph .graph-node[data-node="researcher:search"]')).to_have_count(0)
    await folded.dblclick()
    await expect(page.locator('#graph .graph-node[data-node="researcher:search"]')).to_be_visible()
