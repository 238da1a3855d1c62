"""The four scenarios of the benchmark, each printing its table and JSON line."""

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import psycopg

from bench.load import (
    Load,
    Target,
    client,
    cpu_seconds,
    machine_cpu_seconds,
    new_thread_id,
    one_turn,
    rss_bytes,
    run_load,
)
from bench.report import emit, figures, mean, ms, percentile, ratios, table
from bench.servers import Servers

MESSAGE = "hello"  # the stand-in answers with 50 tokens
HELD_TTFT_LIMIT = 1.0  # seconds, TTFT p99 beyond which the box holds no more streams


@dataclass(frozen=True)
class Sizes:
    """How much each scenario does: small numbers for --quick, the issue's for a full run."""

    throughput: dict[int, int]  # concurrency -> turns
    held_levels: tuple[int, ...]
    held_message: str  # the slow model: tokens 100 ms apart
    held_ramp: float  # seconds over which the streams of a level are opened
    growth_turns: int
    isolation_turns: int
    warmup: int  # rounds of turns at the highest concurrency before measuring


QUICK = Sizes(
    throughput={1: 10, 10: 20, 50: 50},
    held_levels=(10, 25),
    held_message="hello [tokens=20] [delay=100]",
    held_ramp=1.0,
    growth_turns=20,
    isolation_turns=15,
    warmup=1,
)
SMOKE = Sizes(
    throughput={1: 3, 4: 8},
    held_levels=(4,),
    held_message="hello [tokens=5] [delay=100]",
    held_ramp=0.2,
    growth_turns=4,
    isolation_turns=3,
    warmup=1,
)
FULL = Sizes(
    throughput={1: 100, 10: 400, 50: 600},
    held_levels=(50, 100, 200, 300, 400, 600, 900, 1200),
    held_message="hello [tokens=100] [delay=100]",
    held_ramp=5.0,
    growth_turns=400,
    isolation_turns=100,
    warmup=2,
)


async def warm_up(servers: Servers, sizes: Sizes) -> None:
    """Fill every server's connection pools and caches at the highest concurrency measured."""
    concurrency = max(sizes.throughput)
    for target in _throughput_targets(servers):
        await run_load(target, turns=sizes.warmup * concurrency, concurrency=concurrency, message=MESSAGE)


def _throughput_targets(servers: Servers) -> tuple[Target, ...]:
    ours = (servers.ours, servers.ours_plain, servers.ours_drop_in, servers.ours_lgapi)
    return (servers.baseline, *ours, *servers.peers)


async def throughput(servers: Servers, sizes: Sizes) -> list[dict[str, Any]]:
    """50-token answers without pacing at each concurrency; ours (our graph; the baseline's
    graph served through GRAPH=, as it is and with the drop-in model; our LangGraph API door)
    and the peers against the baseline."""
    records = []
    for concurrency, turns in sizes.throughput.items():
        rows = {}
        for target in _throughput_targets(servers):
            load = await run_load(target, turns=turns, concurrency=concurrency, message=MESSAGE)
            rows[target.name] = figures(load)
        rows["ratio"] = ratios(rows["ours"], rows["baseline"])
        rows["ratio_plain"] = ratios(rows["ours_plain"], rows["baseline"])
        rows["ratio_drop_in"] = ratios(rows["ours_drop_in"], rows["baseline"])
        rows["lgapi_vs_chat"] = ratios(rows["ours_lgapi"], rows["ours"])
        records.append(emit("throughput", rows, concurrency=concurrency))
    return records


def _cpu_clocks(servers: Servers, target: Target) -> dict[str, float]:
    """CPU seconds so far of the server under test, the stand-in, this load generator and the machine."""
    assert servers.standin.process is not None
    return {
        "server": cpu_seconds(target.pid),
        "standin": cpu_seconds(servers.standin.process.pid),
        "client": time.process_time(),
        "machine": machine_cpu_seconds(),
    }


