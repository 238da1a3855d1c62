"""The yardstick: the plainest server for the same graph, one endpoint and nothing else.

`POST /chat {"message", "thread_id"}` runs the default graph written the ordinary
way (`bench/plain_graph.py`: stock `ChatOpenAI` and `ToolNode`) with a plain
`AsyncPostgresSaver` through `graph.astream(..., stream_mode="messages")` and
writes each token as an SSE `data:` line. No runs, no ids, no rows, no events:
what any server of this graph must at least spend. It lives only in the
benchmark; `python -m bench.baseline --port N` with our server's environment.
"""

import argparse
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from langchain_core.messages import AIMessageChunk, HumanMessage
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from bench.plain_graph import build
from settings import Settings


def create_app() -> FastAPI:
    settings = Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncConnectionPool(
            settings.database_url,
            max_size=settings.db_pool_size,
            kwargs={"autocommit": True, "row_factory": dict_row, "prepare_threshold": 0},
        ) as pool:
            checkpointer = AsyncPostgresSaver(pool)
            await checkpointer.setup()
            app.state.graph = build(checkpointer, settings)
            yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/chat")
    async def chat(request: Request) -> StreamingResponse:
        body: dict[str, Any] = await request.json()
        config = {"configurable": {"thread_id": body["thread_id"]}}
        graph = request.app.state.graph

        async def tokens() -> AsyncIterator[str]:
            async for chunk, _ in graph.astream(
                {"messages": [HumanMessage(body["message"])]}, config, stream_mode="messages"
            ):
                if isinstance(chunk, AIMessageChunk) and chunk.content:
                    yield f"data: {json.dumps({'token': chunk.content})}\n\n"

        return StreamingResponse(tokens(), media_type="text/event-stream")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
