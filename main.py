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
from fastapi import FastAPI, Request
from fastapi.middleware import Middleware
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api import agui, auth, chat, debugger, health, history, runs, threads
from api.errors import install_error_handlers
from api.langgraph import routes as langgraph
from api.resources import open_resources
from api.security import AllowedHosts, LimitBody, RefuseCrossSite
from db.pools import database_address
from gc_policy import freeze_startup_objects
from settings import Settings

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("server")


def security_middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: each refuses before the next one, or the app, sees the request."""
    cors = [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Last-Event-ID", "x-api-key"],
            expose_headers=["Retry-After"],
            allow_credentials=True,
        )
    ]
    return [
        Middleware(AllowedHosts, settings=settings),  # 400 host_not_allowed
        *(cors if settings.allowed_origins else []),  # answers preflights of ALLOWED_ORIGINS
        Middleware(RefuseCrossSite, settings=settings),  # 403 cross_site_request
        Middleware(auth.RequireApiKey, settings=settings),  # 401 unauthorized, 429 too_many_attempts
        Middleware(LimitBody, settings=settings),  # 413 body_too_large
    ]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        async with open_resources(settings) as resources:
            freeze_startup_objects()
            log.info("ready; model: %s", settings.model_name)
            yield {"resources": resources, "key_guard": auth.KeyGuard(settings)}

    app = FastAPI(title="LangGraph chat server", lifespan=lifespan, middleware=security_middleware(settings))
    install_error_handlers(app)
    for module in (health, auth, chat, agui, runs, threads, debugger, langgraph, history):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    @app.get("/debug", include_in_schema=False)
    async def debug_page(request: Request, guard: auth.KeyGuardDep) -> FileResponse:
        page = "index.html" if guard.has_session(request) else "login.html"
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
        log.info("using the PostgreSQL %s", database_address(settings.database_url))
    # uvicorn re-raises the signal that stopped it once it has shut down gracefully; with this
    # handler in place that signal ends `main()` normally, so a clean SIGTERM exits 0.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    if settings.api_key is None:
        log.warning(
            "no API_KEY set: listening on %s:%d, anyone who can reach that address can use the server",
            settings.host,
            settings.port,
        )
    if settings.allowed_hosts is None and not settings.bound_to_loopback:
        log.warning(
            "ALLOWED_HOSTS unset and HOST=%s is not loopback: answering requests addressed to an IP "
            "address or to localhost only; set ALLOWED_HOSTS to the names clients use (or * for any)",
            settings.host,
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
