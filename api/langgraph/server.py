"""GET /ok and GET /info, as LangGraph's SDKs probe a server."""

from typing import Any

from fastapi import APIRouter

router = APIRouter(tags=["langgraph"])


@router.get("/ok")
async def ok() -> dict[str, bool]:
    """The server answers."""
    return {"ok": True}


@router.get("/info")
async def info() -> dict[str, Any]:
    """What this LangGraph API server offers."""
    return {"version": "0.1", "flags": {"assistants": True, "crons": False, "langsmith": False}}
