"""One JSON shape for every refusal: {"error": {"code": ..., "message": ...}}."""

import errno
import logging
import socket
from typing import Any

import asyncpg
import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from errors import Refusal

log = logging.getLogger(__name__)

DATABASE_DOWN = (
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,  # the server is up but takes no more connections
    asyncpg.InterfaceError,
    psycopg.OperationalError,
)
# Request handlers open no socket but the database's, so these OSErrors mean it cannot be reached:
# refused, reset or broken connections, timeouts, unknown hosts, asyncio's "Multiple exceptions"
# when every address of a host refused, and a Unix socket that is not there (FileNotFoundError
# without a file name: a missing file names itself). Any other OSError is a bug: 500.
_UNREACHABLE = (ConnectionError, TimeoutError, socket.gaierror, socket.herror)
_NETWORK_ERRNOS = {errno.ENETDOWN, errno.ENETUNREACH, errno.EHOSTDOWN, errno.EHOSTUNREACH, errno.ETIMEDOUT}


def database_unreachable(error: OSError) -> bool:
    """Whether `error` says the database cannot be reached (not, say, that a file is missing)."""
    return (
        isinstance(error, _UNREACHABLE)
        or error.errno in _NETWORK_ERRNOS
        or (isinstance(error, FileNotFoundError) and error.filename is None)
        or str(error).startswith("Multiple exceptions:")
    )


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **details}}


def refusal_response(error: Refusal) -> JSONResponse:
    return JSONResponse(
        error_body(error.code, error.message, **error.details),
        status_code=error.status_code,
        headers=error.headers,
    )


async def refuse(error: Refusal, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a refusal from a middleware, before the request's body was read.

    When a body was announced the connection is closed after the answer, so that
    uvicorn does not go on to receive (and discard) a body nobody wants.
    """
    response = refusal_response(error)
    headers = Headers(scope=scope)
    if headers.get("content-length", "0") != "0" or "transfer-encoding" in headers:
        response.headers["connection"] = "close"
    await response(scope, receive, send)


def _describe_validation(error: RequestValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body") or "body"
        if item.get("type") == "json_invalid":
            problems.append("the body is not valid JSON")
        else:
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(problems) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def refusal(_request: Request, error: Refusal) -> JSONResponse:
        return refusal_response(error)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body("invalid_request", _describe_validation(error)), status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        code = {404: "not_found", 401: "unauthorized", 405: "method_not_allowed"}.get(
            error.status_code, "invalid_request"
        )
        return JSONResponse(
            error_body(code, str(error.detail)), status_code=error.status_code, headers=error.headers
        )

    async def database_down(request: Request, error: Exception) -> JSONResponse:
        log.warning("%s %s: the database does not answer: %r", request.method, request.url.path, error)
        return JSONResponse(
            error_body("database_unavailable", "the database does not answer; try again shortly"),
            status_code=503,
        )

    # One handler per type: Starlette handles these where they are raised; a handler for
    # `Exception` itself runs only after the error reached the server (which logs it, as it should).
    for kind in DATABASE_DOWN:
        app.add_exception_handler(kind, database_down)

    @app.exception_handler(OSError)
    async def os_error(request: Request, error: OSError) -> JSONResponse:
        if database_unreachable(error):
            return await database_down(request, error)
        log.error("%s %s failed", request.method, request.url.path, exc_info=error)
        return _internal()

    @app.exception_handler(Exception)
    async def failure(request: Request, _error: Exception) -> JSONResponse:
        return _internal()


def _internal() -> JSONResponse:
    return JSONResponse(error_body("internal", "the server failed on this request"), status_code=500)
