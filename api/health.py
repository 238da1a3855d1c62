"""Liveness and readiness."""

import logging
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ResourcesDep
from api.errors import error_body

router = APIRouter()
log = logging.getLogger(__name__)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(resources: ResourcesDep) -> dict[str, Any] | JSONResponse:
    """The database answers; says which model answers turns."""
    try:
        await resources.pool.fetchval("SELECT 1")
    except Exception as error:
        log.warning("readyz: the database does not answer: %r", error)
        return JSONResponse(error_body("not_ready", "the database does not answer"), status_code=503)
    return {"status": "ready", "database": "ok", "model": resources.settings.model_name}
