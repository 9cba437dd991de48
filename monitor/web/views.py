"""What the pages show, as plain values for the templates: the overview filtered and
sorted, a comparison as clause views for the side-by-side diff, and a version's
text as clauses with anchors. No markup is made here: the templates escape."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from monitor.models import ChangeKind, ClauseChange, Comparison, Severity

__all__ = [
    "PAGE_SIZE",
    "SORTS",
    "ClauseView",
    "clause_views",
    "filter_overview",
    "host_of",
    "pages",
    "text_clauses",
]

PAGE_SIZE = 100
SEVERITIES = Severity.names()
SORTS = {
    "name": lambda r: r["name"].lower(),
    "last_check": lambda r: r["last_check"] or "",
    "last_change": lambda r: r["change_at"] or "",
    "versions": lambda r: r["versions"],
    "severity": lambda r: SEVERITIES.index(r["change_severity"]) if r["change_severity"] else -1,
}
# Newest, most and most severe first unless asked otherwise; names from A.
_DESCENDING = {"last_check", "last_change", "versions", "severity"}


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def filter_overview(
    rows: Iterable[dict[str, Any]],
    *,
    configured: frozenset[str] | None,
    q: str = "",
    tag: str = "",
    severity: str = "",
    outcome: str = "",
    sort: str = "name",
    reverse: bool = False,
) -> list[dict[str, Any]]:
    """The overview rows that match, sorted. ``outcome`` may also be ``archived``
    (known to the database, no longer configured) or ``never`` (never checked)."""
    needle = q.strip().lower()
    found = []
    for row in rows:
        row["archived"] = configured is not None and row["name"] not in configured
        row["host"] = host_of(row["url"])
        if needle and needle not in row["name"].lower() and needle not in row["url"].lower():
            continue
        if tag and tag not in row["tags"]:
            continue
        if severity and row["change_severity"] != severity:
            continue
        if outcome == "archived":
            if not row["archived"]:
                continue
        elif outcome == "never":
            if row["last_outcome"] is not None:
                continue
        elif outcome and row["last_outcome"] != outcome:
            continue
        found.append(row)
    key = SORTS.get(sort, SORTS["name"])
    found.sort(key=key, reverse=(sort in _DESCENDING) != reverse)
    return found


@dataclass(frozen=True, slots=True)
class ClauseView:
    """One changed clause as the change and compare pages show it."""

    anchor: str
    kind: str
    severity: str
    trail: str
    similarity: str | None
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    old: tuple[tuple[str, str], ...] = ()  # (op, text): "equal" or "delete"
    new: tuple[tuple[str, str], ...] = ()  # (op, text): "equal" or "insert"


def _view(number: int, change: ClauseChange) -> ClauseView:
    old_text = change.old.text if change.old is not None else ""
    new_text = change.new.text if change.new is not None else ""
    similarity = None
    old: tuple[tuple[str, str], ...] = ()
    new: tuple[tuple[str, str], ...] = ()
    if change.kind == ChangeKind.MODIFIED:
        similarity = f"{math.floor(float(change.similarity) * 100 + 1e-9) / 100:.2f}"
        ops = change.inline or (("delete", old_text), ("insert", new_text))
        old = tuple((op, t) for op, t in ops if op != "insert")
        new = tuple((op, t) for op, t in ops if op != "delete")
    elif change.kind == ChangeKind.MOVED:
        old, new = (("equal", old_text),), (("equal", new_text),)
    elif change.kind == ChangeKind.REMOVED:
        old = (("delete", old_text),)
    else:
        new = (("insert", new_text),)
    return ClauseView(
        anchor=f"clause-{number}",
        kind=str(change.kind),
        severity=str(change.severity),
        trail=" › ".join(str(s) for s in change.section) or "(no section)",
        similarity=similarity,
        categories=tuple(str(c) for c in change.categories),
        reasons=tuple(str(r) for r in change.reasons),
        old=old,
        new=new,
    )


def clause_views(comparison: Comparison) -> list[ClauseView]:
    """The comparison's changes in order, numbered from 1 (``#clause-N`` permalinks)."""
    return [_view(number, change) for number, change in enumerate(comparison.changes, start=1)]


def text_clauses(text: str) -> list[dict[str, Any]]:
    """A stored version's text as its clauses (the units changes are made of), each with
    an anchor ``c<position>``; a heading carries its depth (2-6) for the page."""
    from monitor.text.markdown import parse_markdown
    from monitor.text.segment import segment

    return [
        {
            "anchor": f"c{clause.position}",
            "kind": clause.kind,
            "text": clause.text,
            "depth": min(len(clause.section) + 2, 6),
        }
        for clause in segment(parse_markdown(text))
    ]


def pages(total: int, page: int, size: int = PAGE_SIZE) -> dict[str, int]:
    """Page numbers for ``total`` items: ``page`` clamped, ``last``, and the slice."""
    last = max(1, math.ceil(total / size))
    page = min(max(page, 1), last)
    return {"page": page, "last": last, "start": (page - 1) * size, "stop": page * size}
