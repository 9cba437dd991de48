"""The reading room's pages: overview, policy, change, compare, version text, raw
snapshots and Atom feeds. Every route only reads."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from markupsafe import Markup

from monitor.errors import SnapshotError
from monitor.output.contract import from_dict
from monitor.output.feed import atom_feed, change_page
from monitor.output.summary import summarize
from monitor.records import VersionRecord
from monitor.web.room import Room
from monitor.web.timeline import SEVERITY_COLOURS, timeline_svg
from monitor.web.views import PAGE_SIZE, SORTS, clause_views, filter_overview, pages, text_clauses

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
VERSIONS_PER_PAGE = 50
_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXTENSIONS = {"html": ".html", "pdf": ".pdf", "markdown": ".md", "plain": ".txt", "xml": ".xml"}
Page = Annotated[int, Query(ge=1, le=1_000_000)]
VersionNumber = Annotated[int, Path(ge=1, le=2**31)]


def _room(request: Request) -> Room:
    room: Room = request.app.state.room
    return room


def _policy(room: Room, name: str) -> dict[str, Any]:
    row = room.policy_row(name)
    if row is None:
        raise HTTPException(404, f"no policy named {name!r}")
    return row


@router.get("/")
def overview(
    request: Request,
    q: str = "",
    tag: str = "",
    severity: str = "",
    outcome: str = "",
    sort: str = "name",
    reverse: bool = False,
    page: Page = 1,
) -> Response:
    room = _room(request)
    everything = room.overview()
    tags = sorted({t for row in everything for t in row["tags"]})
    rows = filter_overview(
        everything, configured=room.configured, q=q, tag=tag, severity=severity,
        outcome=outcome, sort=sort if sort in SORTS else "name", reverse=reverse,
    )  # fmt: skip
    at = pages(len(rows), page, PAGE_SIZE)
    chosen = {"q": q, "tag": tag, "severity": severity, "outcome": outcome, "sort": sort}
    return room.page(
        request, "overview.html", rows=rows[at["start"] : at["stop"]], total=len(rows),
        known=len(everything), tags=tags, chosen=chosen, reverse=reverse, at=at,
        sorts=list(SORTS), query=_query(chosen, reverse),
    )  # fmt: skip


def _query(chosen: dict[str, str], reverse: bool) -> str:
    """The overview's filters as a query string, for the page links."""
    pairs = [(k, v) for k, v in chosen.items() if v] + ([("reverse", "true")] if reverse else [])
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs)


@router.get("/policies/{name}")
def policy(request: Request, name: str, page: Page = 1) -> Response:
    room = _room(request)
    row = _policy(room, name)
    timeline = room.store.version_rows(name, limit=-1, newest_first=False)
    at = pages(len(timeline), page, VERSIONS_PER_PAGE)
    versions = room.store.version_rows(name, limit=VERSIONS_PER_PAGE, offset=at["start"])
    base = f"{request.scope.get('root_path', '')}/policies/{quote(name, safe='')}"
    picture = timeline_svg(name, timeline, room.store.troubles(name), base=base)
    return room.page(
        request, "policy.html", policy=row, versions=versions, at=at,
        numbers=[v["number"] for v in timeline], stats=room.store.check_stats(name),
        timeline=Markup(picture), colours=SEVERITY_COLOURS,
        checks=room.store.checks(name, limit=20),
    )  # fmt: skip


@router.get("/policies/{name}/changes/{number}")
def change(request: Request, name: str, number: VersionNumber) -> Response:
    room = _room(request)
    row = _policy(room, name)
    record = room.store.change_record(name, number)
    if record is None:
        raise HTTPException(404, f"{name} has no change that made version {number}")
    made = list(room.store.change_numbers(name))
    where = made.index(number)
    comparison = from_dict(record["comparison"])
    return room.page(
        request, "change.html", policy=row, record=record, comparison=comparison,
        summary=summarize(None, comparison, language=room.summary_language),
        clauses=clause_views(comparison), numbers=room.store.version_numbers(name),
        previous=made[where - 1] if where > 0 else None,
        next=made[where + 1] if where + 1 < len(made) else None,
        old_number=record["old_version"], new_number=number,
    )  # fmt: skip


