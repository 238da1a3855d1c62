"""What a run of the LangGraph Server API is: its request, checked, and its turn.

The request is refused (422, naming the field) when it asks for something this
server does not do, rather than silently dropped. The turn streams the graph in
the modes the client asked for, through `LangGraphTranslator`, into the same
`Run` the AG-UI door uses; the run registry takes the thread, records the rows
and releases the thread for both.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from langchain_core.messages import AIMessageChunk, BaseMessage, convert_to_messages
from langgraph.types import Command, Send
from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent.errors import describe_failure
from agent.events import node_messages
from agent.ids import new_id
from agent.input import check_text
from agent.lg_events import STREAM_MODES, LangGraphTranslator, graph_stream_modes
from agent.messages import message_text
from agent.partial import messages_after_cancel
from errors import InvalidRequest
from runs.run import Run, Status

log = logging.getLogger(__name__)

NOT_IMPLEMENTED = (
    "webhook",
    "after_seconds",
    "feedback_keys",
    "langsmith_tracer",
    "checkpoint_during",
    "strict_resume",
)
LOST_MESSAGE = "The database restarted during this run and another request took the thread."

MultitaskStrategy = Literal["reject", "enqueue", "interrupt", "rollback"]


class CommandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resume: Any = None
    update: Any = None
    goto: Any = None

    def command(self) -> Command:
        return Command(resume=self.resume, update=self.update, goto=_goto(self.goto))


class RunRequest(BaseModel):
    """The body of POST /threads/{thread_id}/runs[/stream|/wait] and /runs[/stream|/wait]."""

    model_config = ConfigDict(extra="forbid")

    assistant_id: str
    input: Any = None
    command: CommandIn | None = None
    stream_mode: str | list[str] = "values"
    stream_subgraphs: bool = False
    stream_resumable: bool = Field(False, description="Accepted; every run's stream can be resumed.")
    config: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    checkpoint: dict[str, Any] | None = None
    checkpoint_id: str | None = None
    interrupt_before: Literal["*"] | list[str] | None = None
    interrupt_after: Literal["*"] | list[str] | None = None
    multitask_strategy: MultitaskStrategy = "reject"
    if_not_exists: Literal["reject", "create"] = "reject"
    on_disconnect: Literal["cancel", "continue"] = "continue"
    on_completion: Literal["delete", "keep"] | None = None
    durability: Literal["sync", "async", "exit"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _refuse_what_is_not_implemented(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in NOT_IMPLEMENTED:
                if data.get(name) not in (None, False, [], {}):
                    raise ValueError(f"{name} is not implemented by this server")
        return data

    @property
    def modes(self) -> list[str]:
        modes = [self.stream_mode] if isinstance(self.stream_mode, str) else list(self.stream_mode)
        for mode in modes:
            if mode not in STREAM_MODES:
                raise InvalidRequest(f"stream_mode {mode!r} is not implemented by this server")
        return modes or ["values"]

    def checkpoint_config(self) -> dict[str, Any]:
        """The `configurable` keys naming the checkpoint to start from, if the client named one."""
        found = dict(self.checkpoint or {})
        found.pop("thread_id", None)
        if self.checkpoint_id:
            found["checkpoint_id"] = self.checkpoint_id
        return {k: v for k, v in found.items() if v is not None}


def _goto(goto: Any) -> Any:
    if isinstance(goto, dict):
        return Send(goto["node"], goto.get("input"))
    if isinstance(goto, list):
        return [_goto(item) for item in goto]
    return goto if goto is not None else ()


def input_messages(run_input: Any, max_bytes: int) -> tuple[Any, list[BaseMessage]]:
    """The run's input with its messages as LangChain messages with ids, and those messages."""
    if not isinstance(run_input, dict) or "messages" not in run_input:
        return run_input, []
    raw = run_input["messages"]
    try:
        messages = convert_to_messages(raw if isinstance(raw, list) else [raw])
    except (ValueError, TypeError, NotImplementedError) as error:
        raise InvalidRequest(f"input.messages: {error}") from None
    for message in messages:
        message.id = message.id or new_id()
        check_text(message_text(message), max_bytes, name=f"message {message.id}")
    return {**run_input, "messages": messages}, messages


class LangGraphTurn:
    """One run of the graph as the LangGraph Server API streams it; a `runs.registry.Turn`."""

    def __init__(
        self,
        *,
        graph: Any,
        request: RunRequest,
        graph_input: Any,
        config: dict[str, Any],
        translator: LangGraphTranslator,
        durability: str,
        forget: Callable[[Run], Awaitable[None]],
    ) -> None:
        self._graph = graph
        self._forget = forget  # deletes the checkpoints a run wrote (a rollback)
        self._request = request
        self._input = request.command.command() if request.command is not None else graph_input
        self._config = config
        self._translator = translator
        self._durability = request.durability or durability
        self.rollback = False  # set by a cancel with action=rollback: the run leaves no trace
        self._partial_text: dict[str, str] = {}  # message id -> text streamed so far

    def opening(self, run: Run) -> list[str]:
        return [self._translator.metadata()]

    async def execute(
        self, run: Run, record: Callable[[list[BaseMessage]], None]
    ) -> tuple[Status, list[Any]]:
        request, translator = self._request, self._translator
        interrupted = False
        try:
            run.begin_turn()
            async for namespace, mode, data in self._graph.astream(
                self._input,
                self._config,
                stream_mode=graph_stream_modes(request.modes),
                subgraphs=True,
                durability=self._durability,
                interrupt_before=request.interrupt_before,
                interrupt_after=request.interrupt_after,
                context=request.context,
            ):
                if not namespace and mode == "updates" and isinstance(data, dict):
                    interrupted |= "__interrupt__" in data
                    for writes in data.values():
                        record(node_messages(writes))
                if mode == "messages" and isinstance(data[0], AIMessageChunk) and not namespace:
                    chunk_id = data[0].id or ""
                    self._partial_text[chunk_id] = self._partial_text.get(chunk_id, "") + message_text(
                        data[0]
                    )
                if namespace and not request.stream_subgraphs:
                    if mode != "messages":
                        continue
                    namespace = ()
                for event in translator.translate(mode, data, namespace):
                    run.append(event)
            if interrupted and not translator.values_sent_interrupt:
                state = await self._graph.aget_state(self._config)
                for event in translator.values({**state.values, "__interrupt__": list(state.interrupts)}):
                    run.append(event)
            return "success", []
        except asyncio.CancelledError:
            if run.lost:
                return "lost", [translator.failed(error="run_lost", message=LOST_MESSAGE)]
            try:
                if self.rollback:
                    await self._forget(run)
                else:
                    await self._keep_partial(run, record)
            except Exception:
                log.exception("run %s: cleaning up after the cancel failed", run.run_id)
            return "cancelled", []
        except Exception as error:
            code, text = describe_failure(error)
            log.exception("run %s of thread %s failed (%s)", run.run_id, run.thread_id, code)
            return "error", [translator.failed(error=type(error).__name__, message=text)]

    async def _keep_partial(self, run: Run, record: Callable[[list[BaseMessage]], None]) -> None:
        config = {"configurable": {"thread_id": run.thread_id}}
        state = await self._graph.aget_state(config)
        updates = messages_after_cancel(
            checkpointed=state.values.get("messages", []),
            sent=run.input_messages,
            partial_text=self._partial_text,
        )
        if updates:
            await self._graph.aupdate_state(config, {"messages": updates})
            record(updates)
