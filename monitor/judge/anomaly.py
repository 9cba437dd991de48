"""Anomalies: a fetched page that is not a plausible version of the policy
(empty, a block or error page, truncated, or another page altogether).
"""

from __future__ import annotations

import re
from collections import Counter

from monitor import patterns
from monitor.judge.align import Alignment
from monitor.judge.evidence import evidence
from monitor.models import Document, Severity

__all__ = [
    "POLICY_TOPICS",
    "consent_wall",
    "detect_anomaly",
    "first_version_anomaly",
    "incomplete_old",
    "reads_as_policy",
]

# A page that shares little with the policy reads as one only when it speaks of this
# many kinds of data practice; so must a shorter page before it settles as a version.
POLICY_TOPICS = 3

_BLOCK_PAGE = patterns.compile(
    r"just a moment|checking your browser|attention required|verify you are (a )?human|"
    r"are you a robot|captcha|access denied|toegang geweigerd|zugriff verweigert|accès refusé|"
    r"\b403\b|forbidden|\b404\b|not found|niet gevonden|bestaat niet|nicht gefunden|introuvable|"
    r"page (could not|cannot) be found|looks like you beat us there|enable javascript|"
    r"javascript (is )?(required|uitgeschakeld|disabled)|schakel javascript in|"
    r"service (temporarily )?unavailable|tijdelijk niet beschikbaar|onderhoud|maintenance|"
    r"too many requests|rate limit|internal server error|something went wrong|er ging iets mis|"
    r"application error|client-side exception|"
    r"^\W*(loading|laden|bezig met laden)\W*$",
    re.IGNORECASE | re.MULTILINE,
)


# What a part of a page says when that part failed to render: a site's own error
# message, in a short block among the policy's text (stricter than _BLOCK_PAGE, which
# judges a whole page).
_ERROR_PART = patterns.compile(
    r"\b(?:this|the) page (?:isn['’]t|is not|is no longer) available|page not available|"
    r"page not found|the page you(?: are|['’]re| were) looking for|"
    r"(?:doesn['’]t|does not) exist or (?:may|might) have been (?:moved|removed)|"
    r"the link you followed may be broken|sorry, something went wrong|an error (?:has )?occurred|"
    r"pagina (?:is )?niet (?:gevonden|beschikbaar)|deze pagina bestaat niet|"
    r"seite (?:wurde )?nicht gefunden|seite (?:ist )?nicht (?:verfügbar|erreichbar)|"
    r"ein fehler ist aufgetreten|page introuvable|cette page n['’]est (?:pas|plus) disponible|"
    r"une erreur (?:s['’]est produite|est survenue)",
    re.IGNORECASE,
)
_ERROR_PART_MAX = 300  # characters: an error message, not a clause that mentions one
_TRUNCATED = 0.3  # a side with less than this share of the other's text is not the policy
_SECTION_SHARE = 0.1  # of a side's text, or
_SECTION_CLAUSES = 5  # clauses: what went missing is a section, not a sentence


def _chars(document: Document) -> int:
    return sum(len(b.text) for b in document.blocks)


def _error_part(texts: list[str]) -> str | None:
    for text in texts:
        if len(text) <= _ERROR_PART_MAX:
            hit = _ERROR_PART.search(text)
            if hit:
                return hit.group(0)
    return None


def _a_section(texts: list[str], side_chars: int) -> bool:
    return len(texts) >= _SECTION_CLAUSES or sum(map(len, texts)) >= _SECTION_SHARE * side_chars


def _sides(alignment: Alignment) -> tuple[list[str], list[str]]:
    """The texts of the removed and of the added clauses."""
    removed = [c.old.text for c in alignment.changes if c.kind == "removed" and c.old]
    added = [c.new.text for c in alignment.changes if c.kind == "added" and c.new]
    return removed, added


