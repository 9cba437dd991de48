"""The JSON API under ``/api/``: policies, versions and changes, and one change as the
``monitor diff`` JSON contract. Its OpenAPI description is ``/api/openapi.json``."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel

from monitor.models import Severity
from monitor.output.feed import change_page
from monitor.web.room import Room
from monitor.web.views import host_of

__all__ = ["router"]

router = APIRouter(tags=["read"])
VersionNumber = Annotated[int, Path(ge=1, le=2**31, description="A version's number.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="Items at most.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
SeverityName = StrEnum("SeverityName", {name: name for name in Severity.names()})  # type: ignore[misc]


class Problem(BaseModel):
    detail: str


_MISSING: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such policy, version or change."}
}


class LastChange(BaseModel):
    id: int
    new_version: int
    severity: str
    created_at: str


class PolicySummary(BaseModel):
    name: str
    url: str
    host: str
    tags: list[str]
    archived: bool
    versions: int
    last_check: str | None
    last_outcome: str | None
    last_status: int | None
    last_error: str | None
    next_check: str | None
    consecutive_failures: int
    last_change: LastChange | None


class CheckStats(BaseModel):
    checks: int
    by_outcome: dict[str, int]
    first_check: str | None
    last_check: str | None
    last_success: str | None
    mean_duration_ms: int | None


class Policy(PolicySummary):
    check_stats: CheckStats


class VersionSummary(BaseModel):
    number: int
    first_seen: str
    last_seen: str
    declared_date: str | None
    title: str | None
    language: str | None
    variant: int
    replaced: bool
    snapshot_sha256: str | None
    text_hash: str
    change_id: int | None
    severity: str | None
    previous: int | None
    silent: bool
    date_only: bool
    backdated: bool
    categories: list[str]


class Version(VersionSummary):
    text: str


class ChangeSummary(BaseModel):
    id: int
    policy: str
    old_version: int
    new_version: int
    severity: str
    created_at: str
    silent: bool
    date_only: bool
    backdated: bool
    anomaly: str | None
    categories: list[str]
    page: str


def _room(request: Request) -> Room:
    room: Room = request.app.state.room
    return room


def _summary(room: Room, row: dict[str, Any]) -> dict[str, Any]:
    change = None
    if row["change_id"] is not None:
        change = {
            "id": row["change_id"],
            "new_version": row["change_version"],
            "severity": row["change_severity"],
            "created_at": row["change_at"],
        }
    return {
        **{k: row[k] for k in ("name", "url", "tags", "versions", "last_check", "last_outcome")},
        **{k: row[k] for k in ("last_status", "last_error", "consecutive_failures")},
        "host": host_of(row["url"]),
        "archived": room.configured is not None and row["name"] not in room.configured,
        "next_check": row["next_check_at"],
        "last_change": change,
    }


def _known(room: Room, name: str) -> None:
    if room.policy_row(name) is None:
        raise HTTPException(404, f"no policy named {name!r}")


@router.get("/policies", response_model=list[PolicySummary])
def policies(request: Request, tag: str | None = None) -> list[dict[str, Any]]:
    """Every policy the database knows, configured or archived, by name."""
    room = _room(request)
    return [_summary(room, r) for r in room.overview() if tag is None or tag in r["tags"]]


@router.get("/policies/{name}", response_model=Policy, responses=_MISSING)
def policy(request: Request, name: str) -> dict[str, Any]:
    """One policy with its check statistics."""
    room = _room(request)
    row = next((r for r in room.overview() if r["name"] == name), None)
    if row is None:
        raise HTTPException(404, f"no policy named {name!r}")
    return {**_summary(room, row), "check_stats": room.store.check_stats(name)}


@router.get("/policies/{name}/versions", response_model=list[VersionSummary], responses=_MISSING)
def versions(
    request: Request, name: str, limit: Limit = 100, offset: Offset = 0
) -> list[dict[str, Any]]:
    """The policy's versions without their text, newest first."""
    room = _room(request)
    _known(room, name)
    return room.store.version_rows(name, limit=limit, offset=offset)


@router.get("/policies/{name}/versions/{number}", response_model=Version, responses=_MISSING)
def version(request: Request, name: str, number: VersionNumber) -> dict[str, Any]:
    """One version with its text (canonical Markdown)."""
    room = _room(request)
    _known(room, name)
    rows = room.store.version_rows(name, limit=1, number=number)
    text = room.store.version_text(name, number)
    if not rows or text is None:
        raise HTTPException(404, f"{name} has no version {number}")
    return {**rows[0], "text": text}


@router.get("/changes", response_model=list[ChangeSummary])
def changes(
    request: Request,
    policy: str | None = None,
    tag: str | None = None,
    severity: Annotated[list[SeverityName] | None, Query()] = None,
    since: Annotated[
        datetime | None,
        Query(
            description="ISO 8601 date or time (UTC unless it says); changes found then or later."
        ),
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Changes newest first, filtered by policy, tag, severity (repeatable) and time."""
    room = _room(request)
    names = None
    if policy is not None or tag is not None:
        names = [
            r["name"]
            for r in room.overview()
            if (policy is None or r["name"] == policy) and (tag is None or tag in r["tags"])
        ]
    rows = room.store.change_rows(
        policies=names,
        severities=[str(s.value) for s in severity or ()],
        since=_since(since),
        limit=limit,
        offset=offset,
    )
    root = request.scope.get("root_path", "")
    return [{**r, "page": change_page(root, r["policy"], r["new_version"])} for r in rows]


@router.get("/policies/{name}/changes/{number}", responses=_MISSING)
def change(request: Request, name: str, number: VersionNumber) -> dict[str, Any]:
    """The change that made version ``number``, as the ``monitor diff`` JSON contract."""
    room = _room(request)
    record = room.store.change_record(name, number)
    if record is None:
        raise HTTPException(404, f"{name} has no change that made version {number}")
    comparison: dict[str, Any] = record["comparison"]
    return comparison


def _since(moment: datetime | None) -> str | None:
    """``since`` as the stored times are written (UTC, ISO 8601 to the second)."""
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    except OverflowError:  # (year 1 or 9999 with an offset): before or after every change
        return "0000" if moment.year < 2 else "9999"
