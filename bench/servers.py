"""The processes a benchmark run starts on loopback: PostgreSQL, the model, the two servers."""

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.load import TOKEN_MARK, Target
from bench.peers.servers import lgapi_target, start_peers
from tests.processes import ROOT, ServerProcess, StandInProcess, free_port, wait_until_answers


@dataclass(frozen=True)
class Servers:
    database_url: str
    standin: StandInProcess
    baseline: Target
    ours: Target
    ours_plain: Target  # our server serving bench/plain_graph.py through GRAPH=
    ours_drop_in: Target  # the same, its ChatOpenAI replaced by agent.model.ThreadChatOpenAI
    ours_lgapi: Target  # our server's LangGraph Server API door: POST /threads/{id}/runs/stream
    peers: list[Target]  # with --peers: langgraph dev and the ag-ui-langgraph adapter


def _our_token_text(frame: bytes) -> str:
    data = frame.partition(b"data: ")[2]
    return json.loads(data)["delta"]


def _baseline_token_text(frame: bytes) -> str:
    return json.loads(frame.partition(b"data: ")[2])["token"]


@contextmanager
def embedded_database() -> Iterator[str]:
    """A PostgreSQL of the run's own (pgserver) in a temporary folder."""
    import pgserver

    with tempfile.TemporaryDirectory(prefix="chat-bench-pg-") as folder:
        server = pgserver.get_server(folder, cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


@contextmanager
def baseline_process(env: dict[str, str], log_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    port = free_port()
    log = log_dir / f"baseline-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.baseline", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/healthz", process, log)
        process.port = port  # type: ignore[attr-defined]
        yield process
    finally:
        process.terminate()
        process.wait(30)


@contextmanager
def start_servers(
    *,
    database_url: str | None,
    log_dir: Path,
    server_env: dict[str, str] | None = None,
    peers: bool = False,
) -> Iterator[Servers]:
    """Start the model, the baseline and our server on one database; stop them at the end."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        url = database_url or stack.enter_context(embedded_database())
        standin = StandInProcess(log_dir).start("--tokens", "50", "--forget-requests")
        stack.callback(standin.stop)
        env = {
            "DATABASE_URL": url,
            "OPENAI_API_KEY": "bench-key",
            "OPENAI_BASE_URL": standin.url,
            "MODEL": "standin",
            "MODEL_MAX_RETRIES": "0",
            "LOG_LEVEL": "warning",
            "DB_POOL_SIZE": "20",  # the server's defaults, not the test suite's small pools
            "DB_MAX_IDLE_SECONDS": "300",
        }
        baseline = stack.enter_context(baseline_process(env, log_dir))
        ours = ServerProcess({**env, **(server_env or {})}, log_dir).start()
        stack.callback(ours.stop)
        plain = ServerProcess({**env, **(server_env or {}), "GRAPH": "bench.plain_graph:build"}, log_dir)
        plain.start()
        stack.callback(plain.stop)
        drop_in_env = {**env, **(server_env or {}), "GRAPH": "bench.plain_graph:build_with_drop_in"}
        drop_in = ServerProcess(drop_in_env, log_dir).start()
        stack.callback(drop_in.stop)
        assert ours.process is not None and plain.process is not None
        peers = stack.enter_context(start_peers(env, log_dir)) if peers else []
        yield Servers(
            database_url=url,
            standin=standin,
            baseline=Target(
                name="baseline",
                url=f"http://127.0.0.1:{baseline.port}",  # type: ignore[attr-defined]
                pid=baseline.pid,
                path="/chat",
                is_token=lambda frame: frame.startswith(b"data: "),
                token_text=_baseline_token_text,
            ),
            ours=_our_target("ours", ours),
            ours_plain=_our_target("ours_plain", plain),
            ours_drop_in=_our_target("ours_drop_in", drop_in),
            ours_lgapi=lgapi_target("ours_lgapi", ours.url, ours.process.pid),
            peers=peers,
        )


def _our_target(name: str, server: ServerProcess) -> Target:
    assert server.process is not None
    return Target(
        name=name,
        url=server.url,
        pid=server.process.pid,
        path="/api/chat",
        is_token=lambda frame: TOKEN_MARK in frame,
        token_text=_our_token_text,
    )
