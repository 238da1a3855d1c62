"""Driving a server: real streamed turns, timed, counted and costed.

A turn is one POST read to its end by bench/stream_client.py (not httpx: it
says why). Its time to first token runs from sending the request to the first
token frame's arrival; its bytes are the response body as the client receives
it, before decompression (the client asks for gzip, as browsers do); its
tokens are the model's, counted in the streamed text, whatever number of
frames a server packed them into. The server's CPU comes from
`/proc/<pid>/stat`, so it counts the server process alone, whatever else the
machine is doing.
"""

import asyncio
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.stream_client import Response, StreamClient, StreamError

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TOKEN_MARK = b'"type":"TEXT_MESSAGE_CONTENT"'


@dataclass(frozen=True)
class Target:
    """A server under load: where to send a turn and how to tell a token frame."""

    name: str
    url: str
    pid: int
    path: str
    is_token: Callable[[bytes], bool]
    token_text: Callable[[bytes], str]
    make_body: Callable[[str, str], dict[str, Any]] | None = None  # (message, thread id) -> body

    def body(self, message: str, thread_id: str) -> dict[str, Any]:
        if self.make_body is not None:
            return self.make_body(message, thread_id)
        return {"message": message, "thread_id": thread_id}

    def path_for(self, thread_id: str) -> str:
        return self.path.replace("{thread_id}", thread_id)


@dataclass
class Turn:
    ttft: float | None = None  # seconds
    total: float = 0.0
    token_frames: int = 0  # frames that carried text: a server may merge several tokens into one
    token_bytes: int = 0  # bytes of the token frames
    body_bytes: int = 0  # every byte of the response body
    text: str = ""
    error: str | None = None

    @property
    def model_tokens(self) -> int:
        """The stand-in's answer tokens in the text: `turn<N>`, then ` w1` … ` w<N-1>`, one word each."""
        return len(self.text.split())


@dataclass
class Load:
    """What one batch of turns measured."""

    turns: list[Turn] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def new_thread_id() -> str:
    return str(uuid.uuid4())  # langgraph dev takes nothing else


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid` and its live children (uvicorn workers) so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)
    return own + sum(cpu_seconds(child) for child in _children(pid))


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]
    except FileNotFoundError:
        return []


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far, every core and every process (anyone's)."""
    with open("/proc/stat") as stat:
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def client(timeout: float = 120) -> StreamClient:
    return StreamClient(timeout)


async def one_turn(http: StreamClient, target: Target, message: str, thread_id: str) -> Turn:
    """Send one turn and read its stream to the end."""
    turn = Turn()
    started = time.perf_counter()
    pending = b""
    refusal = b""

    def on_body(response: Response, data: bytes) -> None:
        nonlocal pending, refusal
        turn.body_bytes = response.body_bytes  # as sent: gzipped if the server chose
        if response.status != 200:
            refusal += data
            return
        pending += data
        if b"\r" in pending:  # langgraph dev ends its lines with CRLF
            pending = pending.replace(b"\r\n", b"\n")
        *frames, pending = pending.split(b"\n\n")
        for frame in frames:
            if target.is_token(frame):
                if turn.ttft is None:
                    turn.ttft = time.perf_counter() - started
                turn.token_frames += 1
                turn.token_bytes += len(frame) + 2
                turn.text += target.token_text(frame)
            elif b'"type":"RUN_ERROR"' in frame:
                turn.error = frame.decode(errors="replace")[-200:]

    try:
        url = target.url + target.path_for(thread_id)
        response = await http.post(url, target.body(message, thread_id), on_body)
        if response.status != 200:
            turn.error = f"HTTP {response.status}: {refusal[:200]!r}"
    except (StreamError, OSError) as error:
        turn.error = f"{type(error).__name__}: {error}"
    turn.total = time.perf_counter() - started
    if turn.error is None and turn.token_frames == 0:
        turn.error = "no tokens"
    return turn


async def run_load(
    target: Target,
    *,
    turns: int,
    concurrency: int,
    message: str,
    thread_ids: list[str] | None = None,
) -> Load:
    """`turns` turns, `concurrency` at a time, each on a new thread unless `thread_ids` are given."""
    load = Load()
    queue = iter(range(turns))

    async def worker(http: StreamClient) -> None:
        for i in queue:
            thread_id = thread_ids[i % len(thread_ids)] if thread_ids else new_thread_id()
            load.turns.append(await one_turn(http, target, message, thread_id))

    async with client() as http:
        cpu = cpu_seconds(target.pid)
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        load.seconds = time.perf_counter() - started
        load.cpu_seconds = cpu_seconds(target.pid) - cpu
    return load
