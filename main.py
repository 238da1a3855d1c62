"""The chat server: `python main.py` runs it; `create_app()` builds it."""

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import uvicorn
from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api import agui, auth, chat, health, history, runs, threads
from api.errors import install_error_handlers
from api.resources import open_resources
from settings import Settings

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("server")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        async with open_resources(settings) as resources:
            log.info("ready; model: %s", settings.model_name)
            yield {"resources": resources}

    app = FastAPI(title="LangGraph chat server", lifespan=lifespan)
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    for module in (chat, agui, runs, threads, history):
        app.include_router(module.router, dependencies=[Depends(auth.require_api_key)])

    @app.get("/", include_in_schema=False)
    @app.get("/debug", include_in_schema=False)
    async def debug_page(request: Request) -> FileResponse:
        page = "index.html" if auth.is_authorized(request, settings.api_key) else "login.html"
        return FileResponse(STATIC / page)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


async def _database_answers(url: str) -> None:
    connection = await asyncpg.connect(url, timeout=10)
    await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, help="server processes (default: WORKERS or 1)")
    args = parser.parse_args()
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "httpx2", "pgserver"):  # a line per model request, pages of initdb
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if settings.database_url is not None:
        try:
            asyncio.run(_database_answers(settings.database_url))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            sys.exit(f"error: cannot connect to the database at DATABASE_URL ({error})")
    # uvicorn re-raises the signal that stopped it once it has shut down gracefully; with this
    # handler in place that signal ends `main()` normally, so a clean SIGTERM exits 0.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    if settings.api_key is None:
        log.warning(
            "no API_KEY set: listening on %s:%d, anyone who can reach that address can use the server",
            settings.host,
            settings.port,
        )
    uvicorn.run(
        "main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=args.workers or settings.workers,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds) + 10,
    )


if __name__ == "__main__":
    main()
