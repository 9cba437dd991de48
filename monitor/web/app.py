"""The reading room's application: the store opened read-only, the templates, the
security headers, the token check, and the pages and API routes.

Nothing here writes: the SQLite connection is opened with ``query_only``, every
route is a GET (but the login form), and no route fetches a URL. Every value in a
page is escaped by Jinja2's autoescaping; the Content-Security-Policy allows no
script at all, and styles and images only from the room itself.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor import __version__
from monitor.config import PolicyConfig
from monitor.store import Store
from monitor.web import api, pages
from monitor.web.auth import TokenGate, login_routes, route_path
from monitor.web.room import Room, make_templates

__all__ = ["CSP", "create_app"]

logger = logging.getLogger("monitor.web")

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(
    database: Path | str,
    snapshots: Path,
    *,
    policies: Sequence[PolicyConfig] | None = None,
    token: str | None = None,
    public_url: str | None = None,
    hosts: Collection[str] | None = None,
    summary_language: str | None = "en",
) -> FastAPI:
    """The reading room over the database at ``database`` (which must exist).

    ``policies``: the configured ones (others in the database are shown as archived;
    None: all are current). With a ``token``, every page and API call asks for it
    (bearer header or login cookie). ``hosts``: the only names a request's ``Host`` may
    give (a page elsewhere cannot reach a loopback room through a rebound DNS name);
    None accepts any. ``summary_language``: of change summaries (None: each policy's)."""
    store = Store.open_for_reading(database)  # whatever a route does, it cannot write
    room = Room(store, snapshots, tuple(policies) if policies is not None else None, public_url,
                make_templates(), summary_language)  # fmt: skip
    allowed = None if hosts is None else {h.lower() for h in hosts}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="policy-monitor",
        version=__version__,
        description="Read-only access to the monitored policies, their versions and changes.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive pages load scripts from the internet: not served
        redoc_url=None,
        lifespan=lifespan,
    )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        if route_path(request).startswith("/api/"):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        return room.page(request, "error.html", status=400, status_code=400, detail=problems)

    gate = TokenGate(token)
    app.state.room, app.state.gate = room, gate
    app.include_router(login_routes(room))
    app.include_router(api.router, prefix="/api")
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(packages=[("monitor.web", "static")]), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def _error(request: Request, exc: StarletteHTTPException) -> Response:
        if route_path(request).startswith("/api/"):
            answer: Response = JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        else:
            answer = room.page(
                request, "error.html", status=exc.status_code, status_code=exc.status_code,
                detail=exc.detail,
            )  # fmt: skip
        answer.headers.update(exc.headers or {})  # (Allow of a 405, say)
        return answer

    @app.middleware("http")
    async def _guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        refused = gate.refuse(request)
        if allowed is not None and _host_name(request.headers.get("host", "")) not in allowed:
            refused = PlainTextResponse("unknown Host: this room answers to its own", 421)
        if refused is not None:
            response = refused
        else:
            try:
                response = await call_next(request)
            except Exception:  # answered with the same headers as every other response
                logger.exception("reading room: %s %s failed", request.method, request.url.path)
                response = PlainTextResponse("internal error (logged)", 500)
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        if "cache-control" not in response.headers:
            response.headers["Cache-Control"] = "no-store" if token else "no-cache"
        return response

    app.add_middleware(HeadAsGet)
    if token is not None:
        _describe_bearer(app)
    return app


def _describe_bearer(app: FastAPI) -> None:
    """The OpenAPI description says every operation wants the bearer token."""
    described = app.openapi

    def with_bearer() -> dict[str, Any]:
        schema = described()
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "description": "[serve] token"}
        }
        schema["security"] = [{"bearer": []}]
        return schema

    app.openapi = with_bearer  # type: ignore[method-assign]


def _host_name(host: str) -> str:
    """A ``Host`` header without its port: ``[::1]:8080`` → ``[::1]``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.partition(":")[0]


class HeadAsGet:
    """HEAD answered as GET without the body (link checkers and uptime monitors ask it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
