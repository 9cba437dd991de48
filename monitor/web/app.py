"""The reading room's application: the store opened read-only, the templates, the
security headers, the token check, and the pages and API routes.

Nothing here writes: the SQLite connection is opened with ``query_only``, every
route is a GET (but the login form), and no route fetches a URL. Every value in a
page is escaped by Jinja2's autoescaping; the Content-Security-Policy allows no
script at all, and styles and images only from the room itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from monitor import __version__
from monitor.errors import InputError
from monitor.output.safe import visible
from monitor.store import Store
from monitor.web.auth import TokenGate, login_routes

__all__ = ["CSP", "Room", "create_app"]

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


@dataclass
class Room:
    """What every route reads: the store, the snapshot folder, the configured policies
    (None: every policy is current) and the address links are made with."""

    store: Store
    snapshots: Path
    configured: frozenset[str] | None
    public_url: str | None
    templates: Environment

    def base(self, request: Request) -> str:
        """The room's address for links that leave it (feeds): ``public_url`` when set,
        else the address this request came to."""
        if self.public_url:
            return self.public_url
        return str(request.base_url).rstrip("/")

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        template = self.templates.get_template(name)
        html = template.render(request=request, root=request.scope.get("root_path", ""), **values)
        return HTMLResponse(html, status_code=status)


def _when(value: str | None) -> str:
    """An ISO time as ``2026-12-05 13:00 UTC``; ``-`` for none."""
    if not value:
        return "-"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return visible(value)
    zone = moment.strftime("%Z") or ""
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if zone in ("UTC", "") else f" {zone}")


def _href(url: str) -> str:
    """A link out of the room: only http(s), never ``javascript:`` or ``data:``."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return "#"
    return url if scheme in ("http", "https") else "#"


def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("monitor.web", "templates"),
        autoescape=select_autoescape(["html", "xml", "svg"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["visible"] = visible
    env.filters["href"] = _href
    env.globals["version"] = __version__
    return env


def create_app(
    database: Path,
    snapshots: Path,
    *,
    configured: frozenset[str] | None = None,
    token: str | None = None,
    public_url: str | None = None,
) -> FastAPI:
    """The reading room over the database at ``database`` (which must exist). With a
    ``token``, every page and API call asks for it (bearer header or login cookie)."""
    if not database.is_file():
        raise InputError(f"no database at {database} yet: run `monitor check` first")
    store = Store.open(database)
    store.db.execute("PRAGMA query_only = ON")  # whatever a route does, it cannot write
    room = Room(store, snapshots, configured, public_url, _templates())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    from monitor.web import api, pages  # (they import this module's Room)

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
        if request.url.path.startswith("/api/"):
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
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return room.page(
            request, "error.html", status=exc.status_code, status_code=exc.status_code,
            detail=exc.detail,
        )  # fmt: skip

    @app.middleware("http")
    async def _guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        refused = gate.refuse(request)
        response = refused if refused is not None else await call_next(request)
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        if "cache-control" not in response.headers:
            response.headers["Cache-Control"] = "no-store" if token else "no-cache"
        return response

    return app
