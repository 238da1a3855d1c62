"""An embedded PostgreSQL (the `pgserver` package) for machines without a server.

pgserver ships PostgreSQL binaries in its wheel and listens on a Unix socket
inside the data folder, so two checkouts never fight over a port. Starting it
blocks for about a second, so it runs in a thread.
"""

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import pgserver


@asynccontextmanager
async def embedded_postgres(data_dir: Path) -> AsyncIterator[str]:
    """Run PostgreSQL in `data_dir` (created if missing) and yield its URL."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = await asyncio.to_thread(pgserver.get_server, data_dir, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        await asyncio.to_thread(server.cleanup)
