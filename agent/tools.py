"""The default graph's tools: a safe calculator, a clock, and a note that a person approves.

A tool that raises `ToolException` becomes a tool result with an error status
(`handle_tool_error=True`), so a bad expression never crashes a run.
"""

import ast
import math
import operator
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from langchain_core.tools import BaseTool, StructuredTool, ToolException

from agent.approval import approval_tools
from agent.places import find_place

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_FUNCTIONS = {"sqrt": math.sqrt, "abs": abs, "round": round}
_CONSTANTS = {"pi": math.pi, "e": math.e}
MAX_EXPRESSION_LENGTH = 200
MAX_EXPONENT = 1000  # keeps 9**9**9 from freezing the event loop


def evaluate(expression: str) -> float | int:
    """Evaluate arithmetic from a parsed tree; names, attributes and calls beyond a few are refused."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ToolException(f"expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression.replace("^", "**"), mode="eval")
    except SyntaxError as error:
        raise ToolException(f"not an arithmetic expression: {expression!r}") from error
    return _evaluate_node(tree.body)


def _evaluate_node(node: ast.AST) -> float | int:
    match node:
        case ast.Constant(value=bool()):
            raise ToolException("booleans are not numbers here")
        case ast.Constant(value=int() | float() as value):
            return value
        case ast.Name(id=name) if name in _CONSTANTS:
            return _CONSTANTS[name]
        case ast.UnaryOp(op=op, operand=operand) if type(op) in _UNARY:
            return _UNARY[type(op)](_evaluate_node(operand))
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
            lhs, rhs = _evaluate_node(left), _evaluate_node(right)
            if isinstance(op, ast.Pow) and abs(rhs) > MAX_EXPONENT:
                raise ToolException(f"exponent {rhs} is larger than {MAX_EXPONENT}")
            try:
                return _BINARY[type(op)](lhs, rhs)
            except (ZeroDivisionError, OverflowError) as error:
                raise ToolException(str(error)) from error
        case ast.Call(func=ast.Name(id=name), args=args, keywords=[]) if name in _FUNCTIONS:
            try:
                return _FUNCTIONS[name](*(_evaluate_node(arg) for arg in args))
            except (TypeError, ValueError) as error:
                raise ToolException(f"{name}: {error}") from error
    raise ToolException(f"unsupported element in expression: {ast.dump(node)[:60]}")


def calculator(expression: str) -> str:
    """Evaluate an arithmetic expression, such as "(2 + 3) * 4" or "sqrt(2) ^ 2"."""
    result = evaluate(expression)
    if isinstance(result, float) and result.is_integer() and abs(result) < 1e15:
        result = int(result)
    return str(result)


def current_time(timezone: str = "UTC") -> str:
    """The current date and time in an IANA time zone, such as "Europe/Paris", or a city or country's."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        if (place := find_place(timezone)) is None or place.name.lower() != timezone.strip().lower():
            raise ToolException(f"unknown time zone {timezone!r}") from error
        zone = ZoneInfo(place.zone)
    return datetime.now(zone).isoformat(timespec="seconds")


def default_tools() -> list[BaseTool]:
    """The tools of the default graph; their errors come back as error results."""
    return [
        StructuredTool.from_function(calculator, handle_tool_error=True),
        StructuredTool.from_function(current_time, handle_tool_error=True),
        *approval_tools(),
    ]
