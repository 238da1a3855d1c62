"""Figures of a load, and the table and JSON line each scenario prints."""

import json
import statistics
from typing import Any

from bench.load import Load


def percentile(values: list[float], p: float) -> float | None:
    """The `p`th percentile (nearest rank), or None with no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def figures(load: Load) -> dict[str, Any]:
    """TTFT and turn-time percentiles, throughput, CPU per turn, and bytes and frames per model token
    of `load` (the body as received; the token frames alone, decoded)."""
    good = [t for t in load.turns if t.error is None]
    ttfts = [t.ttft for t in good if t.ttft is not None]
    totals = [t.total for t in good]
    tokens = sum(t.model_tokens for t in good)
    return {
        "turns": len(load.turns),
        "errors": len(load.turns) - len(good),
        "ttft_p50_ms": ms(percentile(ttfts, 50)),
        "ttft_p95_ms": ms(percentile(ttfts, 95)),
        "ttft_p99_ms": ms(percentile(ttfts, 99)),
        "turn_p50_ms": ms(percentile(totals, 50)),
        "turn_p99_ms": ms(percentile(totals, 99)),
        "turns_per_s": round(len(good) / load.seconds, 2) if load.seconds else None,
        "cpu_ms_per_turn": round(load.cpu_seconds * 1000 / len(load.turns), 1) if load.turns else None,
        "tokens_per_turn": round(tokens / len(good), 1) if good else None,
        "bytes_per_token": _per(sum(t.body_bytes for t in good), tokens, 1),
        "bytes_per_token_event": _per(sum(t.token_bytes for t in good), tokens, 1),
        "frames_per_token": _per(sum(t.token_frames for t in good), tokens, 3),
    }


def _per(amount: int, tokens: int, digits: int) -> float | None:
    return round(amount / tokens, digits) if tokens else None


def ratios(ours: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float | None]:
    """Each figure of ours divided by the baseline's."""
    result: dict[str, float | None] = {}
    for key, value in ours.items():
        other = baseline.get(key)
        if isinstance(value, int | float) and isinstance(other, int | float) and key != "turns":
            result[key] = round(value / other, 3) if other else None
    return result


def table(rows: dict[str, dict[str, Any]]) -> str:
    """A plain-text table: one column per row name, one line per figure."""
    keys = list(dict.fromkeys(k for row in rows.values() for k in row))
    names = list(rows)
    width = max(len(k) for k in keys) + 2
    column = max(14, *(len(n) + 2 for n in names))
    lines = ["".ljust(width) + "".join(n.rjust(column) for n in names)]
    for key in keys:
        cells = [rows[n].get(key) for n in names]
        lines.append(key.ljust(width) + "".join(_cell(c).rjust(column) for c in cells))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def emit(scenario: str, rows: dict[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Print the scenario's table and its JSON line; return the JSON object."""
    print(f"\n== {scenario}")
    print(table(rows))
    record = {"scenario": scenario, **extra, **rows}
    print(json.dumps(record, separators=(",", ":")), flush=True)
    return record


def emit_machine(machine: dict[str, Any]) -> dict[str, Any]:
    """Print the machine, a line per fact, and its JSON line; return the JSON object."""
    print("\n== machine")
    for key, value in machine.items():
        text = ", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict) else value
        print(f"{key.ljust(16)}{text}")
    record = {"scenario": "machine", **machine}
    print(json.dumps(record, separators=(",", ":")), flush=True)
    return record


def mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None