def _cpu_pct(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    return {f"{name}_cpu_pct": round((after[name] - before[name]) / seconds * 100) for name in before}


async def _hold(servers: Servers, target: Target, streams: int, sizes: Sizes) -> dict[str, Any]:
    """`streams` slow turns opened over the ramp: TTFT while the others are open, the server's peak
    memory, and who used the CPU while all of them were open (percent of one core)."""
    idle = rss_bytes(target.pid)
    peak = idle
    async with client() as http:
        cpu = cpu_seconds(target.pid)
        started = time.perf_counter()
        tasks = []
        for _ in range(streams):
            tasks.append(asyncio.create_task(one_turn(http, target, sizes.held_message, new_thread_id())))
            await asyncio.sleep(sizes.held_ramp / streams)
        # From the last stream opened to the first one ended, every stream is open: the level's load.
        plateau, plateau_clocks = time.perf_counter(), _cpu_clocks(servers, target)
        cpu_share: dict[str, float] = {}
        while not all(t.done() for t in tasks):
            peak = max(peak, rss_bytes(target.pid))
            if not cpu_share and any(t.done() for t in tasks):
                seconds = time.perf_counter() - plateau
                cpu_share = _cpu_pct(plateau_clocks, _cpu_clocks(servers, target), seconds)
            await asyncio.sleep(0.25)
        seconds = time.perf_counter() - started
        load = Load(
            turns=[t.result() for t in tasks], seconds=seconds, cpu_seconds=cpu_seconds(target.pid) - cpu
        )
    result = figures(load) | cpu_share
    result["streams"] = streams
    result["rss_before_mb"] = round(idle / 1024**2, 1)
    result["peak_rss_mb"] = round(peak / 1024**2, 1)
    return result


def _memory_per_stream(idle: int, results: list[dict[str, Any]]) -> None:
    """Add to each level its server memory per stream, and per stream added since the level before."""
    # Counted from the RSS before the first level, not before each: a server keeps the heap an
    # earlier level grew (its RSS does not come down between levels), so that would count only
    # the growth beyond the last peak. The warm-up's concurrency has grown the heap too, which
    # the per-added-stream slope between levels leaves out.
    before_mb, before_streams = idle / 1024**2, 0
    for result in results:
        grown_kb = (result["peak_rss_mb"] - idle / 1024**2) * 1024
        result["mem_kb_per_stream"] = round(grown_kb / result["streams"], 1)
        added_kb = (result["peak_rss_mb"] - before_mb) * 1024
        result["mem_kb_per_added_stream"] = round(added_kb / (result["streams"] - before_streams), 1)
        before_mb, before_streams = result["peak_rss_mb"], result["streams"]


LEVEL_FIGURES = (
    "ttft_p50_ms",
    "ttft_p99_ms",
    "errors",
    "cpu_ms_per_turn",
    "server_cpu_pct",
    "standin_cpu_pct",
    "client_cpu_pct",
    "machine_cpu_pct",
    "peak_rss_mb",
    "mem_kb_per_stream",
    "mem_kb_per_added_stream",
)


def _print_levels(name: str, results: list[dict[str, Any]]) -> None:
    print(f"\n== held_streams: {name}, level by level (CPU in % of one core while every stream was open)")
    print(table({f"{r['streams']} streams": {key: r.get(key) for key in LEVEL_FIGURES} for r in results}))


async def held_streams(servers: Servers, sizes: Sizes) -> dict[str, Any]:
    """A slow model (tokens 100 ms apart): how many open streams before TTFT p99 passes 1 s, each
    server raised level by level until its own first failing level."""
    levels: dict[str, list[dict[str, Any]]] = {}
    held: dict[str, int] = {}
    for target in (servers.baseline, servers.ours):
        idle = rss_bytes(target.pid)
        levels[target.name] = []
        held[target.name] = 0
        for streams in sizes.held_levels:
            result = await _hold(servers, target, streams, sizes)
            levels[target.name].append(result)
            p99 = result["ttft_p99_ms"]
            if result["errors"] or p99 is None or p99 > HELD_TTFT_LIMIT * 1000:
                break
            held[target.name] = streams
        _memory_per_stream(idle, levels[target.name])
        _print_levels(target.name, levels[target.name])
    rows = {}
    for name, results in levels.items():
        kept = [r for r in results if r["streams"] <= max(held[name], results[0]["streams"])]
        last = kept[-1]
        rows[name] = {
            "streams_held": held[name],
            "at_streams": last["streams"],
            "ttft_p50_ms": last["ttft_p50_ms"],
            "ttft_p99_ms": last["ttft_p99_ms"],
            "errors": last["errors"],
            "mem_kb_per_stream": last["mem_kb_per_stream"],
            "mem_kb_per_added_stream": last["mem_kb_per_added_stream"],
            "cpu_ms_per_turn": last["cpu_ms_per_turn"],
        }
    rows["ratio"] = ratios(rows["ours"], rows["baseline"])
    return emit("held_streams", rows, levels=levels, ttft_limit_ms=HELD_TTFT_LIMIT * 1000)


CHECKPOINT_BYTES = """
SELECT (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM checkpoints t WHERE thread_id = %(t)s)
     + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM checkpoint_blobs t WHERE thread_id = %(t)s)
     + (SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM checkpoint_writes t WHERE thread_id = %(t)s)
"""
CHECKPOINT_RAW_BYTES = """
SELECT (SELECT coalesce(sum(octet_length(checkpoint::text) + octet_length(metadata::text)), 0)
        FROM checkpoints WHERE thread_id = %(t)s)
     + (SELECT coalesce(sum(octet_length(blob)), 0) FROM checkpoint_blobs WHERE thread_id = %(t)s)
     + (SELECT coalesce(sum(octet_length(blob)), 0) FROM checkpoint_writes WHERE thread_id = %(t)s)
"""
CHECKPOINT_COUNT = "SELECT count(*) FROM checkpoints WHERE thread_id = %(t)s"


async def checkpoint_storage(database_url: str, thread_id: str, text_bytes: int) -> dict[str, Any]:
    """The size of a thread's checkpoint rows (as stored, and before compression) against its text."""
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        stored = (await (await conn.execute(CHECKPOINT_BYTES, {"t": thread_id})).fetchone())[0]
        raw = (await (await conn.execute(CHECKPOINT_RAW_BYTES, {"t": thread_id})).fetchone())[0]
        count = (await (await conn.execute(CHECKPOINT_COUNT, {"t": thread_id})).fetchone())[0]
    return {
        "checkpoint_bytes": int(stored),
        "uncompressed_bytes": int(raw),
        "uncompressed_ratio": round(int(raw) / text_bytes, 2),
        "checkpoints": int(count),
        "text_bytes": text_bytes,
        "storage_ratio": round(int(stored) / text_bytes, 2),
    }


async def _grow(servers: Servers, target: Target, turns: int) -> tuple[list[dict[str, Any]], dict]:
    thread_id = new_thread_id()
    per_turn = []
    text_bytes = 0
    storage: dict[str, Any] = {}
    async with client() as http:
        for number in range(1, turns + 1):
            cpu = cpu_seconds(target.pid)
            turn = await one_turn(http, target, MESSAGE, thread_id)
            per_turn.append(
                {
                    "turn": number,
                    "messages": 2 * number,
                    "ttft_ms": ms(turn.ttft),
                    "turn_ms": ms(turn.total),
                    "cpu_ms": round((cpu_seconds(target.pid) - cpu) * 1000, 1),
                    "error": turn.error,
                }
            )
            text_bytes += len(MESSAGE.encode()) + len(turn.text.encode())
            if number == 200 or number == turns:
                await asyncio.sleep(1)  # let the last checkpoint writes land
                storage[f"turn_{number}"] = await checkpoint_storage(
                    servers.database_url, thread_id, text_bytes
                )
    return per_turn, storage


def _window(per_turn: list[dict[str, Any]], first: int, last: int) -> dict[str, Any]:
    turns = [t for t in per_turn if first <= t["turn"] <= last and t["error"] is None]
    ttfts = [t["ttft_ms"] for t in turns if t["ttft_ms"] is not None]
    return {
        "ttft_p50_ms": percentile(ttfts, 50),
        "cpu_ms_per_turn": round(mean([t["cpu_ms"] for t in turns]) or 0, 1),
    }


async def growth(servers: Servers, sizes: Sizes) -> dict[str, Any]:
    """One thread, many turns in a row: does a long thread cost more, and how much is stored."""
    turns = sizes.growth_turns
    rows: dict[str, dict[str, Any]] = {}
    curves: dict[str, list[dict[str, Any]]] = {}
    storage: dict[str, dict[str, Any]] = {}
    for target in (servers.baseline, servers.ours):
        per_turn, storage[target.name] = await _grow(servers, target, turns)
        curves[target.name] = per_turn
        early = _window(per_turn, 1, 10)
        first_late = max(1, turns - 9)
        late = _window(per_turn, first_late, turns)
        mid = _window(per_turn, 191, 200) if turns >= 200 else None
        last_storage = storage[target.name][f"turn_{turns}"]
        rows[target.name] = {
            "ttft_ms_turns_1_10": early["ttft_p50_ms"],
            f"ttft_ms_turns_{first_late}_{turns}": late["ttft_p50_ms"],
            "ttft_growth": _ratio(late["ttft_p50_ms"], early["ttft_p50_ms"]),
            "cpu_ms_turns_1_10": early["cpu_ms_per_turn"],
            f"cpu_ms_turns_{first_late}_{turns}": late["cpu_ms_per_turn"],
            "cpu_growth": _ratio(late["cpu_ms_per_turn"], early["cpu_ms_per_turn"]),
            "errors": sum(t["error"] is not None for t in per_turn),
            "storage_ratio": last_storage["storage_ratio"],
            "uncompressed_ratio": last_storage["uncompressed_ratio"],
        }
        if mid is not None:
            rows[target.name]["cpu_growth_at_400_messages"] = _ratio(
                mid["cpu_ms_per_turn"], early["cpu_ms_per_turn"]
            )
            rows[target.name]["ttft_growth_at_400_messages"] = _ratio(
                mid["ttft_p50_ms"], early["ttft_p50_ms"]
            )
            rows[target.name]["storage_ratio_turn_200"] = storage[target.name]["turn_200"]["storage_ratio"]
    return emit("growth", rows, turns=turns, storage=storage) | {"curves": curves}


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


SLOW_ROWS = """
CREATE OR REPLACE FUNCTION bench_slow_rows() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN PERFORM pg_sleep(0.2); RETURN NULL; END $$;
DROP TRIGGER IF EXISTS bench_slow_rows ON messages;
CREATE TRIGGER bench_slow_rows AFTER INSERT ON messages
FOR EACH STATEMENT EXECUTE FUNCTION bench_slow_rows();
"""
FAST_ROWS = "DROP TRIGGER IF EXISTS bench_slow_rows ON messages"


async def isolation(servers: Servers, sizes: Sizes) -> dict[str, Any]:
    """Our TTFT, one turn at a time, with message-row writes as they are and slowed by 200 ms each."""
    rows = {}
    async with await psycopg.AsyncConnection.connect(servers.database_url, autocommit=True) as conn:
        for name, sql in (("rows_fast", FAST_ROWS), ("rows_slow", SLOW_ROWS), ("rows_fast_again", FAST_ROWS)):
            await conn.execute(sql)
            load = await run_load(servers.ours, turns=sizes.isolation_turns, concurrency=1, message=MESSAGE)
            rows[name] = figures(load)
        await conn.execute(FAST_ROWS)
    fast = {
        key: mean([rows["rows_fast"][key], rows["rows_fast_again"][key]])
        for key in ("ttft_p50_ms", "ttft_p99_ms")
    }
    rows["ratio"] = {key: _ratio(rows["rows_slow"][key], value) for key, value in fast.items()}
    return emit("isolation", rows, concurrency=1, row_write_delay_ms=200)
