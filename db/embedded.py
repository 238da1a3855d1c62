"""An embedded PostgreSQL (the `pgserver` package) for machines without a server.

pgserver ships PostgreSQL binaries in its wheel and listens on a Unix socket
inside the data folder, so two checkouts never fight over a port. Starting it
blocks for about a second, so it runs in a thread.
"""

import asyncio
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

with warnings.catch_warnings():
    # pgserver asks platformdirs for a runtime folder at import; without XDG_RUNTIME_DIR
    # (any container or CI job) that warns on every start, though /tmp serves well.
    warnings.simplefilter("ignore")
    import pgserver


@asynccontextmanager
async def embedded_postgres(data_dir: Path) -> AsyncIterator[str]:
    """Run PostgreSQL in `data_dir` (created if missing) and yield its URL."""
    server = await asyncio.to_thread(_start, data_dir)
    try:
        yield server.get_uri()
    finally:
        await asyncio.to_thread(server.cleanup)


def _start(data_dir: Path) -> pgserver.PostgresServer:
    data_dir.mkdir(parents=True, exist_ok=True)
    return pgserver.get_server(data_dir.resolve(), cleanup_mode="stop")
