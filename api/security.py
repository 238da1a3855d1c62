"""Pure ASGI middleware that keep other websites out: Host allow-list, cross-site refusal, body limit.

They are ASGI middleware rather than route dependencies because a dependency runs after
FastAPI has read and parsed the whole body. The body limit is ours rather than FastAPI's
`max_body_size`: that one sits outside every user middleware (so a big unauthenticated
body would get its 413 before the key is checked) and answers a too-large Content-Length
in plain text, not with our JSON error body.
"""

import ipaddress
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import refuse
from errors import BodyTooLarge, CrossSiteRequest, HostNotAllowed
from settings import LOOPBACK_NAMES, Settings, host_name

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# GET /chat starts a turn, so it is guarded like the requests that change something.
CHANGING_GETS = frozenset({"/chat"})
DEFAULT_PORTS = {"http": "80", "https": "443"}


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class AllowedHosts:
    """Answer only requests addressed to one of our own names: a DNS-rebinding page arrives with its own."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        configured = settings.allowed_hosts
        self.any_host = configured is not None and "*" in configured
        self.names = frozenset(configured or (*LOOPBACK_NAMES, host_name(settings.host)))
        # A rebinding attack always comes with a host *name*, so bare IP addresses are safe to
        # answer; when bound beyond loopback they are how clients on the network reach us.
        self.any_ip_address = configured is None and not settings.bound_to_loopback

    def allows(self, host: str | None) -> bool:
        if host is None or self.any_host:  # every browser sends Host; programs may not
            return True
        name = host_name(host)
        return name in self.names or (self.any_ip_address and _is_ip_address(name))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = Headers(scope=scope).get("host")
            if not self.allows(host):
                message = f"this server does not answer to the host {host!r}; add it to ALLOWED_HOSTS"
                return await refuse(HostNotAllowed(message), scope, receive, send)
        await self.app(scope, receive, send)


def _netloc(authority: str, scheme: str) -> str:
    """host:port, lower case, with the scheme's default port made explicit."""
    authority = authority.lower()
    if authority.endswith("]") or ":" not in authority:
        return f"{authority}:{DEFAULT_PORTS.get(scheme, '')}"
    return authority


def _is_own_origin(origin: str, host: str | None, scheme: str) -> bool:
    # Schemes are not compared: behind a TLS proxy the page's origin is https while the
    # request reaches us as http, and nothing else can serve pages on our host and port.
    parts = urlsplit(origin)
    if host is None or parts.scheme not in DEFAULT_PORTS or not parts.netloc:
        return False
    return _netloc(parts.netloc, parts.scheme) == _netloc(host, scheme)


class RefuseCrossSite:
    """Refuse a browser request from another site that would change something (CSRF, `<img src=/chat?…>`).

    Browsers say where a request comes from in `Sec-Fetch-Site` and `Origin`; programs (curl,
    the SDKs) send neither and pass. Another port of localhost counts as another site.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.allowed_origins = frozenset(settings.allowed_origins)

    def is_cross_site(self, scope: Scope) -> bool:
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is not None and origin.rstrip("/").lower() in self.allowed_origins:
            return False
        if headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            return True
        return origin is not None and not _is_own_origin(origin, headers.get("host"), scope["scheme"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and (scope["method"] not in SAFE_METHODS or scope["path"] in CHANGING_GETS)
            and self.is_cross_site(scope)
        ):
            message = "requests from another site's page are refused; list its origin in ALLOWED_ORIGINS"
            return await refuse(CrossSiteRequest(message), scope, receive, send)
        await self.app(scope, receive, send)


class LimitBody:
    """Refuse a body over MAX_BODY_BYTES: by its Content-Length before reading it, else while reading."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.limit = settings.max_body_bytes

    def _refusal(self) -> BodyTooLarge:
        return BodyTooLarge(f"the request body is larger than MAX_BODY_BYTES ({self.limit} bytes)")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = Headers(scope=scope).get("content-length", "")
        if length.isdecimal() and int(length) > self.limit:
            return await refuse(self._refusal(), scope, receive, send)

        received = 0
        too_large = started = False

        async def receive_within_limit() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    too_large = True
                    raise self._refusal()
            return message

        async def send_unless_too_large(message: Message) -> None:
            nonlocal started
            # Whatever the app answers to the error raised while it read the body, the
            # answer is ours.
            if too_large:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_within_limit, send_unless_too_large)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await refuse(self._refusal(), scope, receive, send)
