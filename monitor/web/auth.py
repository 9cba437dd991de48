"""The reading room's token: sent as ``Authorization: Bearer <token>``, or entered once
in the login form, which sets an HttpOnly, SameSite=Strict cookie.

The cookie holds an HMAC of the token, never the token itself, and every
comparison takes constant time. Without a token (the default, on loopback) every
request passes.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

if TYPE_CHECKING:
    from monitor.web.room import Room

__all__ = ["COOKIE", "TokenGate", "login_routes", "route_path", "safe_next"]

COOKIE = "monitor_session"
_OPEN = ("/static/",)  # reachable without the token, with the login form itself
_MAX_FORM = 4096


def route_path(request: Request) -> str:
    """The path within the room, without the prefix a reverse proxy serves it under."""
    path = request.url.path
    root = request.scope.get("root_path", "")
    return path[len(root) :] or "/" if root and path.startswith(root) else path


def _session(token: str) -> str:
    return hmac.new(token.encode(), b"policy-monitor reading room", hashlib.sha256).hexdigest()


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a path of this room, never another site."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    return value if all(32 < ord(c) < 127 for c in value) else "/"


class TokenGate:
    """Decides whether a request may pass; ``token=None`` lets everything through."""

    def __init__(self, token: str | None) -> None:
        token = token.strip() if token is not None else None  # as a typed one is read
        self.token = token or None
        self.session = _session(self.token) if self.token else None

    def allows(self, request: Request) -> bool:
        if self.token is None or self.session is None:
            return True
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self.token.encode()
        ):
            return True
        cookie = request.cookies.get(COOKIE, "")
        return hmac.compare_digest(cookie.encode(), self.session.encode())

    def refuse(self, request: Request) -> Response | None:
        """None when the request may pass; else the answer: 401 for the API and feeds,
        a redirect to the login form for pages."""
        path = route_path(request)
        if self.token is None or path == "/login" or path.startswith(_OPEN):
            return None
        if self.allows(request):
            return None
        if path.startswith("/api/") or path.endswith(".atom"):
            return JSONResponse(
                {"detail": "a valid token is needed: send Authorization: Bearer <token>"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="policy-monitor"'},
            )
        root = request.scope.get("root_path", "")
        target = path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{root}/login?next={quote(target, safe='/')}", status_code=303)


async def _small_body(request: Request) -> str | None:
    """The request body if it is at most ``_MAX_FORM`` bytes (read no further), else None."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > _MAX_FORM:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_FORM:
            return None
    return body.decode("utf-8", "replace")


def login_routes(room: Room) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/login")
    async def login_form(request: Request, next: str = "/") -> Response:
        gate: TokenGate = request.app.state.gate
        if gate.token is None:
            return RedirectResponse(request.scope.get("root_path", "") + "/", status_code=303)
        return room.page(request, "login.html", next=safe_next(next), failed=False)

    @router.post("/login")
    async def login(request: Request) -> Response:
        gate: TokenGate = request.app.state.gate
        root = request.scope.get("root_path", "")
        body = await _small_body(request)
        if body is None:
            return Response("the form is too large", status_code=413)
        form = {k: v[0] for k, v in parse_qs(body).items()}
        target = safe_next(form.get("next"))
        if gate.token is None or gate.session is None:
            return RedirectResponse(root + target, status_code=303)
        given = form.get("token", "").strip().encode()
        if not hmac.compare_digest(given, gate.token.encode()):
            return room.page(request, "login.html", status=401, next=target, failed=True)
        response = RedirectResponse(root + target, status_code=303)
        response.set_cookie(
            COOKIE,
            gate.session,
            httponly=True,
            samesite="strict",
            # https as the reader sees it: this request, or the public address of a proxy
            secure=request.url.scheme == "https" or (room.public_url or "").startswith("https://"),
            path=root or "/",
            max_age=30 * 86_400,
        )
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        root = request.scope.get("root_path", "")
        response = RedirectResponse(root + "/login", status_code=303)
        response.delete_cookie(COOKIE, path=root or "/")
        return response

    return router
