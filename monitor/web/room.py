"""What every route of the reading room reads (:class:`Room`), and the templates: Jinja2
with autoescaping on for every file, and filters for times and outbound links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from monitor import __version__
from monitor.config import PolicyConfig
from monitor.output.safe import safe_href, visible
from monitor.store import Store

__all__ = ["Room", "make_templates"]


@dataclass
class Room:
    """What every route reads: the store, the snapshot folder, the configured policies
    (None: every policy in the database is current) and the address links are made with."""

    store: Store
    snapshots: Path
    policies: tuple[PolicyConfig, ...] | None
    public_url: str | None
    templates: Environment
    summary_language: str | None = "en"  # None: each policy's own
    configured: frozenset[str] | None = field(init=False)  # the names of ``policies``

    def __post_init__(self) -> None:
        names = None if self.policies is None else frozenset(p.name for p in self.policies)
        self.configured = names

    def overview(self) -> list[dict[str, Any]]:
        """The store's overview, with each configured policy the database does not know
        yet (never checked) added as a row without history."""
        rows = self.store.overview()
        known = {row["name"] for row in rows}
        for policy in self.policies or ():
            if policy.name not in known:
                rows.append(_unchecked(policy))
        rows.sort(key=lambda row: row["name"])
        return rows

    def policy_row(self, name: str) -> dict[str, Any] | None:
        """A policy as the store has it, else as configured (never checked); with
        ``archived``: in the database but no longer configured."""
        row = self.store.policy_row(name)
        if row is None:
            found = next((p for p in self.policies or () if p.name == name), None)
            row = _unchecked(found) if found is not None else None
        if row is not None:
            row["archived"] = self.configured is not None and name not in self.configured
        return row

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


def _unchecked(policy: PolicyConfig) -> dict[str, Any]:
    return {
        "id": None, "name": policy.name, "url": policy.url, "tags": list(policy.tags),
        "created_at": None, "next_check_at": None, "consecutive_failures": 0, "versions": 0,
        "last_check": None, "last_outcome": None, "last_status": None, "last_error": None,
        "change_id": None, "change_severity": None, "change_at": None, "change_version": None,
    }  # fmt: skip


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


def make_templates() -> Environment:
    env = Environment(
        loader=PackageLoader("monitor.web", "templates"),
        autoescape=select_autoescape(["html", "xml", "svg"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["visible"] = visible
    env.filters["href"] = safe_href
    env.globals["version"] = __version__
    return env
