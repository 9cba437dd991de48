"""One comparison of two versions: segment, align, classify, read dates, spot anomalies.

This is what ``monitor diff`` prints and what the pipeline stores as a
change: a :class:`~monitor.models.Comparison` (``monitor.output.contract``
turns it into the JSON contract of DESIGN.md).
"""

from __future__ import annotations

import re
from dataclasses import replace

from monitor.judge.align import Alignment, align
from monitor.judge.classify import classify_change, evidence
from monitor.judge.dates import find_declared_date
from monitor.models import Comparison, ComparisonSide, Document, Severity
from monitor.text.segment import segment

__all__ = [
    "assemble",
    "clause_counts",
    "compare",
    "declared_date",
    "detect_anomaly",
    "first_version_anomaly",
]

_BLOCK_PAGE = re.compile(
    r"just a moment|checking your browser|attention required|verify you are (a )?human|"
    r"are you a robot|captcha|access denied|toegang geweigerd|zugriff verweigert|accès refusé|"
    r"\b403\b|forbidden|\b404\b|not found|niet gevonden|bestaat niet|nicht gefunden|introuvable|"
    r"page (could not|cannot) be found|looks like you beat us there|enable javascript|"
    r"javascript (is )?(required|uitgeschakeld|disabled)|schakel javascript in|"
    r"service (temporarily )?unavailable|tijdelijk niet beschikbaar|onderhoud|maintenance|"
    r"too many requests|rate limit|internal server error|something went wrong|er ging iets mis|"
    r"^\W*(loading|laden|bezig met laden)\W*$",
    re.IGNORECASE | re.MULTILINE,
)


def declared_date(document: Document) -> str | None:
    """The ISO date the document says it was last changed or took effect, if any."""
    found = find_declared_date(document.text, document.language)
    return found.date.isoformat() if found else None


def first_version_anomaly(document: Document) -> str | None:
    """Why a policy's first document is not a version, or None: with nothing to compare
    it to, a short page that reads like a block or error page ("Pagina niet gevonden"
    served with status 200) is the one thing to catch."""
    chars = sum(len(b.text) for b in document.blocks)
    hit = _BLOCK_PAGE.search(document.text[:400])  # such pages say so up front
    if hit and chars < 1500:
        return f'the page looks like a block or error page ("{hit.group(0).strip()}")'
    return None


def detect_anomaly(old: Document, new: Document, alignment: Alignment) -> str | None:
    """One sentence saying why NEW does not look like a version of OLD, or None."""
    if not new.blocks:
        return f"NEW has no policy text ({new.problem or 'empty'})"
    old_chars = sum(len(b.text) for b in old.blocks)
    new_chars = sum(len(b.text) for b in new.blocks)
    if old_chars == 0:
        return None
    shrunk = new_chars < 0.3 * old_chars
    if (
        _BLOCK_PAGE.search(new.text)
        and (shrunk or new_chars < 1500)
        and not _BLOCK_PAGE.search(old.text)
    ):
        hit = _BLOCK_PAGE.search(new.text)
        return f'NEW looks like a block or error page ("{hit.group(0).strip() if hit else ""}")'
    if shrunk and len(old.blocks) >= 5:
        return (
            f"NEW keeps only {new_chars * 100 // old_chars}% of OLD's text "
            f"({new_chars} of {old_chars} characters): truncated or not the policy"
        )
    counts = alignment.counts
    shared = counts["unchanged"] + counts["moved"] + counts["modified"]
    old_total = shared + counts["removed"]
    if old_total >= 5 and shared < 0.2 * old_total:
        topics = set().union(*(evidence(b.text).categories for b in new.blocks))
        if len(topics) < 3:
            return (
                f"NEW shares {shared} of {old_total} clauses with OLD and reads like no "
                "privacy policy: a different page?"
            )
    return None


def assemble(
    alignment: Alignment,
    *,
    old: ComparisonSide,
    new: ComparisonSide,
    anomaly: str | None = None,
) -> Comparison:
    """The comparison of a classified alignment: severity, categories and date facts.

    An anomaly is never material: its severity is ``none`` and it has no
    categories or date facts.
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
    alignment = replace(alignment, changes=tuple(classify_change(c) for c in alignment.changes))
    old_count, new_count = clause_counts(alignment)
    return assemble(
        alignment,
        old=ComparisonSide(old_source or old.source, declared_date(old), old_count, old.language),
        new=ComparisonSide(new_source or new.source, declared_date(new), new_count, new.language),
        anomaly=detect_anomaly(old, new, alignment),
    )


def clause_counts(alignment: Alignment) -> tuple[int, int]:
    """How many clauses the old and the new side have, as the alignment counted them."""
    counts = alignment.counts
    shared = counts["unchanged"] + counts["moved"] + counts["modified"]
    return shared + counts["removed"], shared + counts["added"]
