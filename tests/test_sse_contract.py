"""What api/sse.py leans on in sse-starlette: every write of a response goes through
`EventSourceResponse._send_with_timeout(send, message)`, which our response overrides to skip an
anyio cancel scope per write when there is no send timeout. If sse-starlette renames or bypasses
it, the override would silently stop saving anything (or, with a new signature, break streams)."""

import inspect

from sse_starlette import EventSourceResponse

from api.sse import GzipEventSourceResponse


def test_writes_go_through_send_with_timeout() -> None:
    parameters = list(inspect.signature(EventSourceResponse._send_with_timeout).parameters)
    assert parameters == ["self", "send", "message"]
    assert "self._send_with_timeout(" in inspect.getsource(EventSourceResponse._stream_response)


async def test_override_writes_each_message_once() -> None:
    sent = []

    async def send(message):
        sent.append(message)

    response = GzipEventSourceResponse(iter(()), sep="\n")
    message = {"type": "http.response.body", "body": b"data: 1\n\n", "more_body": True}
    await response._send_with_timeout(send, message)
    assert sent == [message]