def incomplete_old(old: Document, new: Document, alignment: Alignment) -> str | None:
    """Why OLD was not a complete version, or None: part of it was an error page where
    NEW has policy text again (or both hold the same error part and nothing else of
    note changed).  NEW is then the policy again: a version, but no change to report."""
    removed, added = _sides(alignment)
    new_chars, old_chars = _chars(new), _chars(old)
    block_page = first_version_anomaly(old)
    if block_page is not None:
        return f"OLD was not a version: {block_page.removeprefix('the page ')}"
    if old_chars < _TRUNCATED * new_chars and len(new.blocks) >= 5 and not reads_as_policy(old):
        # (a short policy that NEW expands is a change to report, not an incomplete OLD)
        return (
            f"OLD had only {old_chars * 100 // max(1, new_chars)}% of NEW's text "
            f"({old_chars} of {new_chars} characters): OLD was truncated or not the policy"
        )
    hit = _error_part(removed)
    if hit and _a_section(added, new_chars):
        return (
            f'part of OLD was an error page ("{hit}") where NEW has {len(added)} clauses '
            "of policy text: OLD was not a complete version"
        )
    hit = _error_part([b.text for b in new.blocks])
    above_cosmetic = Severity.highest(c.severity for c in alignment.changes) > Severity.COSMETIC
    if hit and not above_cosmetic and _error_part([b.text for b in old.blocks]):
        return f'OLD and NEW both hold an error page ("{hit}") where policy text should be'
    return None


def reads_as_policy(document: Document, *, topics: int = 2) -> bool:
    """Whether a text speaks of at least ``topics`` kinds of data practice (a stub, a
    redirect notice or an error message does not)."""
    return _topics(document) >= topics


def _topics(document: Document) -> int:
    return len(set().union(*(evidence(b.text).categories for b in document.blocks)))


# A first version shorter than this made only of headings, with no text under them, is
# no policy (a consent wall's heading left once its banner text is dropped); later
# versions are judged against the one before.
FIRST_VERSION_CHARS = 200

# A consent wall: a short page about cookies or consent asking to accept, that says
# little of what is done with data (a cookie policy, however short, does say it).
_WALL_CHARS = 1000
_WALL_SUBJECT = patterns.compile(
    r"cookie|consent|toestemming|einwilligung|consentement|privacy", re.IGNORECASE
)
_WALL_ASK = patterns.compile(
    r"\b(?:accept\w*|agree|allow all|akkoord|accepteer\w*|toestaan|akzeptier\w*|"
    r"zustimm\w*|einverstanden|accepter|j'accepte|continu\w*|doorgaan|weiter|by using)\b",
    re.IGNORECASE,
)


def consent_wall(document: Document) -> bool:
    """Whether a short page is a cookie-consent wall rather than a policy."""
    return (
        _chars(document) < _WALL_CHARS
        and _WALL_SUBJECT.search(document.text) is not None
        and _WALL_ASK.search(document.text) is not None
        and _topics(document) < POLICY_TOPICS
    )


def first_version_anomaly(document: Document) -> str | None:
    """Why a policy's first document is not a version, or None: with nothing to compare
    it to, a short page that reads like a block or error page ("Pagina niet gevonden"
    served with status 200) is the one thing to catch."""
    chars = _chars(document)
    hit = _BLOCK_PAGE.search(document.text[:400])  # such pages say so up front
    if hit and chars < 1500:
        return f'the page looks like a block or error page ("{hit.group(0).strip()}")'
    if consent_wall(document):
        return "the page looks like a cookie consent wall, not the policy behind it"
    if chars < FIRST_VERSION_CHARS and _headings_only(document):
        return f"the page has headings and no text ({chars} characters): no policy to keep"
    if chars > _DEGENERATE_CHARS:
        words = _distinct_words(document, _DEGENERATE_WORDS)
        if words < _DEGENERATE_WORDS:
            return (
                f"the page has no readable text ({chars:,} characters in {words} distinct word(s))"
            )
        if _encoded_share(document) > _ENCODED_SHARE:
            return "the page reads as encoded data (base64, hex), not as text"
    return None


