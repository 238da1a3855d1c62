"""Real processes for the tests: our server, the stand-in model, an embedded PostgreSQL."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from settings import Settings

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
SETTING_NAMES = {name.upper() for name in Settings.model_fields}


# The suite keeps several servers up at once on one PostgreSQL (max_connections is 100 by
# default): small pools that give idle connections back keep them all within it.
TEST_SERVER_DEFAULTS = {"DB_POOL_SIZE": "6", "DB_MAX_IDLE_SECONDS": "2"}


def server_environment(env: dict[str, str]) -> dict[str, str]:
    """The environment of a server a test starts: this one without any setting (DATABASE_URL,
    API_KEY, GRAPH…) a user may have exported, plus `env`."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name.upper() not in SETTING_NAMES and name != "PYTEST_CURRENT_TEST"
    }
    return {**inherited, **TEST_SERVER_DEFAULTS, **env}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answers(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


@dataclass
class ServerProcess:
    """A `python main.py` process on a loopback port, in the log folder, with only the settings in `env`."""

    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *args: str) -> "ServerProcess":
        self.starts += 1
        self.log = self.log_dir / f"server-{self.port}-{self.starts}.log"
        env = server_environment({**self.env, "PORT": str(self.port), "HOST": "127.0.0.1"})
        # Run from the log folder, not the checkout: Settings reads `.env` from the working
        # directory, and a user's `.env` must not reach a test's server.
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "main.py"), *args],
                cwd=self.log_dir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until_answers(f"{self.url}/readyz", self.process, self.log)
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def output(self) -> str:
        return self.log.read_text() if self.log else ""


@dataclass
class StandInProcess:
    log_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, *args: str) -> "StandInProcess":
        log = self.log_dir / f"standin-{self.port}.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.standin_openai", "--port", str(self.port), *args],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until_answers(f"http://127.0.0.1:{self.port}/_requests", self.process, log)
        return self

    def requests(self) -> list[dict]:
        return httpx.get(f"http://127.0.0.1:{self.port}/_requests").json()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:  # a `[timeout]` request never ends by itself
                self.process.kill()
                self.process.wait()