@router.get("/policies/{name}/compare")
def compare_versions(
    request: Request,
    name: str,
    start: Annotated[int, Query(alias="from", ge=1, le=2**31)],
    end: Annotated[int, Query(alias="to", ge=1, le=2**31)],
) -> Response:
    from monitor.judge.compare import compare
    from monitor.outcome import stored_document

    room = _room(request)
    row = _policy(room, name)
    old, new = _version(room, name, start), _version(room, name, end)
    comparison = compare(stored_document(old), stored_document(new))
    return room.page(
        request, "change.html", policy=row, record=None, comparison=comparison,
        summary=summarize(None, comparison, language=room.summary_language),
        clauses=clause_views(comparison), numbers=room.store.version_numbers(name),
        previous=None, next=None, old_number=start, new_number=end,
    )  # fmt: skip


def _version(room: Room, name: str, number: VersionNumber) -> VersionRecord:
    found = room.store.version(name, number)
    if found is None:
        raise HTTPException(404, f"{name} has no version {number}")
    return found


@router.get("/policies/{name}/versions/{number}")
def version(request: Request, name: str, number: VersionNumber) -> Response:
    room = _room(request)
    row = _policy(room, name)
    record = _version(room, name, number)
    numbers = room.store.version_numbers(name)
    where = numbers.index(number)
    made = room.store.version_rows(name, limit=1, number=number)[0]
    return room.page(
        request, "version.html", policy=row, version=record,
        clauses=text_clauses(record.text), numbers=numbers,
        previous=numbers[where - 1] if where > 0 else None,
        next=numbers[where + 1] if where + 1 < len(numbers) else None,
        change=made if made["change_id"] else None,
        screenshot=room.store.screenshot_of(name, number),
    )  # fmt: skip


@router.get("/policies/{name}/screenshots/{digest}")
def screenshot(request: Request, name: str, digest: str) -> Response:
    """A browser rendering's full-page screenshot, as a PNG image (and nothing else)."""
    from monitor.snapshots import SnapshotStore

    room = _room(request)
    _policy(room, name)
    row = room.store.snapshot_of(name, digest) if _SHA256.fullmatch(digest) else None
    if row is None or row["content_type"] != "image/png":
        raise HTTPException(404, f"{name} has no screenshot {digest[:64]!r}")
    try:
        body = SnapshotStore(room.snapshots).get(digest)
    except SnapshotError as exc:
        raise HTTPException(410, str(exc)) from None
    if not body.startswith(b"\x89PNG\r\n\x1a\n"):
        raise HTTPException(410, f"snapshot {digest} is not a PNG image")
    return Response(
        body, media_type="image/png",
        headers={"Content-Security-Policy": "sandbox; default-src 'none'",
                 "Cache-Control": "private, max-age=86400, immutable"},
    )  # fmt: skip


@router.get("/policies/{name}/snapshots/{digest}")
def snapshot(request: Request, name: str, digest: str) -> Response:
    """The raw page as fetched, as a download: never shown as a page of this site."""
    from monitor.snapshots import SnapshotStore

    room = _room(request)
    _policy(room, name)
    row = room.store.snapshot_of(name, digest) if _SHA256.fullmatch(digest) else None
    if row is None:
        raise HTTPException(404, f"{name} has no snapshot {digest[:64]!r}")
    try:
        body = SnapshotStore(room.snapshots).get(digest)
    except SnapshotError as exc:
        raise HTTPException(410, str(exc)) from None
    kind = (row["content_type"] or "").split(";")[0].split("/")[-1].strip()
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)  # (a header value: never a quote or newline)
    filename = f"{safe}-{digest[:12]}{_EXTENSIONS.get(kind, '.bin')}"
    return Response(
        body,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


def _feed(request: Request, names: list[str], title: str, ident: str) -> Response:
    room = _room(request)
    rows = room.store.changes_for_feed(policies=names, limit=100)
    base = room.base(request)
    body = atom_feed(
        rows,
        title=f"policy-monitor: material changes ({title})",
        feed_id=f"urn:policy-monitor:{quote(ident, safe='/')}",
        link=lambda row: change_page(base, row["policy"], row["new_version"]),
        language=room.summary_language,
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/feed.atom")
def feed_all(request: Request) -> Response:
    names = [row["name"] for row in _room(request).overview()]
    return _feed(request, names, "all policies", "all")


@router.get("/policies/{name}/feed.atom")
def feed_policy(request: Request, name: str) -> Response:
    _policy(_room(request), name)
    return _feed(request, [name], name, f"policy/{name}")


@router.get("/tags/{tag}/feed.atom")
def feed_tag(request: Request, tag: str) -> Response:
    names = [row["name"] for row in _room(request).overview() if tag in row["tags"]]
    if not names:
        raise HTTPException(404, f"no policy has the tag {tag!r}")
    return _feed(request, names, f"tag {tag}", f"tag/{tag}")