def _headings_only(document: Document) -> bool:
    return bool(document.blocks) and all(b.kind == "heading" for b in document.blocks)


_ENCODED_SHARE = 0.5  # of the letters and digits: in tokens that mix them, or run on
_ENCODED_SAMPLE = 10_000  # characters looked at in each of three places: enough to tell


def _encoded_share(document: Document) -> float:
    """The share of the text's word characters in tokens that mix letters and digits
    or run past 40 ASCII characters, as base64 and hex do and prose does not."""
    sample, size = document.text, _ENCODED_SAMPLE
    if len(sample) > 3 * size:  # its start, middle and end tell
        middle = (len(sample) - size) // 2
        sample = "\n".join((sample[:size], sample[middle : middle + size], sample[-size:]))
    total = encoded = 0
    for token, count in Counter(_WORD.findall(sample)).items():  # each distinct token once
        total += len(token) * count
        if _encoded(token):
            encoded += len(token) * count
    return encoded / total if total else 0.0


def _encoded(token: str) -> bool:
    """Four or more word characters neither all digits nor all letters, or over 40
    ASCII word characters."""
    if len(token) < 4:
        return False
    if len(token) > 40 and token.isascii():
        return True
    return _DIGIT_OR_UNDERSCORE.search(token) is not None and not token.isdecimal()


_DIGIT_OR_UNDERSCORE = patterns.compile(r"[\d_]")


# Text at least this long in fewer distinct words is no policy (a page of one
# repeated token, a blob of encoded data): real policies use hundreds of words.
_DEGENERATE_CHARS = 2000
_DEGENERATE_WORDS = 20
_WORD = patterns.compile(r"\w+")


def _distinct_words(document: Document, enough: int) -> int:
    """How many distinct words the text has, counting no further than ``enough``."""
    seen: set[str] = set()
    for block in document.blocks:
        for word in _WORD.finditer(block.text):
            seen.add(word.group().casefold())
            if len(seen) >= enough:
                return enough
    return len(seen)


def detect_anomaly(old: Document, new: Document, alignment: Alignment) -> str | None:
    """One sentence saying why NEW does not look like a version of OLD, or None."""
    if not new.blocks:
        return f"NEW has no policy text ({new.problem or 'empty'})"
    block_page = first_version_anomaly(new)  # whatever OLD was, this is no version
    if block_page is not None:
        return f"NEW {block_page.removeprefix('the page ')}"
    old_chars, new_chars = _chars(old), _chars(new)
    if old_chars == 0:
        return None
    shrunk = new_chars < _TRUNCATED * old_chars
    # The size test first: the pattern over a whole policy's text is what costs.
    hit = _BLOCK_PAGE.search(new.text) if shrunk or new_chars < 1500 else None
    if hit and not _BLOCK_PAGE.search(old.text):
        return f'NEW looks like a block or error page ("{hit.group(0).strip()}")'
    if shrunk and len(old.blocks) >= 5:
        return (
            f"NEW keeps only {new_chars * 100 // old_chars}% of OLD's text "
            f"({new_chars} of {old_chars} characters): truncated or not the policy"
        )
    removed, added = _sides(alignment)
    part = _error_part(added)
    if part and _a_section(removed, old_chars):
        return (
            f'part of NEW is an error page ("{part}") where OLD had {len(removed)} clauses: '
            "a render with a section missing"
        )
    counts = alignment.counts
    shared = counts["unchanged"] + counts["moved"] + counts["modified"]
    old_total = shared + counts["removed"]
    if old_total >= 5 and shared < 0.2 * old_total and _topics(new) < POLICY_TOPICS:
        return (
            f"NEW shares {shared} of {old_total} clauses with OLD and reads like no "
            "privacy policy: a different page?"
        )
    return None
