"""The optional API key: a bearer token or `x-api-key` for programs, a signed session cookie for the page.

`EventSource` cannot send headers, so the debug page signs in once through a small form
(POST /api/login) that sets an HttpOnly cookie. The cookie holds a random session id,
signed and timestamped with itsdangerous (as Starlette's sessions are), never the key: it
expires after SESSION_TTL_SECONDS, and its signing secret is derived from the key, so a new
key ends every session. The key is checked in an ASGI middleware, before FastAPI reads any
body. Keys are compared in constant time and wrong ones are slowed down per address
(api/attempts.py).
"""

import hashlib
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from itsdangerous import BadSignature, TimestampSigner
from pydantic import BaseModel
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from api.attempts import FailedAttempts
from api.errors import refuse
from errors import Refusal, TooManyAttempts, Unauthorized
from settings import Settings

COOKIE = "chat_session"
LOGIN_PATH = "/api/login"
# The page and its assets: the page itself shows the sign-in form until the cookie is there.
OPEN_PATHS = frozenset({"/healthz", "/", "/debug", LOGIN_PATH})
OPEN_PREFIX = "/static/"
router = APIRouter()


def _session_secret(api_key: str) -> bytes:
    # Deliberately slow, once per process: whoever steals a cookie pays this per guess of the key.
    return hashlib.pbkdf2_hmac("sha256", api_key.encode(), b"chat-session-cookie", 200_000)


def presented_key(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key") or None


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "unknown"


class KeyGuard:
    """The key, the sessions signed with it, and the count of wrong keys per address."""

    def __init__(self, settings: Settings) -> None:
        self.api_key = settings.api_key
        self.session_ttl = settings.session_ttl_seconds
        self.attempts = FailedAttempts()
        self._signer = (
            TimestampSigner(_session_secret(self.api_key), salt="chat-session") if self.api_key else None
        )

    def check_key(self, key: str, address: str) -> None:
        """Accept the right key; count a wrong one; refuse any while this address must wait."""
        if (wait := self.attempts.retry_after(address)) is not None:
            raise TooManyAttempts(wait)
        if self.api_key is not None and not secrets.compare_digest(key.encode(), self.api_key.encode()):
            self.attempts.failed(address)
            raise Unauthorized("wrong API key")
        self.attempts.succeeded(address)

    def new_session(self) -> str:
        assert self._signer is not None
        return self._signer.sign(secrets.token_urlsafe(16)).decode()

    def has_session(self, connection: HTTPConnection) -> bool:
        """Whether the request carries an unexpired session cookie signed with the current key."""
        if self._signer is None:
            return True
        value = connection.cookies.get(COOKIE)
        if not value:
            return False
        try:
            self._signer.unsign(value, max_age=self.session_ttl)
        except BadSignature:  # tampered, signed with another key, or expired
            return False
        return True

    def admit(self, connection: HTTPConnection) -> None:
        """Let the request through, or raise the refusal that answers it."""
        path = connection.scope["path"]
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIX):
            if path == LOGIN_PATH and (wait := self.attempts.retry_after(client_address(connection))):
                raise TooManyAttempts(wait)
            return
        key = presented_key(connection.headers)
        if key is not None:
            self.check_key(key, client_address(connection))
        elif not self.has_session(connection):
            raise Unauthorized(
                "this server requires an API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'"
            )


class RequireApiKey:
    """With API_KEY set, refuse requests without the key (or a session) before their body is read."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.enabled = settings.api_key is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.enabled and scope["type"] == "http":
            guard: KeyGuard = scope["state"]["key_guard"]
            try:
                guard.admit(HTTPConnection(scope))
            except Refusal as error:
                return await refuse(error, scope, receive, send)
        await self.app(scope, receive, send)


def _key_guard(request: Request) -> KeyGuard:
    return request.state.key_guard


KeyGuardDep = Annotated[KeyGuard, Depends(_key_guard)]


class Login(BaseModel):
    key: str


@router.post(LOGIN_PATH)
async def login(body: Login, request: Request, response: Response, guard: KeyGuardDep) -> dict[str, bool]:
    """Check the key and start a session: a signed, expiring HttpOnly cookie for the page."""
    if guard.api_key is not None:
        guard.check_key(body.key, client_address(request))
        response.set_cookie(
            COOKIE,
            guard.new_session(),
            max_age=guard.session_ttl,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return {"ok": True}
