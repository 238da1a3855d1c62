"""The machine a run measured, so that figures are quoted with what produced them."""

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import psycopg

# uvloop and httptools: uvicorn (the servers', the stand-in's) runs on them when they are installed,
# and requirements.txt does not name them.
PACKAGES = ("langgraph", "langchain-core", "langchain-openai", "openai", "uvicorn", "uvloop", "httptools")
PEER_PACKAGES = ("langgraph-api", "langgraph-runtime-inmem", "ag-ui-langgraph", "langgraph", "langchain-core")


def _cpu_model() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    raise RuntimeError("no MemTotal in /proc/meminfo")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


async def _postgres_version(database_url: str) -> str:
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        row = await (await conn.execute("SHOW server_version")).fetchone()
    assert row is not None
    return str(row[0])


async def describe_machine(database_url: str, *, peers: bool) -> dict[str, Any]:
    """CPU, cores, memory, kernel, Python, PostgreSQL and the versions of the packages behind the figures."""
    machine: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_gib": _memory_gib(),
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": await _postgres_version(database_url),
        "packages": {name: _version(name) for name in PACKAGES},
    }
    if peers:
        from bench.peers.venv import peer_versions

        machine["peer_packages"] = peer_versions(*PEER_PACKAGES)
    return machine
