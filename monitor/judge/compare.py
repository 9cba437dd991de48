"""One comparison of two versions: segment, align, classify, read dates, spot anomalies.

This is what ``monitor diff`` prints and what the pipeline stores as a
change: a :class:`~monitor.models.Comparison` (``monitor.output.contract``
turns it into the JSON contract of DESIGN.md).
"""

from __future__ import annotations

from dataclasses import replace

from monitor.judge.align import Alignment, align
from monitor.judge.anomaly import detect_anomaly, incomplete_old
from monitor.judge.classify import classify_change, in_language
from monitor.judge.dates import find_declared_date
from monitor.models import Comparison, ComparisonSide, Document, Severity
from monitor.text.segment import segment

__all__ = [
    "assemble",
    "clause_counts",
    "compare",
    "declared_date",
]


def declared_date(document: Document) -> str | None:
    """The ISO date the document says it was last changed or took effect, if any."""
    found = find_declared_date(document.text, document.language)
    return found.date.isoformat() if found else None


def assemble(
    alignment: Alignment,
    *,
    old: ComparisonSide,
    new: ComparisonSide,
    anomaly: str | None = None,
    old_incomplete: bool = False,
) -> Comparison:
    """The comparison of a classified alignment: severity, categories and date facts.

    An anomaly is never material: its severity is ``none`` and it has no
    categories or date facts.  ``old_incomplete`` says the anomaly is OLD's
    (NEW is the policy again).
    """
    severity = Severity.highest(c.severity for c in alignment.changes)
    if anomaly is not None:
        severity = Severity.NONE
    old_date, new_date = old.declared_date, new.declared_date
    categories = sorted(
        {cat for c in alignment.changes if c.severity == Severity.MATERIAL for cat in c.categories}
    )
    dates_differ = old_date != new_date and (old_date or new_date) is not None
    return Comparison(
        old=old,
        new=new,
        severity=severity,
        changes=alignment.changes,
        counts=dict(alignment.counts),
        categories=tuple(categories) if anomaly is None else (),
        date_only=anomaly is None and dates_differ and severity.rank <= Severity.COSMETIC.rank,
        silent=anomaly is None
        and severity == Severity.MATERIAL
        and old_date is not None
        and old_date == new_date,
        backdated=anomaly is None
        and old_date is not None
        and new_date is not None
        and new_date < old_date,
        anomaly=anomaly,
        old_incomplete=old_incomplete and anomaly is not None,
    )


def compare(
    old: Document,
    new: Document,
    *,
    old_source: str | None = None,
    new_source: str | None = None,
    language: str | None = None,
) -> Comparison:
    """The comparison of two documents: what ``monitor diff`` prints and a change stores."""
    if language:
        old, new = replace(old, language=language), replace(new, language=language)
    alignment = align(segment(old), segment(new))
    policy_language = new.language or old.language
    alignment = replace(
        alignment,
        changes=tuple(in_language(classify_change(c), policy_language) for c in alignment.changes),
    )
    old_count, new_count = clause_counts(alignment)
    problem = detect_anomaly(old, new, alignment)
    old_problem = None if problem else incomplete_old(old, new, alignment)
    return assemble(
        alignment,
        old=ComparisonSide(old_source or old.source, declared_date(old), old_count, old.language),
        new=ComparisonSide(new_source or new.source, declared_date(new), new_count, new.language),
        anomaly=problem or old_problem,
        old_incomplete=old_problem is not None,
    )


def clause_counts(alignment: Alignment) -> tuple[int, int]:
    """How many clauses the old and the new side have, as the alignment counted them."""
    counts = alignment.counts
    shared = counts["unchanged"] + counts["moved"] + counts["modified"]
    return shared + counts["removed"], shared + counts["added"]
