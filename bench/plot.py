"""The growth plot: time to first token and CPU per turn against thread length."""

from pathlib import Path
from typing import Any

WINDOW = 10  # turns averaged per point, to smooth the 10 ms steps of /proc CPU time


def _smoothed(values: list[float | None]) -> list[float | None]:
    out: list[float | None] = []
    for i in range(len(values)):
        window = [v for v in values[max(0, i - WINDOW + 1) : i + 1] if v is not None]
        out.append(sum(window) / len(window) if window else None)
    return out


def plot_growth(curves: dict[str, list[dict[str, Any]]], path: Path) -> None:
    """Save TTFT and CPU per turn of each server against the messages in the thread."""
    import matplotlib  # a benchmark-only dependency (bench/requirements.txt)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (ttft_axis, cpu_axis) = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    for name, turns in curves.items():
        messages = [t["messages"] for t in turns]
        ttft_axis.plot(messages, _smoothed([t["ttft_ms"] for t in turns]), label=name)
        cpu_axis.plot(messages, _smoothed([t["cpu_ms"] for t in turns]), label=name)
    ttft_axis.set(title="Time to first token", xlabel="messages in the thread", ylabel="ms")
    cpu_axis.set(title="Server CPU per turn", xlabel="messages in the thread", ylabel="ms")
    for axis in (ttft_axis, cpu_axis):
        axis.set_ylim(bottom=0)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.suptitle(f"One thread, one turn after another (moving average of {WINDOW} turns)")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
