"""The calculator parses arithmetic and nothing else; tool errors become error results."""

import pytest
from langchain_core.tools import ToolException

from agent.tools import default_tools, evaluate


@pytest.mark.parametrize(
    ("expression", "value"), [("(2 + 3) * 4", 20), ("2 ^ 10", 1024), ("sqrt(16)", 4.0), ("-7 % 3", 2)]
)
def test_arithmetic(expression: str, value: float) -> None:
    assert evaluate(expression) == value


@pytest.mark.parametrize(
    "expression",
    ["__import__('os').system('true')", "open('x')", "a.b", "9 ** 9 ** 9", "1 / 0", "True + 1", "x" * 300],
)
def test_anything_else_is_refused(expression: str) -> None:
    with pytest.raises(ToolException):
        evaluate(expression)


def test_a_tool_error_is_an_error_result_not_an_exception() -> None:
    calculator, clock, _note = default_tools()
    call = {"type": "tool_call", "name": "calculator", "args": {"expression": "1/0"}, "id": "c1"}
    result = calculator.invoke(call)
    assert result.status == "error" and result.content == "division by zero"
    bad_zone = clock.invoke(
        {"type": "tool_call", "name": "current_time", "args": {"timezone": "Mars/Base"}, "id": "c2"}
    )
    assert bad_zone.status == "error"
    good = clock.invoke({"timezone": "Europe/Paris"})
    assert good[19:] in {"+01:00", "+02:00"}
