"""The tokens of every chat model a graph runs, taken from LangChain's callbacks as they are made.

Why not LangGraph's `stream_mode="messages"`: it carries each token from the
model's callback to the caller of `graph.astream` through a queue filled with
`loop.call_soon_threadsafe` (a write to the event loop's self-pipe, a syscall,
per token), a waiter task and a pass of the Pregel runner's `asyncio.wait`:
about a tenth of a turn's CPU, and several loop turns between the model's
token and the client. The tap hands each token to the run where it is made.

It is an ordinary callback handler passed in the run's config, so LangChain
gives it to every chat model of the graph, in subgraphs too. It has
`tap_output_aiter`/`tap_output_iter`, which makes a model without
`streaming=True` stream, as LangGraph's own handler does (LangChain checks for
those methods, not for a base class); it does not inherit LangChain's private
streaming base class, which would make LangGraph run every node through
`astream`. Models tagged `nostream` (`langgraph.constants.TAG_NOSTREAM`) are
left alone. The namespace of a token is the one LangGraph's messages stream
gives it, from the same function (`graph_namespace`, see `namespace_of`).
"""

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langgraph.constants import TAG_HIDDEN, TAG_NOSTREAM
from langgraph.pregel._messages import graph_namespace

T = TypeVar("T")
Namespace = tuple[str, ...]
OnToken = Callable[["TappedToken"], None]


@dataclass(frozen=True, slots=True)
class TappedToken:
    chunk: AIMessageChunk
    metadata: dict[str, Any]  # the model run's, with LangGraph's `langgraph_*` keys
    namespace: Namespace
    task_announced: bool  # False in a node tagged hidden, which the `tasks` stream never reports


def namespace_of(metadata: dict[str, Any]) -> Namespace:
    """The graph namespace a model run belongs to, from its LangGraph metadata.

    LangGraph has no public function for this (and no upstream issue asks for
    one); `graph_namespace` is what its own messages stream uses (it drops the
    task's segment and one more per enclosing `@task` call), so tokens land in
    the namespace the `tasks` stream reports their node in.
    `tests/test_token_tap_contract.py` pins it against that stream.
    """
    return graph_namespace(metadata)


class TokenTap(BaseCallbackHandler):
    """Calls `on_token` with each token a chat model of the graph streams, where it is made."""

    run_inline = True  # in the model's own task, in order, not in a thread (langgraph#1818)
    raise_error = True  # a failure here fails the run instead of a warning and a lost token
    # Only chat models' events matter: LangChain skips calling the rest (every node and channel
    # write of the graph starts and ends a chain).
    ignore_chain = True
    ignore_agent = True
    ignore_retriever = True
    ignore_retry = True
    ignore_custom_event = True

    def __init__(self, on_token: OnToken) -> None:
        self._on_token = on_token
        self._runs: dict[UUID, tuple[dict[str, Any], Namespace, bool]] = {}  # model run -> where it streams

    def tap_output_aiter(self, run_id: UUID, output: AsyncIterator[T]) -> AsyncIterator[T]:
        return output

    def tap_output_iter(self, run_id: UUID, output: Iterator[T]) -> Iterator[T]:
        return output

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        tags = tags or []
        if metadata and "langgraph_checkpoint_ns" in metadata and TAG_NOSTREAM not in tags:
            self._runs[run_id] = (metadata, namespace_of(metadata), TAG_HIDDEN not in tags)

    def on_llm_new_token(self, token: Any, *, chunk: Any = None, run_id: UUID, **kwargs: Any) -> None:
        where = self._runs.get(run_id)
        message = chunk.message if isinstance(chunk, ChatGenerationChunk) else None
        if where is not None and isinstance(message, AIMessageChunk):
            self._on_token(TappedToken(message, *where))

    def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self._runs.pop(run_id, None)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self._runs.pop(run_id, None)
