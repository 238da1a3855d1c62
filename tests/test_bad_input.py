"""Malformed or hostile input gets a 4xx with a JSON body naming the problem; never a 5xx."""

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.processes import ServerProcess

LIMIT = 32 * 1024


def assert_refused(response: httpx.Response, status: int, code: str, words: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert words in error["message"], error["message"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "body"),
        (b"{}", "message: Field required"),
        (b'{"message": ""}', "message is empty"),
        (b'{"message": "   \\n"}', "message is empty"),
        (b'{"message": 42}', "message: Input should be a valid string"),
        (b'{"message": "hi", "thread_id": "../../etc/passwd"}', "thread_id: String should match pattern"),
        (b'{"message": "hi", "thread_id": ""}', "thread_id"),
        (b'{"message": "hi", "thread_id": "' + b"x" * 65 + b'"}', "thread_id"),
        (b'{"message": "a\\u0000b"}', "NUL"),
        (b'{"message": "hi", "on_disconnect": "explode"}', "on_disconnect"),
    ],
)
async def test_post_chat_refuses_bad_bodies(client: httpx.AsyncClient, body: bytes, words: str) -> None:
    response = await client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert_refused(response, 422, "invalid_request", words)


async def test_messages_over_the_limit_are_refused(client: httpx.AsyncClient) -> None:
    at_limit = await client.post("/api/chat", json={"message": "é" * (LIMIT // 2) + "[tokens=1]"})
    assert at_limit.status_code == 422  # 32 KiB of two-byte characters, plus the marker
    over = await client.post("/api/chat", json={"message": "x" * (LIMIT + 1)})
    assert_refused(over, 422, "invalid_request", f"longer than {LIMIT} bytes")
    async with client.stream("POST", "/api/chat", json={"message": "x" * (LIMIT - 20) + "[tokens=1]"}) as ok:
        assert ok.status_code == 200
        await ok.aread()


async def test_get_chat_refuses_bad_queries(client: httpx.AsyncClient) -> None:
    assert_refused(await client.get("/chat"), 422, "invalid_request", "message: Field required")
    assert_refused(await client.get("/chat", params={"message": " "}), 422, "invalid_request", "empty")
    bad_thread = await client.get("/chat", params={"message": "hi", "thread_id": "a b"})
    assert_refused(bad_thread, 422, "invalid_request", "thread_id")


async def test_other_endpoints_refuse_bad_ids_and_parameters(client: httpx.AsyncClient) -> None:
    assert_refused(await client.get("/api/threads/bad%20id"), 422, "invalid_request", "thread_id")
    assert_refused(await client.get("/api/threads", params={"limit": 0}), 422, "invalid_request", "limit")
    assert_refused(
        await client.get("/api/threads", params={"before": "yesterday"}), 422, "invalid_request", "before"
    )
    assert_refused(
        await client.get("/api/runs/x/stream", params={"after": -1}), 422, "invalid_request", "after"
    )
    bad_header = await client.get("/api/runs/x/stream", headers={"Last-Event-ID": "garbage"})
    assert_refused(bad_header, 422, "invalid_request", "Last-Event-ID")
    assert_refused(await client.get("/nowhere"), 404, "not_found", "Not Found")
    assert_refused(await client.put("/api/chat"), 405, "method_not_allowed", "Method Not Allowed")


@pytest.fixture(scope="module")
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
chat_bodies = st.fixed_dictionaries(
    {},
    optional={
        "message": st.one_of(st.text(max_size=60), json_values),
        "thread_id": st.one_of(st.text(max_size=70), json_values),
        "on_disconnect": st.one_of(st.sampled_from(["continue", "cancel"]), st.text(max_size=10)),
    },
)
paths = st.sampled_from(
    ["/api/threads/{}", "/api/threads/{}/messages", "/api/runs/{}/stream", "/api/threads/{}/cancel"]
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(chat_bodies, json_values), raw=st.binary(max_size=40), use_raw=st.booleans())
def test_fuzzed_chat_bodies_never_cause_a_5xx(
    http: httpx.Client, body: object, raw: bytes, use_raw: bool
) -> None:
    if use_raw:
        response = http.post("/api/chat", content=raw, headers={"content-type": "application/json"})
    else:
        response = http.post("/api/chat", json=body)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"]["code"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=paths,
    identifier=st.text(min_size=1, max_size=80),
    header=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
    after=st.integers(),
)
def test_fuzzed_ids_and_headers_never_cause_a_5xx(
    http: httpx.Client, path: str, identifier: str, header: str, after: int
) -> None:
    url = path.format(quote(identifier, safe=""))
    method = "POST" if url.endswith("/cancel") else "GET"
    response = http.request(method, url, params={"after": after}, headers={"Last-Event-ID": header.strip()})
    assert response.status_code < 500, (url, response.text)
    if response.status_code >= 400:
        assert response.json()["error"]["code"]
