"""LangGraph's JS client, `@langchain/langgraph-sdk` in Node, works unchanged, useStream's calls included."""

import asyncio
import json
import shutil
import subprocess

import pytest

from tests.processes import ROOT, ServerProcess

LGSDK = ROOT / "tests" / "lgsdk"
NODE_TIMEOUT = 120


@pytest.fixture(scope="session")
def scenario() -> str:
    """tests/lgsdk/scenario.mjs, with the client installed from the lock file (skips without Node)."""
    if not (LGSDK / "node_modules" / "@langchain" / "langgraph-sdk").is_dir():
        if shutil.which("npm") is None or shutil.which("node") is None:
            pytest.skip("tests/lgsdk/node_modules is missing and node/npm are not on PATH")
        installed = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=LGSDK, capture_output=True, text=True, timeout=300
        )
        if installed.returncode != 0:
            pytest.skip(f"`npm ci` in tests/lgsdk failed: {installed.stderr[-500:]}")
    return str(LGSDK / "scenario.mjs")


async def test_the_js_client_runs_the_core_scenario(scenario: str, server: ServerProcess) -> None:
    process = await asyncio.create_subprocess_exec(
        "node",
        scenario,
        server.url,
        cwd=LGSDK,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), NODE_TIMEOUT)
    assert process.returncode == 0, stderr.decode()
    seen = json.loads(stdout)
    assert seen["assistant"] == "agent"
    assert seen["thread"]["metadata"] == {"from": "js", "graph_id": "agent"}
    assert seen["created"]["thread_id"] == seen["thread"]["thread_id"] and seen["created"]["run_id"]
    assert seen["firstEvents"][0] == "metadata" and "" not in seen["firstEvents"]
    assert {"values", "messages", "updates"} <= set(seen["firstEvents"])
    assert seen["tokens"] == "The result is 84."
    head, *older = seen["history"]  # newest first: the turn's checkpoint, then the turns before it
    assert head["hasParent"] and head["checkpoint"]["checkpoint_id"] and head["messages"] == 4
    assert older and all(state["messages"] < 4 for state in older)
    assert seen["fromCheckpoint"][-2:] == ["hi [tokens=2]", "turn2 w1"]
    assert seen["stoppedNext"] == ["tools"] and seen["stoppedStatus"] == "interrupted"
    assert seen["resumed"] == "The result is 6."
    assert seen["joinedEvents"][0] == "metadata" and seen["joinedEvents"][-1] == "values"
    assert seen["runs"] == ["success"] * 5
    assert seen["found"] and seen["deleted"]
