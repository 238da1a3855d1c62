"""The benchmark runs: `python -m bench --smoke` prints one JSON line per scenario (numbers unchecked)."""

import json
import subprocess
import sys

from tests.processes import ROOT

SCENARIOS = {"machine", "throughput", "held_streams", "growth", "isolation"}


def test_the_benchmark_prints_a_json_line_per_scenario(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--log-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert {r["scenario"] for r in records} == SCENARIOS
    throughput = [r for r in records if r["scenario"] == "throughput"]
    assert all(r["ours"]["turns"] and r["baseline"]["turns"] for r in throughput)
    machine = next(r for r in records if r["scenario"] == "machine")
    assert machine["postgresql"] and machine["packages"]["langchain-core"]
