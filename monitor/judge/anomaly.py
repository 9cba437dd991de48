"""Anomalies: a fetched page that is not a plausible version of the policy
(empty, a block or error page, truncated, or another page altogether).
"""

from __future__ import annotations

import re

from monitor.judge.align import Alignment
from monitor.judge.evidence import evidence
from monitor.models import Document

__all__ = ["detect_anomaly", "first_version_anomaly"]

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
