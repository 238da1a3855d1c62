"""Starting the peers on loopback, each as a Target the scenarios can drive like our server."""

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.load import TOKEN_MARK, Target
from bench.peers.venv import peers_python
from tests.processes import ROOT, free_port, wait_until_answers

DEV_CONFIG = Path(__file__).parent / "langgraph.json"


@contextmanager
def _process(name: str, command: list[str], env: dict[str, str], log_dir: Path, health: str) -> Iterator[Any]:
    port = free_port()
    log = log_dir / f"{name}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=log_dir,  # langgraph dev keeps its state in .langgraph_api/ there
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answers(f"http://127.0.0.1:{port}{health}", process, log)
        process.port = port  # type: ignore[attr-defined]
        yield process
    finally:
        process.terminate()
        process.wait(30)


def _lgapi_body(message: str, thread_id: str) -> dict[str, Any]:
    return {
        "assistant_id": "agent",
        "input": {"messages": [{"role": "user", "content": message}]},
        "stream_mode": ["messages-tuple"],
        "if_not_exists": "create",
    }


def _lgapi_is_token(frame: bytes) -> bool:
    return b"event: messages\n" in frame and b'"AIMessageChunk"' in frame and b'"content":"",' not in frame


def _lgapi_token_text(frame: bytes) -> str:
    data = frame.partition(b"data: ")[2]
    content = json.loads(data)[0]["content"]
    return content if isinstance(content, str) else ""


def lgapi_target(name: str, url: str, pid: int) -> Target:
    """A LangGraph Server API (ours, or langgraph dev): a thread's run streamed in messages-tuple mode."""
    return Target(
        name=name,
        url=url,
        pid=pid,
        path="/threads/{thread_id}/runs/stream",
        is_token=_lgapi_is_token,
        token_text=_lgapi_token_text,
        make_body=_lgapi_body,
    )


def _agui_body(message: str, thread_id: str) -> dict[str, Any]:
    return {
        "threadId": thread_id,
        "runId": "r" + thread_id,
        "messages": [{"id": "m" + thread_id, "role": "user", "content": message}],
        "state": {},
        "tools": [],
        "context": [],
        "forwardedProps": {},
    }


def _agui_token_text(frame: bytes) -> str:
    return json.loads(frame.partition(b"data: ")[2])["delta"]


@contextmanager
def start_peers(env: dict[str, str], log_dir: Path) -> Iterator[list[Target]]:
    """`langgraph dev` (in memory) and the ag-ui-langgraph adapter, both on bench/plain_graph.py,
    run by the Python of the peers' own virtualenv."""
    python = str(peers_python())
    with ExitStack() as stack:
        dev_env = {**env, "LANGGRAPH_CLI_NO_ANALYTICS": "1", "LANGSMITH_TRACING": "false"}
        dev_command = [python, "-m", "langgraph_cli", "dev", "--config", str(DEV_CONFIG)]
        dev_command += ["--no-browser", "--no-reload", "--allow-blocking", "--host", "127.0.0.1"]
        dev = stack.enter_context(_process("langgraph-dev", dev_command, dev_env, log_dir, "/ok"))
        agui_command = [python, "-m", "bench.peers.agui_adapter"]
        agui = stack.enter_context(_process("agui-adapter", agui_command, env, log_dir, "/healthz"))
        yield [
            lgapi_target("langgraph_dev", f"http://127.0.0.1:{dev.port}", dev.pid),
            Target(
                name="agui_adapter",
                url=f"http://127.0.0.1:{agui.port}",
                pid=agui.pid,
                path="/",
                is_token=lambda frame: TOKEN_MARK in frame,
                token_text=_agui_token_text,
                make_body=_agui_body,
            ),
        ]
