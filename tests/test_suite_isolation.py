"""The tests never touch the user's database or settings: DATABASE_URL, API_KEY, GRAPH or a `.env`.

The suite's database is TEST_DATABASE_URL or an embedded one; the servers it
starts get only the settings a test gives them, and run outside the checkout
(where a user's `.env` lives).
"""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.processes import ROOT, ServerProcess

USERS_DATABASE = "postgresql://users-own@127.0.0.1:9/precious"
REPORTS_ITS_DATABASE = """
from pathlib import Path


def test_report(database_url):
    Path(__file__).with_suffix(".url").write_text(database_url)
"""


def test_without_test_database_url_the_suite_uses_an_embedded_database(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text(REPORTS_ITS_DATABASE)
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "PYTEST_CURRENT_TEST"}}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider"]
        + ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(probe)],
        cwd=ROOT,
        env={**env, "DATABASE_URL": USERS_DATABASE},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    used = probe.with_suffix(".url").read_text()
    assert used != USERS_DATABASE and "precious" not in used
    assert "host=/" in used  # pgserver's embedded PostgreSQL, on a Unix socket in a temporary folder


def test_a_server_the_tests_start_ignores_the_users_settings(
    start_server: Callable[..., ServerProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY", "the-users-key")
    monkeypatch.setenv("GRAPH", "the_users_agent:build")
    monkeypatch.setenv("max_message_bytes", "10")  # settings are read case-insensitively
    server = start_server({"OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0"})
    ready = httpx.get(f"{server.url}/readyz", timeout=30)
    assert ready.status_code == 200  # no API_KEY: no 401
    assert ready.json()["model"] == "offline"
    body = {"message": "longer than ten bytes"}
    with httpx.stream("POST", f"{server.url}/api/chat", json=body, timeout=30) as answer:
        assert answer.status_code == 200
        assert '"type":"RUN_FINISHED"' in answer.read().decode()
    assert server.process is not None
    working_directory = Path(f"/proc/{server.process.pid}/cwd").resolve()
    assert working_directory != ROOT and not (working_directory / ".env").exists()
