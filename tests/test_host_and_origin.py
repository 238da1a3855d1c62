"""Other websites can neither reach the server through a foreign Host name nor make it change anything.

The default server here is bound to loopback with no API key: what `python main.py` gives.
"""

import uuid
from collections.abc import Callable

import httpx

from api.security import AllowedHosts
from settings import Settings
from tests.processes import ServerProcess, free_port
from tests.sse import turn, user_messages

# What Chromium sends for `<img src="http://127.0.0.1:8000/chat?message=…">` on another site.
IMG_FROM_ANOTHER_SITE = {
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "no-cors",
    "Sec-Fetch-Dest": "image",
}


def fresh_thread() -> str:
    return f"sec-{uuid.uuid4().hex[:12]}"


async def test_a_foreign_host_is_refused_with_a_json_400(offline_client: httpx.AsyncClient) -> None:
    port = offline_client.base_url.port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "10.0.0.1"):
        response = await offline_client.get("/api/threads", headers={"Host": host})
        assert response.status_code == 400, host
        assert response.json()["error"]["code"] == "host_not_allowed"
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "LOCALHOST", "localhost:1"):
        assert (await offline_client.get("/api/threads", headers={"Host": host})).status_code == 200, host


async def test_a_rebinding_page_can_neither_read_nor_delete(offline_client: httpx.AsyncClient) -> None:
    thread_id = fresh_thread()
    await turn(offline_client, "hello", thread_id)
    rebound = {"Host": f"attacker.example:{offline_client.base_url.port}"}
    for method, path in [
        ("GET", "/api/threads"),
        ("GET", f"/api/threads/{thread_id}"),
        ("GET", f"/api/threads/{thread_id}/messages"),
        ("DELETE", f"/api/threads/{thread_id}"),
        ("GET", "/"),
    ]:
        response = await offline_client.request(method, path, headers=rebound)
        assert response.status_code == 400, (method, path)
        assert response.json()["error"]["code"] == "host_not_allowed"
    assert (await offline_client.get(f"/api/threads/{thread_id}")).status_code == 200


async def test_an_image_on_another_site_starts_no_turn(offline_client: httpx.AsyncClient) -> None:
    thread_id = fresh_thread()
    response = await offline_client.get(
        "/chat", params={"message": "hi", "thread_id": thread_id}, headers=IMG_FROM_ANOTHER_SITE
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_site_request"
    # Had a turn started, this one would be refused (thread_busy) or come second.
    await turn(offline_client, "mine", thread_id)
    assert await user_messages(offline_client, thread_id) == ["mine"]


async def test_a_page_on_another_port_of_localhost_is_refused(offline_client: httpx.AsyncClient) -> None:
    thread_id = fresh_thread()
    other_port = {"Origin": f"http://localhost:{free_port()}"}
    for headers in ({**other_port, "Sec-Fetch-Site": "same-site"}, other_port):  # the second: an old browser
        response = await offline_client.post(
            "/api/chat", json={"message": "hi", "thread_id": thread_id}, headers=headers
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "cross_site_request"
    same_site_get = await offline_client.get(
        "/chat", params={"message": "hi", "thread_id": thread_id}, headers={"Sec-Fetch-Site": "same-site"}
    )
    assert same_site_get.status_code == 403
    await turn(offline_client, "mine", thread_id)
    assert await user_messages(offline_client, thread_id) == ["mine"]


async def test_a_foreign_origin_can_neither_cancel_nor_delete(offline_client: httpx.AsyncClient) -> None:
    thread_id = fresh_thread()
    await turn(offline_client, "hello", thread_id)
    foreign = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    for method, path in [
        ("POST", f"/api/threads/{thread_id}/cancel"),
        ("DELETE", f"/api/threads/{thread_id}"),
    ]:
        response = await offline_client.request(method, path, headers=foreign)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "cross_site_request"
    null_origin = await offline_client.delete(f"/api/threads/{thread_id}", headers={"Origin": "null"})
    assert null_origin.status_code == 403  # a sandboxed frame, a file:// page
    assert (await offline_client.get(f"/api/threads/{thread_id}")).status_code == 200


async def test_the_servers_own_pages_and_programs_pass(offline_client: httpx.AsyncClient) -> None:
    own = {"Origin": str(offline_client.base_url).rstrip("/"), "Sec-Fetch-Site": "same-origin"}
    async with offline_client.stream("POST", "/api/chat", json={"message": "hi"}, headers=own) as response:
        assert response.status_code == 200
        assert b"RUN_FINISHED" in await response.aread()
    typed_in_the_address_bar = {"Sec-Fetch-Site": "none"}
    async with offline_client.stream(
        "GET", "/chat", params={"message": "hi"}, headers=typed_in_the_address_bar
    ) as response:
        assert response.status_code == 200
        assert b"RUN_FINISHED" in await response.aread()
    # Reading is never refused for its origin: the browser keeps another site from seeing the answer.
    assert (await offline_client.get("/api/threads", headers=IMG_FROM_ANOTHER_SITE)).status_code == 200


async def test_an_allowed_origin_gets_cors_headers_and_may_start_turns(
    start_server: Callable[..., ServerProcess],
) -> None:
    front_end = f"http://localhost:{free_port()}"
    server = start_server({"OPENAI_API_KEY": "", "OFFLINE_TOKEN_DELAY": "0", "ALLOWED_ORIGINS": front_end})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        preflight = await http.options(
            "/api/chat",
            headers={
                "Origin": front_end,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, last-event-id, x-api-key",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == front_end
        allowed = preflight.headers["access-control-allow-headers"].lower()
        assert {"authorization", "content-type", "last-event-id", "x-api-key"} <= set(allowed.split(", "))

        from_front_end = {"Origin": front_end, "Sec-Fetch-Site": "same-site"}
        async with http.stream(
            "POST", "/api/chat", json={"message": "hi"}, headers=from_front_end
        ) as response:
            assert response.status_code == 200
            assert response.headers["access-control-allow-origin"] == front_end
            assert "retry-after" in response.headers["access-control-expose-headers"].lower()
            assert b"RUN_FINISHED" in await response.aread()

        other = {"Origin": f"http://localhost:{free_port()}", "Sec-Fetch-Site": "same-site"}
        refused = await http.post("/api/chat", json={"message": "hi"}, headers=other)
        assert refused.status_code == 403
        assert "access-control-allow-origin" not in refused.headers


async def test_allowed_hosts_replaces_the_loopback_names(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server({"OPENAI_API_KEY": "", "ALLOWED_HOSTS": "chat.example, 127.0.0.1"})
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        assert (await http.get("/api/threads", headers={"Host": "chat.example"})).status_code == 200
        assert (await http.get("/api/threads", headers={"Host": "localhost"})).status_code == 400


def test_bound_beyond_loopback_ip_addresses_pass_and_names_need_allowed_hosts() -> None:
    hosts = AllowedHosts(app=None, settings=Settings(host="0.0.0.0"))  # type: ignore[arg-type]
    assert hosts.allows("192.168.1.20:8000") and hosts.allows("[fd00::1]:8000") and hosts.allows("localhost")
    assert not hosts.allows("chat.example") and not hosts.allows("rebind.attacker.example:8000")
    anything = AllowedHosts(app=None, settings=Settings(host="0.0.0.0", allowed_hosts="*"))  # type: ignore[arg-type]
    assert anything.allows("chat.example")
