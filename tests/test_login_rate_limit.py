"""Guessing the key is slowed per address: a few free failures, then 429 too_many_attempts, waits growing."""

from collections.abc import Callable

import httpx

from api.attempts import FREE_FAILURES, LONGEST_WAIT_SECONDS, FailedAttempts
from api.auth import COOKIE
from tests.processes import ServerProcess

KEY = "s3cret-key"


async def test_wrong_keys_from_the_form_and_the_header_lead_to_429(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server({"API_KEY": KEY, "OPENAI_API_KEY": ""})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as guesser:
        signed_in = await guesser.post("/api/login", json={"key": KEY})
        session = signed_in.cookies[COOKIE]
        guesser.cookies.clear()
        guesses = [
            guesser.post("/api/login", json={"key": "guess-1"}),
            guesser.get("/api/threads", headers={"Authorization": "Bearer guess-2"}),
            guesser.get("/api/threads", headers={"x-api-key": "guess-3"}),
        ]
        for guess in guesses:
            assert (await guess).status_code == 401
        for number in range(4, FREE_FAILURES + 1):
            assert (await guesser.post("/api/login", json={"key": f"guess-{number}"})).status_code == 401

        for method, path, headers in [
            ("POST", "/api/login", {}),  # even the right key must wait
            ("GET", "/api/threads", {"Authorization": f"Bearer {KEY}"}),
            ("GET", "/api/threads", {"x-api-key": "guess-6"}),
        ]:
            response = await guesser.request(
                method, path, headers=headers, json={"key": KEY} if method == "POST" else None
            )
            assert response.status_code == 429, (method, path)
            error = response.json()["error"]
            assert error["code"] == "too_many_attempts"
            assert int(response.headers["retry-after"]) == error["retry_after"] >= 1

        # Neither a session signed in before nor an open endpoint is held up.
        guesser.cookies.set(COOKIE, session)
        assert (await guesser.get("/api/threads")).status_code == 200
        assert (await guesser.get("/healthz")).status_code == 200


def test_the_wait_doubles_with_each_further_failure_and_is_bounded() -> None:
    now = 1000.0
    attempts = FailedAttempts(clock=lambda: now)
    for _ in range(FREE_FAILURES - 1):
        attempts.failed("203.0.113.7")
    assert attempts.retry_after("203.0.113.7") is None
    waits = []
    for _ in range(12):
        attempts.failed("203.0.113.7")
        waits.append(attempts.retry_after("203.0.113.7"))
        now += waits[-1]
        assert attempts.retry_after("203.0.113.7") is None
    assert waits[:4] == [5, 10, 20, 40]
    assert waits[-1] == LONGEST_WAIT_SECONDS
    assert attempts.retry_after("203.0.113.8") is None  # another address is not held up
    attempts.failed("203.0.113.7")
    attempts.succeeded("203.0.113.7")
    assert attempts.retry_after("203.0.113.7") is None


def test_an_ipv6_subscriber_is_one_address() -> None:
    attempts = FailedAttempts(clock=lambda: 0.0)
    for host in range(FREE_FAILURES):
        attempts.failed(f"2001:db8:1:2::{host + 1}")
    assert attempts.retry_after("2001:db8:1:2:ffff::1") is not None
    assert attempts.retry_after("2001:db8:1:3::1") is None
