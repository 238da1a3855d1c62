"""Fixtures: a real PostgreSQL, the stand-in model, and our server as real processes.

PostgreSQL is the server named by TEST_DATABASE_URL when set, else an embedded
one (pgserver) in a temporary folder; never DATABASE_URL, which names the
user's own database (the servers the tests start do not inherit it either).
"""

import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pgserver
import pytest

from tests import agui_client
from tests.processes import ROOT, ServerProcess, StandInProcess

ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def log_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="chat-tests-pg-") as folder:
        server = pgserver.get_server(folder, cleanup_mode="stop")
        yield server.get_uri()
        server.cleanup()


@pytest.fixture(scope="session")
def standin(log_dir: Path) -> Iterator[StandInProcess]:
    process = StandInProcess(log_dir).start()
    yield process
    process.stop()


def model_env(standin: StandInProcess) -> dict[str, str]:
    return {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": standin.url, "MODEL": "standin"}


@pytest.fixture(scope="session")
def server(database_url: str, standin: StandInProcess, log_dir: Path) -> Iterator[ServerProcess]:
    """Our server, answering with ChatOpenAI against the stand-in model."""
    process = ServerProcess(
        {"DATABASE_URL": database_url, "MODEL_MAX_RETRIES": "0", **model_env(standin)}, log_dir
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def offline_server(database_url: str, log_dir: Path) -> Iterator[ServerProcess]:
    """Our server with the built-in offline model."""
    env = {"DATABASE_URL": database_url, "OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0.01"}
    process = ServerProcess(env, log_dir).start()
    yield process
    process.stop()


@pytest.fixture
def start_server(database_url: str, log_dir: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start a server of the test's own, stopped at the end of the test."""
    started: list[ServerProcess] = []

    def start(env: dict[str, str] | None = None, *args: str) -> ServerProcess:
        process = ServerProcess({"DATABASE_URL": database_url, **(env or {})}, log_dir).start(*args)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
async def client(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        yield http


@pytest.fixture
async def offline_client(offline_server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=offline_server.url, timeout=30) as http:
        yield http


@pytest.fixture(scope="session")
def pair(
    database_url: str, standin: StandInProcess, log_dir
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two of our servers on one database, answering with ChatOpenAI against the stand-in model."""
    env = {
        "DATABASE_URL": database_url,
        "OPENAI_API_KEY": "k",
        "OPENAI_BASE_URL": standin.url,
        "MODEL_MAX_RETRIES": "0",
    }
    a, b = ServerProcess(env, log_dir).start(), ServerProcess(env, log_dir).start()
    yield a, b
    for process in (a, b):
        if process.process and process.process.poll() is None:
            process.stop()


@pytest.fixture(scope="session")
def conformance_script() -> Path:
    """tests/agui/conformance.mjs, the official AG-UI client's driver (skips when Node is missing)."""
    script = agui_client.conformance_script()
    if isinstance(script, str):
        pytest.skip(script)
    return script
