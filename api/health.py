"""Liveness and readiness."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ResourcesDep
from api.errors import error_body

router = APIRouter()


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
        return JSONResponse(
            error_body("not_ready", f"the database does not answer: {error!r}"), status_code=503
        )
    return {"status": "ready", "database": "ok", "model": resources.settings.model_name}
