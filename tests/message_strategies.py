"""Hypothesis strategies for LangChain messages of every kind, as a thread's history holds them."""

from typing import Any

from hypothesis import strategies as st
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
)

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
IDS = st.none() | st.text("abcdef0123456789-_", min_size=1, max_size=12)
NAMES = st.none() | st.sampled_from(["ada", "calculator", ""])
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**31), 2**31) | TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)
BLOCKS = st.lists(
    st.one_of(
        st.builds(lambda text: {"type": "text", "text": text}, TEXT),
        st.builds(
            lambda url: {"type": "image_url", "image_url": {"url": url}}, st.sampled_from(["https://x/y.png"])
        ),
        st.builds(lambda id_: {"type": "audio", "id": id_}, st.sampled_from(["audio_1"])),
        st.builds(lambda text: {"type": "thinking", "thinking": text}, TEXT),
        TEXT,
    ),
    max_size=3,
)
CONTENT = TEXT | BLOCKS
EXTRA_KWARGS = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["from_kwargs"]),
        "refusal": st.none(),
        "function_call": st.just({"name": "add", "arguments": "{}"}),
        "audio": st.sampled_from([{"id": "a1"}, {"data": "AAAA", "transcript": "hi"}]),
        "custom": JSONISH,
    },
)
TOOL_CALLS = st.lists(
    st.builds(
        lambda name, id_, args: {"name": name, "id": id_, "args": args, "type": "tool_call"},
        st.sampled_from(["add", "search"]),
        st.text("abc123", min_size=1, max_size=6),
        st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 9), max_size=2),
    ),
    max_size=2,
)
INVALID_TOOL_CALLS = st.lists(
    st.builds(
        lambda id_: {
            "name": "add",
            "id": id_,
            "args": "{oops",
            "error": "bad json",
            "type": "invalid_tool_call",
        },
        st.text("abc123", min_size=1, max_size=6),
    ),
    max_size=1,
)
USAGE = st.none() | st.builds(
    lambda i, o: {"input_tokens": i, "output_tokens": o, "total_tokens": i + o},
    st.integers(0, 99),
    st.integers(0, 99),
)
RESPONSE_METADATA = st.dictionaries(
    st.sampled_from(["finish_reason", "model_name", "model_provider"]), TEXT, max_size=3
)


def built(cls: type, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Instances of `cls` from exactly these fields (`st.builds` would guess the others)."""
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


def _common(**extra: Any) -> dict[str, Any]:
    return {
        "content": CONTENT,
        "id": IDS,
        "name": NAMES,
        "additional_kwargs": EXTRA_KWARGS,
        "response_metadata": RESPONSE_METADATA,
        **extra,
    }


AI_MESSAGES = built(
    AIMessage,
    **_common(tool_calls=TOOL_CALLS, invalid_tool_calls=INVALID_TOOL_CALLS, usage_metadata=USAGE),
)
PLAIN_ANSWERS = built(
    AIMessage, content=TEXT, id=IDS, response_metadata=RESPONSE_METADATA, usage_metadata=USAGE
)
MESSAGES = st.one_of(
    PLAIN_ANSWERS,
    AI_MESSAGES,
    built(AIMessageChunk, **_common(tool_calls=TOOL_CALLS)),
    built(HumanMessage, **_common()),
    built(SystemMessage, **_common()),
    built(ChatMessage, role=st.sampled_from(["user", "assistant", "critic"]), **_common()),
    built(FunctionMessage, content=TEXT, name=st.sampled_from(["add"]), id=IDS),
    built(
        ToolMessage,
        content=CONTENT,
        tool_call_id=st.text("abc123", min_size=1, max_size=6),
        id=IDS,
        name=NAMES,
        artifact=JSONISH,
        status=st.sampled_from(["success", "error"]),
    ),
    built(RemoveMessage, id=st.text("abc", min_size=1, max_size=4)),
)
