"""Event streams are gzipped for clients that ask, each write decodable as it arrives:
under 100 bytes a token on the wire, for any graph."""

import zlib

import httpx

from tests.processes import ServerProcess, StandInProcess
from tests.raw_http import body_chunks

TOKENS = 50
BYTES_PER_TOKEN = 100


def _model_env(standin: StandInProcess) -> dict[str, str]:
    return {
        "OPENAI_API_KEY": "k",
        "OPENAI_BASE_URL": standin.url,
        "MODEL": "standin",
        "MODEL_MAX_RETRIES": "0",
    }


async def test_a_stock_chat_openai_graph_sends_under_100_bytes_a_token(
    start_server, standin: StandInProcess
) -> None:
    plain = start_server({**_model_env(standin), "GRAPH": "bench.plain_graph:build"})
    async with httpx.AsyncClient(base_url=plain.url, timeout=30) as http:
        body = {"message": f"hello [tokens={TOKENS}]"}
        async with http.stream("POST", "/api/chat", json=body) as response:
            assert response.headers["content-encoding"] == "gzip"
            text = (await response.aread()).decode()
            wire = response.num_bytes_downloaded
    tokens = [f for f in text.split("\n\n") if '"type":"TEXT_MESSAGE_CONTENT"' in f]
    assert len(tokens) == TOKENS
    assert '"messageId":"lc_run--' in tokens[0]  # stock ChatOpenAI's long ids, each token
    assert wire / TOKENS <= BYTES_PER_TOKEN


async def test_each_write_decodes_as_it_arrives(server: ServerProcess) -> None:
    message = {"message": "paced [tokens=6] [delay=50]"}
    headers, chunks = await body_chunks(server.port, "/api/chat", message, {"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    decoded = [decoder.decompress(chunk) for chunk in chunks]
    assert decoder.eof  # the stream ends as a whole gzip member
    for piece in decoded[:-1]:
        assert piece.endswith(b"\n\n")  # every frame is whole once its write has arrived
    assert b'"type":"RUN_FINISHED"' in b"".join(decoded)


async def test_a_client_that_does_not_ask_for_gzip_reads_plain_frames(server: ServerProcess) -> None:
    message = {"message": "plain [tokens=3]"}
    headers, chunks = await body_chunks(server.port, "/api/chat", message)
    assert "content-encoding" not in headers
    assert b'"type":"RUN_FINISHED"' in b"".join(chunks)
