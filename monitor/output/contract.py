"""The ``monitor diff`` JSON contract (DESIGN.md): a :class:`~monitor.models.Comparison`
to the JSON object and back.

``to_dict`` is what ``monitor diff --format json`` prints, what a stored change
holds and what webhooks and the feed are built from; ``from_dict`` reads a
stored change back.  ``from_dict(to_dict(c))`` gives an equal comparison except
for what the JSON does not carry: a clause's key, position and kind.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from monitor.models import ChangeKind, Clause, ClauseChange, Comparison, ComparisonSide, Severity

__all__ = ["from_dict", "render_json", "to_dict"]

_COUNTED = (*ChangeKind.names(), "unchanged")


def to_dict(comparison: Comparison) -> dict[str, Any]:
    """The comparison as the JSON object of the ``monitor diff`` contract."""
    return {
        "old": _side_dict(comparison.old),
        "new": _side_dict(comparison.new),
        "severity": str(comparison.severity),
        "material": comparison.material,
        "date_only": comparison.date_only,
        "silent": comparison.silent,
        "backdated": comparison.backdated,
        "anomaly": comparison.anomaly,
        "categories": list(comparison.categories),
        "counts": {kind: comparison.counts.get(kind, 0) for kind in _COUNTED},
        "changes": [_change_dict(change) for change in comparison.changes],
    }


def render_json(comparison: Comparison) -> str:
    """The comparison as the JSON text ``monitor diff --format json`` prints."""
    return json.dumps(to_dict(comparison), indent=2, ensure_ascii=False)


def from_dict(data: Mapping[str, Any]) -> Comparison:
    """A comparison from its JSON object (a stored change, a saved ``--format json``)."""
    return Comparison(
        old=_side(data.get("old") or {}),
        new=_side(data.get("new") or {}),
        severity=Severity(data.get("severity") or "none"),
        changes=tuple(_change(item) for item in data.get("changes") or ()),
        counts={kind: int((data.get("counts") or {}).get(kind, 0)) for kind in _COUNTED},
        categories=tuple(data.get("categories") or ()),
        date_only=bool(data.get("date_only")),
        silent=bool(data.get("silent")),
        backdated=bool(data.get("backdated")),
        anomaly=data.get("anomaly"),
    )


def _side_dict(side: ComparisonSide) -> dict[str, Any]:
    return {
        "source": side.source,
        "declared_date": side.declared_date,
        "clauses": side.clauses,
        "language": side.language,
    }


def _side(data: Mapping[str, Any]) -> ComparisonSide:
    return ComparisonSide(
        source=data.get("source"),
        declared_date=data.get("declared_date"),
        clauses=int(data.get("clauses") or 0),
        language=data.get("language"),
    )


def _change_dict(change: ClauseChange) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": str(change.kind),
        "section": list(change.section),
        "old_text": change.old.text if change.old is not None else None,
        "new_text": change.new.text if change.new is not None else None,
        "similarity": round(change.similarity, 3),
        "severity": str(change.severity),
        "categories": list(change.categories),
        "reasons": list(change.reasons),
    }
    if change.kind == ChangeKind.MODIFIED:
        item["inline"] = [[op, text] for op, text in change.inline]
    return item


def _change(data: Mapping[str, Any]) -> ClauseChange:
    section = tuple(str(s) for s in data.get("section") or ())

    def clause(text: str | None) -> Clause | None:
        return None if text is None else Clause("", -1, "", text, section)

    return ClauseChange(
        kind=str(data.get("kind") or ""),
        old=clause(data.get("old_text")),
        new=clause(data.get("new_text")),
        similarity=float(data.get("similarity") or 0.0),
        inline=tuple((str(op), str(text)) for op, text in data.get("inline") or ()),
        severity=Severity(data.get("severity") or "minor"),
        categories=tuple(data.get("categories") or ()),
        reasons=tuple(data.get("reasons") or ()),
    )
