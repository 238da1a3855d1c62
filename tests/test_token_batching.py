"""A fast model's tokens go out a few per write (a socket write per token cost more CPU than
the turn's own work), and a write never cuts a frame."""

from tests.processes import ServerProcess
from tests.raw_http import body_chunks

TOKENS = 200


async def test_a_fast_models_tokens_share_writes(server: ServerProcess) -> None:
    message = {"message": f"stream fast [tokens={TOKENS}]"}
    _, chunks = await body_chunks(server.port, "/api/chat", message, {"Accept-Encoding": "identity"})
    frames = [frame for chunk in chunks for frame in chunk.split(b"\n\n") if frame]
    tokens = [frame for frame in frames if b'"type":"TEXT_MESSAGE_CONTENT"' in frame]
    assert len(tokens) == TOKENS
    assert len(chunks) < TOKENS / 4
    assert all(chunk.endswith(b"\n\n") for chunk in chunks)  # a write never cuts a frame


async def test_the_first_token_is_not_held_back_by_the_ones_behind_it(server: ServerProcess) -> None:
    message = {"message": f"first alone [tokens={TOKENS}]"}
    _, chunks = await body_chunks(server.port, "/api/chat", message, {"Accept-Encoding": "identity"})
    first = next(chunk for chunk in chunks if b'"type":"TEXT_MESSAGE_CONTENT"' in chunk)
    assert first.count(b'"type":"TEXT_MESSAGE_CONTENT"') < 5  # not the model's whole first burst
