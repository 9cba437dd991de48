"""What every route of the reading room reads (:class:`Room`), and the templates: Jinja2
with autoescaping on for every file, and filters for times and outbound links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from monitor import __version__
from monitor.output.safe import visible
from monitor.store import Store

__all__ = ["Room", "make_templates"]


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


def make_templates() -> Environment:
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
