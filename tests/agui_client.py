"""Driving the official AG-UI client (`@ag-ui/client` in Node, `tests/agui/conformance.mjs`) from tests."""

import asyncio
import json
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

from tests.processes import ROOT, ServerProcess

AGUI = ROOT / "tests" / "agui"
NODE_TIMEOUT = 60


def conformance_script() -> Path | str:
    """tests/agui/conformance.mjs, with @ag-ui/client installed (npm ci if need be); else why not."""
    if not (AGUI / "node_modules" / "@ag-ui" / "client").is_dir():
        npm = shutil.which("npm")
        if npm is None or shutil.which("node") is None:
            return "tests/agui/node_modules is missing and node/npm are not on PATH"
        installed = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=AGUI, capture_output=True, text=True, timeout=300
        )
        if installed.returncode != 0:
            return f"tests/agui/node_modules is missing and `npm ci` failed: {installed.stderr[-500:]}"
    return AGUI / "conformance.mjs"


async def node(script: Path, *args: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        "node", str(script), *args, cwd=AGUI, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), NODE_TIMEOUT)
    assert process.returncode == 0, stderr.decode()
    assert "[ag-ui]" not in stderr.decode(), stderr.decode()  # the client's warnings about a stream
    return json.loads(stdout)


async def converse(script: Path, server: ServerProcess, *turns: dict[str, Any]) -> dict[str, Any]:
    """Run `turns` on a new thread with HttpAgent; the client's account of them."""
    thread_id = f"agui-{uuid.uuid4().hex[:12]}"
    result = await node(script, server.url, json.dumps({"threadId": thread_id, "turns": list(turns)}))
    return {"thread_id": thread_id, **result}


def assert_client_accepted(run: dict[str, Any]) -> None:
    assert run["violation"] is None, run["violation"]
    events = run["events"]
    assert [e["type"] for e in events[:2]] == ["RUN_STARTED", "MESSAGES_SNAPSHOT"]
    assert events[0]["runId"] == run["runId"]
    terminal = [e for e in events if e["type"] in {"RUN_FINISHED", "RUN_ERROR"}]
    assert terminal == [events[-1]]  # the verifier does not insist on a last event; we do
