"""The offline model streams, calls tools and refers to earlier turns, with no network."""

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent.offline import OfflineChatModel
from agent.tools import default_tools

model = OfflineChatModel(token_delay=0).bind_tools(default_tools())


async def test_it_streams_token_by_token() -> None:
    chunks = [c async for c in model.astream([HumanMessage("hello")])]
    assert len([c for c in chunks if c.content]) > 5


async def test_arithmetic_and_time_become_tool_calls() -> None:
    calc = await model.ainvoke([HumanMessage("what is 12 * 7?")])
    assert calc.tool_calls[0]["name"] == "calculator"
    assert calc.tool_calls[0]["args"] == {"expression": "12 * 7"}
    clock = await model.ainvoke([HumanMessage("what time is it in Asia/Tokyo?")])
    assert clock.tool_calls[0]["args"] == {"timezone": "Asia/Tokyo"}


async def test_it_answers_from_tool_results_and_memory() -> None:
    call = {"name": "calculator", "args": {"expression": "12 * 7"}, "id": "c1"}
    answer = await model.ainvoke(
        [
            HumanMessage("what is 12 * 7?"),
            AIMessage("", tool_calls=[call]),
            ToolMessage("84", tool_call_id="c1", name="calculator"),
        ]
    )
    assert "84" in answer.content
    later = await model.ainvoke([HumanMessage("first thing"), AIMessage("ok"), HumanMessage("second thing")])
    assert "first thing" in later.content and later.usage_metadata["output_tokens"] > 0
