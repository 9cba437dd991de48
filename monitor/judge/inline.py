"""Word-level inline diff of modified clauses, and the ``monitor diff`` comparison object.

``inline_diff(old, new)`` splits both texts into tokens -- runs of word
characters, runs of white space, and single other characters -- and diffs the
token lists with rapidfuzz's Levenshtein opcodes (C, bit-parallel; difflib was
hundreds of times slower on long clauses).  A stretch of white space or
punctuation caught between two edits is folded into them, so a rewrite reads as
one deletion and one insertion rather than a word salad.  The result is a tuple
of ``(op, text)`` with op ``equal``, ``delete`` or ``insert``; a replacement is a
delete followed by an insert, and neighbours never share an op.  Joining the
``equal`` and ``delete`` texts gives back ``old`` exactly, ``equal`` and
``insert`` gives ``new``.

``monitor.align.align`` fills ``ClauseChange.inline`` with it for every modified
change, so a consumer never has to call it separately.

``comparison_dict`` builds the JSON object of the ``monitor diff`` contract
(DESIGN.md); ``render_json`` prints it, and the renderers in ``monitor.render``
(re-exported here) turn it into Markdown, HTML or terminal text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from rapidfuzz.distance import Levenshtein

from monitor.models import ChangeKind
from monitor.output.render import render_html, render_markdown, render_text

if TYPE_CHECKING:
    from monitor.judge.align import Alignment

__all__ = [
    "comparison_dict",
    "inline_diff",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "tokenize",
]

_TOKEN = re.compile(r"[\w\u0300-\u036f]+|\s+|[^\w\s]")
_KINDS = ChangeKind.names()


def tokenize(text: str) -> list[str]:
    """Words, white-space runs and single other characters; they join back to ``text``."""
    return _TOKEN.findall(text)


def inline_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The word-level diff of two texts as ``(op, text)`` pairs (see the module docstring)."""
    if old == new:
        return (("equal", old),) if old else ()
    a, b = tokenize(old), tokenize(new)
    # Segments: [old text, new text, changed?]; consecutive edits share one segment.
    segments: list[list[Any]] = []
    for op in Levenshtein.opcodes(a, b):
        removed = "".join(a[op.src_start : op.src_end])
        inserted = "".join(b[op.dest_start : op.dest_end])
        if op.tag == "equal":
            segments.append([removed, inserted, False])
        elif segments and segments[-1][2]:
            segments[-1][0] += removed
            segments[-1][1] += inserted
        else:
            segments.append([removed, inserted, True])
    folded: list[list[Any]] = []
    for segment in segments:
        if (
            segment[2]
            and len(folded) >= 2
            and folded[-2][2]
            and not folded[-1][2]
            and not any(ch.isalnum() for ch in folded[-1][0])
        ):
            separator = folded.pop()[0]
            folded[-1][0] += separator + segment[0]
            folded[-1][1] += separator + segment[1]
        else:
            folded.append(segment)
    ops: list[tuple[str, str]] = []
    for removed, inserted, changed in folded:
        if not changed:
            ops.append(("equal", removed))
            continue
        if removed:
            ops.append(("delete", removed))
        if inserted:
            ops.append(("insert", inserted))
    return tuple(ops)


def comparison_dict(
    alignment: Alignment,
    *,
    old_meta: Mapping[str, Any],
    new_meta: Mapping[str, Any],
    severity: str,
    categories: list[str],
    date_facts: Mapping[str, Any],
    anomaly: str | None,
) -> dict[str, Any]:
    """The ``monitor diff --format json`` object for one comparison.

    ``old_meta`` and ``new_meta`` give ``source``, ``declared_date`` (a date or
    ISO string), ``language`` and optionally ``clauses`` (counted from the
    alignment when absent).  ``date_facts`` gives ``date_only``, ``silent`` and
    ``backdated`` (false when absent).  An anomaly is never material.
    """
    counts = alignment.counts
    old_clauses = counts["unchanged"] + counts["moved"] + counts["modified"] + counts["removed"]
    new_clauses = counts["unchanged"] + counts["moved"] + counts["modified"] + counts["added"]
    changes: list[dict[str, Any]] = []
    for change in alignment.changes:
        item: dict[str, Any] = {
            "kind": change.kind,
            "section": list(change.section),
            "old_text": change.old.text if change.old is not None else None,
            "new_text": change.new.text if change.new is not None else None,
            "similarity": round(change.similarity, 3),
            "severity": change.severity,
            "categories": list(change.categories),
            "reasons": list(change.reasons),
        }
        if change.kind == "modified":
            item["inline"] = [[op, text] for op, text in change.inline]
        changes.append(item)
    return {
        "old": _meta(old_meta, old_clauses),
        "new": _meta(new_meta, new_clauses),
        "severity": severity,
        "material": severity == "material" and anomaly is None,
        "date_only": bool(date_facts.get("date_only", False)),
        "silent": bool(date_facts.get("silent", False)),
        "backdated": bool(date_facts.get("backdated", False)),
        "anomaly": anomaly,
        "categories": list(categories),
        "counts": {kind: counts[kind] for kind in (*_KINDS, "unchanged")},
        "changes": changes,
    }


def _meta(meta: Mapping[str, Any], clauses: int) -> dict[str, Any]:
    declared = meta.get("declared_date")
    if isinstance(declared, date):
        declared = declared.isoformat()
    return {
        "source": meta.get("source"),
        "declared_date": declared,
        "clauses": meta.get("clauses", clauses),
        "language": meta.get("language"),
    }


def render_json(comparison: Mapping[str, Any]) -> str:
    """The comparison as the JSON text ``monitor diff --format json`` prints."""
    return json.dumps(comparison, indent=2, ensure_ascii=False)
