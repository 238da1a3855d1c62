"""A stand-in OpenAI-compatible chat-completions server, for tests and the benchmark.

It streams real `chat.completion.chunk` SSE, so the real `ChatOpenAI` client is
exercised end to end. What it does is chosen by the last user message:

- arithmetic such as `12 * 7` asks for the `calculator` tool (then answers with its result);
- "send a note to NAME saying TEXT" calls `send_note` when it is offered;
- `[slow]` paces tokens 200 ms apart; `[tokens=N]`, `[delay=MS]`, `[ttft=MS]` set length and pace;
- `[fail500]` answers HTTP 500; `[timeout]` never answers; `[drop]` breaks the stream
  after a few tokens; `[malformed]` sends a chunk that is not JSON;
- `[surrogate]` puts a lone surrogate (JSON `"\\ud800"`, as a broken provider might) in a token.

Every request body is kept (unless `--forget-requests`, as the benchmark runs it);
GET /_requests returns them. Run it alone with
`python -m tests.standin_openai --port 9100 [--tokens 50 --delay-ms 0 --ttft-ms 0]`.

It is a bare ASGI application, not Starlette, and writes text chunks from a byte
template: the benchmark holds a thousand paced streams on two cores shared with
the server it measures, and Starlette's StreamingResponse and middleware plus
`json.dumps` per token made the stand-in cost more than a third as much as the
server. The bytes on the wire are the same as before.
"""

import argparse
import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import uvicorn

ARITHMETIC = re.compile(r"\d+(?:\s*[-+*/]\s*\d+)+")
NOTE = re.compile(r"send a note to (\w+) saying (.+)")
SETTING = re.compile(r"\[(tokens|delay|ttft)=(\d+)\]")
COMPLETIONS = ("/v1/chat/completions", "/chat/completions")
SSE_HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8")]  # as StreamingResponse sent them
CONTENT_CHUNK = (
    b'data: {"id": "%s", "object": "chat.completion.chunk", "created": %d, "model": "standin", '
    b'"choices": [{"index": 0, "delta": {"content": %s}, "finish_reason": null}]}\n\n'
)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Defaults:
    tokens = 12
    delay_ms = 0
    ttft_ms = 0
    keep_requests = True


def _chunk(completion_id: str, delta: dict[str, Any], finish: str | None = None, usage: Any = None) -> bytes:
    body = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "standin",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage is not None:
        body = {**body, "choices": [], "usage": usage}
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def _content_chunk(completion_id: str, word: str) -> bytes:
    """The bytes of `_chunk(completion_id, {"content": word})`, without building and encoding a dict."""
    return CONTENT_CHUNK % (completion_id.encode(), int(time.time()), json.dumps(word).encode())


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _send_json(send: Send, status: int, content: Any) -> None:
    """What Starlette's JSONResponse sent."""
    body = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_stream(chunks: AsyncIterator[bytes], receive: Receive, send: Send) -> None:
    """Send `chunks` as an event stream, stopped when the client goes away, as StreamingResponse did."""

    async def stream() -> None:
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        async for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    streaming, watching = asyncio.ensure_future(stream()), asyncio.ensure_future(disconnect())
    try:
        await asyncio.wait((streaming, watching), return_when=asyncio.FIRST_COMPLETED)
    finally:
        streaming.cancel()
        watching.cancel()
    if streaming.done() and not streaming.cancelled():
        streaming.result()  # `[drop]` raises here, and uvicorn cuts the connection


def _text(message: dict[str, Any]) -> str:
    content = message.get("content") or ""
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content


