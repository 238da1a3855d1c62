"""The optional API key: a bearer token for programs, a cookie for the page and EventSource.

`EventSource` cannot send headers, so the debug page logs in once through a
small form (POST /api/login) that sets an HttpOnly cookie holding the key.
Keys are compared in constant time.
"""

import secrets

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from api.deps import ResourcesDep
from errors import Unauthorized

COOKIE = "chat_api_key"
router = APIRouter()


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token.strip()
    return request.cookies.get(COOKIE)


def is_authorized(request: Request, expected: str | None) -> bool:
    if expected is None:
        return True
    key = presented_key(request)
    return key is not None and secrets.compare_digest(key.encode(), expected.encode())


async def require_api_key(request: Request, resources: ResourcesDep) -> None:
    if not is_authorized(request, resources.settings.api_key):
        raise Unauthorized("this server requires an API key: send 'Authorization: Bearer <key>'")


class Login(BaseModel):
    key: str


@router.post("/api/login")
async def login(body: Login, response: Response, resources: ResourcesDep) -> dict[str, bool]:
    """Check the key and keep it in an HttpOnly cookie, for the page and its EventSource."""
    expected = resources.settings.api_key
    if expected is not None and not secrets.compare_digest(body.key.encode(), expected.encode()):
        raise Unauthorized("wrong API key")
    response.set_cookie(COOKIE, body.key, httponly=True, samesite="strict")
    return {"ok": True}
