"""Every route of the LangGraph Server API, as one router."""

from fastapi import APIRouter

from api.langgraph import assistants, runs, server, store, threads

router = APIRouter()
for module in (server, assistants, threads, runs, store):
    router.include_router(module.router)
