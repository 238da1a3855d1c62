"""`python -m bench`: our server against the plainest server of the same graph, on loopback.

Starts PostgreSQL (its own, embedded, unless --database-url), the stand-in model,
the baseline (bench/baseline.py) and our server (`python main.py`), drives both
with the same load and prints the machine, then a table and a JSON line per scenario.
"""

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bench import scenarios
from bench.machine import describe_machine
from bench.report import emit_machine
from bench.servers import start_servers
from tests.processes import ROOT

SCENARIOS = ("throughput", "held", "growth", "isolation")
PLOT = ROOT / "docs" / "bench-growth.png"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small numbers: under a minute")
    size.add_argument("--smoke", action="store_true", help="tiny numbers: only shows that it works")
    parser.add_argument("--database-url", help="PostgreSQL to use (default: an embedded one)")
    parser.add_argument(
        "--only", choices=SCENARIOS, action="append", help="run only this scenario (repeatable)"
    )
    parser.add_argument(
        "--plot",
        type=Path,
        help="where the growth plot goes (default: docs/bench-growth.png, or the log folder "
        "with --quick; needs matplotlib, skipped without it)",
    )
    parser.add_argument(
        "--peers",
        action="store_true",
        help="also run langgraph dev and the ag-ui-langgraph adapter on the same graph (throughput; "
        "installed on first use into bench/.peers-venv/ from bench/peers/requirements.txt)",
    )
    parser.add_argument("--json-out", type=Path, help="also write every JSON line to this file")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes of our server (python main.py --workers N)"
    )
    parser.add_argument(
        "--log-dir", type=Path, default=ROOT / "bench" / "results", help="server logs go here"
    )
    return parser.parse_args()


async def run(args: argparse.Namespace) -> list[dict]:
    sizes = scenarios.SMOKE if args.smoke else scenarios.QUICK if args.quick else scenarios.FULL
    chosen = args.only or SCENARIOS
    records: list[dict] = []
    server_env = {"WORKERS": str(args.workers)} if args.workers > 1 else None
    with start_servers(
        database_url=args.database_url, log_dir=args.log_dir, server_env=server_env, peers=args.peers
    ) as servers:
        records.append(emit_machine(await describe_machine(servers.database_url, peers=args.peers)))
        await scenarios.warm_up(servers, sizes)
        if "throughput" in chosen:
            records += await scenarios.throughput(servers, sizes)
        if "held" in chosen:
            records.append(await scenarios.held_streams(servers, sizes))
        if "growth" in chosen:
            growth = await scenarios.growth(servers, sizes)
            records.append(growth)
            small = args.quick or args.smoke
            default = args.log_dir / "bench-growth-quick.png" if small else PLOT
            _plot(growth["curves"], args.plot or default)
        if "isolation" in chosen:
            records.append(await scenarios.isolation(servers, sizes))
    return records


def _plot(curves: dict, path: Path) -> None:
    try:
        from bench.plot import plot_growth

        plot_growth(curves, path)
    except ImportError:
        print("matplotlib is not installed: no plot (pip install -r bench/requirements.txt)")


def main() -> None:
    args = parse_args()
    records = asyncio.run(run(args))
    if args.json_out:
        args.json_out.write_text("".join(json.dumps(r) + "\n" for r in records))
    sys.exit(0)


if __name__ == "__main__":
    main()
