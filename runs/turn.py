"""Running one turn: the graph's stream, translated to AG-UI events, appended to the run.

A failure ends the run with RUN_ERROR (a code and a sentence; the traceback goes
to the log). A cancel closes what was open, keeps the partial answer in the
checkpoint (`agent.partial`) and ends with a cancelled outcome.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ag_ui.core import BaseEvent, MessagesSnapshotEvent
from langchain_core.messages import BaseMessage
from langgraph.types import Command

from agent.errors import describe_failure
from agent.events import STREAM_MODES, EventTranslator, node_messages
from agent.history import thread_config, where_run_left
from agent.ids import name_messages
from agent.messages import agui_messages
from agent.partial import messages_after_cancel
from agent.text import clean_message, clean_part
from agent.token_tap import TappedToken, TokenTap
from runs.run import Run, Status

log = logging.getLogger(__name__)

LOCK_LOST_MESSAGE = (
    "The database restarted during this turn and another request took the thread meanwhile; "
    "this turn was stopped and not saved. Reload the thread and send your message again."
)

Record = Callable[[list[BaseMessage]], None]


async def run_turn(
    *,
    graph: Any,
    run: Run,
    translator: EventTranslator,
    snapshot: bool,
    durability: str,
    record: Record,
    checkpoint_id: str | None = None,
) -> tuple[Status, list[BaseEvent]]:
    """Stream the turn into `run`, from the thread's head or from `checkpoint_id` (a fork)."""
    # The run id in the metadata is written into each checkpoint: the history names its run.
    config = {**thread_config(run.thread_id, checkpoint_id), "metadata": {"run_id": run.run_id}}
    messages = run.input_messages

    def append(events: list[BaseEvent]) -> None:
        for event in events:
            run.append(event)
            run.figures.see(event)

    def stream_token(token: TappedToken) -> None:
        if (chunk := clean_message(token.chunk)) is not token.chunk:
            token = replace(token, chunk=chunk)
        append(translator.token(token))

    try:
        run.begin_turn()
        if snapshot:
            state = await graph.aget_state(config)
            history = [*state.values.get("messages", []), *messages]
            run.append(MessagesSnapshotEvent(messages=agui_messages(history)))
        graph_input = {"messages": messages} if run.resume is None else Command(resume=run.resume)
        async for namespace, mode, data in graph.astream(
            graph_input,
            {**config, "callbacks": [TokenTap(stream_token)]},
            stream_mode=STREAM_MODES,
            durability=durability,
            subgraphs=True,
        ):
            if mode == "tasks" and "result" in data:
                name_messages(node_messages(data["result"]))
            data = clean_part(mode, data)
            append(translator.translate(mode, data, namespace))
            if mode == "tasks" and not namespace and "result" in data:
                record(node_messages(data["result"]))
        return "success", translator.finished()
    except asyncio.CancelledError:
        if run.lost:
            return "lost", translator.failed(message=LOCK_LOST_MESSAGE, code="run_lost")
        append(translator.release_held())  # their text belongs to the partial answer
        try:
            await _keep_partial(graph, config, run, translator, record)
        except Exception:
            log.exception("run %s of thread %s: saving the partial answer failed", run.run_id, run.thread_id)
        return "cancelled", translator.finished(cancelled=True)
    except Exception as error:
        code, text = describe_failure(error)
        log.exception("run %s of thread %s failed (%s)", run.run_id, run.thread_id, code)
        return "error", translator.failed(message=text, code=code)


async def _keep_partial(
    graph: Any, config: dict[str, Any], run: Run, translator: EventTranslator, record: Record
) -> None:
    config = await where_run_left(graph.checkpointer, config, run.run_id)
    state = await graph.aget_state(config)
    updates = messages_after_cancel(
        checkpointed=state.values.get("messages", []),
        sent=run.input_messages,
        partial_text=translator.partial_text,
    )
    if updates:
        await graph.aupdate_state(config, {"messages": updates})
        record(updates)