class StandIn:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answered = 0

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI application: POST /v1/chat/completions (or /chat/completions), GET /_requests."""
        if scope["type"] != "http":
            return
        if scope["path"] in COMPLETIONS and scope["method"] == "POST":
            await self.completions(receive, send)
        elif scope["path"] == "/_requests" and scope["method"] == "GET":
            await _send_json(send, 200, self.requests)
        else:
            headers = [(b"content-length", b"9"), (b"content-type", b"text/plain; charset=utf-8")]
            await send({"type": "http.response.start", "status": 404, "headers": headers})
            await send({"type": "http.response.body", "body": b"Not Found"})

    async def completions(self, receive: Receive, send: Send) -> None:
        body = json.loads(await _read_body(receive))
        self.answered += 1
        if Defaults.keep_requests:
            self.requests.append(body)
        messages = body.get("messages", [])
        users = [_text(m) for m in messages if m.get("role") == "user"]
        last = messages[-1] if messages else {}
        prompt = users[-1] if users else ""
        if "[fail500]" in prompt and last.get("role") == "user":
            error = {"error": {"message": "stand-in failure", "type": "server_error"}}
            await _send_json(send, 500, error)
            return
        if "[timeout]" in prompt and last.get("role") == "user":
            await asyncio.sleep(3600)
        settings = {key: int(value) for key, value in SETTING.findall(prompt)}
        tokens = settings.get("tokens", Defaults.tokens)
        delay = settings.get("delay", 200 if "[slow]" in prompt else Defaults.delay_ms) / 1000
        ttft = settings.get("ttft", Defaults.ttft_ms) / 1000
        stream = self._answer(body, messages, last, prompt, len(users), tokens, delay, ttft)
        await _send_stream(stream, receive, send)

    async def _answer(
        self,
        body: dict[str, Any],
        messages: list[dict[str, Any]],
        last: dict[str, Any],
        prompt: str,
        turn: int,
        tokens: int,
        delay: float,
        ttft: float,
    ) -> AsyncIterator[bytes]:
        completion_id = f"chatcmpl-{self.answered}"
        if ttft:
            await asyncio.sleep(ttft)
        yield _chunk(completion_id, {"role": "assistant", "content": ""})
        tools = {t["function"]["name"] for t in body.get("tools", [])}
        match = ARITHMETIC.search(prompt)
        note = NOTE.search(prompt)
        if last.get("role") == "user" and (
            (match and "calculator" in tools) or (note and "send_note" in tools)
        ):
            if note and "send_note" in tools:
                name, arguments = "send_note", json.dumps({"to": note.group(1), "text": note.group(2)})
            else:
                name, arguments = "calculator", json.dumps({"expression": match.group()})
            call = {
                "index": 0,
                "id": f"call_{self.answered}",
                "type": "function",
                "function": {"name": name, "arguments": ""},
            }
            yield _chunk(completion_id, {"tool_calls": [call]})
            for piece in (arguments[: len(arguments) // 2], arguments[len(arguments) // 2 :]):
                yield _chunk(completion_id, {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
            yield _chunk(completion_id, {}, finish="tool_calls")
        else:
            if last.get("role") == "tool":
                words = [f"The result is {_text(last)}."]
            else:
                words = [f"turn{turn}"] + [f" w{i}" for i in range(1, tokens)]
                if "[surrogate]" in prompt:
                    words[1:2] = [" half\ud800pair"]
            for i, word in enumerate(words):
                if delay:
                    await asyncio.sleep(delay)
                if "[drop]" in prompt and i == 3:
                    raise ConnectionAbortedError("stand-in dropped the stream")
                if "[malformed]" in prompt and i == 3:
                    yield b"data: {this is not json\n\n"
                yield _content_chunk(completion_id, word)
            yield _chunk(completion_id, {}, finish="stop")
        options = body.get("stream_options") or {}
        if options.get("include_usage"):
            prompt_tokens = sum(len(_text(m).split()) for m in messages)
            yield _chunk(
                completion_id,
                {},
                usage={
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": tokens,
                    "total_tokens": prompt_tokens + tokens,
                },
            )
        yield b"data: [DONE]\n\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="stand-in OpenAI-compatible server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--tokens", type=int, default=Defaults.tokens)
    parser.add_argument("--delay-ms", type=int, default=Defaults.delay_ms)
    parser.add_argument("--ttft-ms", type=int, default=Defaults.ttft_ms)
    parser.add_argument("--forget-requests", action="store_true", help="keep no request bodies")
    args = parser.parse_args()
    Defaults.keep_requests = not args.forget_requests
    Defaults.tokens, Defaults.delay_ms, Defaults.ttft_ms = args.tokens, args.delay_ms, args.ttft_ms
    # Idle connections are kept longer than the OpenAI SDK keeps them (httpx's 5 s), as a real
    # provider does: with uvicorn's 5 s default both ends expire them together, and a loaded
    # server would now and then send its request on a connection the stand-in is closing.
    uvicorn.run(
        StandIn().app,
        host=args.host,
        port=args.port,
        log_level="warning",
        lifespan="off",
        interface="asgi3",
        timeout_keep_alive=30,
    )


if __name__ == "__main__":
    main()
