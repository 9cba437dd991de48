"""Surface changes: two clause texts that differ only in form (case, punctuation,
white space, spelling, hyphenation or a date), with the reason why.
"""

from __future__ import annotations

from collections import Counter

from rapidfuzz.distance import Indel

from monitor import patterns
from monitor.judge.cues import PROTECTED, SQUASH, WORD
from monitor.judge.lexicon import MONTHS

__all__ = ["cosmetic_reason", "surface_only"]


def surface_only(old: str, new: str) -> str | None:
    """A reason when two texts differ only in case, punctuation or spelling of words
    (never a number, a negation or a modal)."""
    if _squash(old) == _squash(new):
        return "only case, punctuation or white space changed"
    return _spelling(old, new, threshold=0.8, protected=PROTECTED)


def _spelling(
    old: str, new: str, *, threshold: float, protected: frozenset[str] = frozenset()
) -> str | None:
    """A reason when the texts have the same words but for a few spelled differently:
    each differing pair at least ``threshold`` alike, with no digit and no word of
    ``protected``."""
    a, b = WORD.findall(old.casefold()), WORD.findall(new.casefold())
    if len(a) != len(b):
        return None
    changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if changed and all(
        Indel.normalized_similarity(x, y) >= threshold
        and not any(c.isdigit() for c in x + y)
        and x not in protected
        and y not in protected
        for x, y in changed
    ):
        return "spelling: " + ", ".join(f'"{x}" -> "{y}"' for x, y in changed[:3])
    return None


def _squash(text: str) -> str:
    return SQUASH.sub("", text.casefold())


# What a date's numbers look like: a numeric date, a year, or a day beside a month's
# name. They stand alone: digits inside a word ("AdPartner6", "GA4") are a name, and
# any other number ("Partner 6 B.V.", "12 months") is no date.
_NOT_IN_WORD = r"(?<![^\W\d_])(?:{})(?![^\W\d_])"
_NUMERIC_DATE = patterns.compile(
    _NOT_IN_WORD.format(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|(?:19|20)\d\d(?!\d)")
)
_MONTH = "|".join(sorted(MONTHS, key=lambda name: (-len(name), name)))  # one order in every process
_DAY_BESIDE_MONTH = patterns.compile(
    rf"(?<!\d)\d{{1,2}}(?:st|nd|rd|th|er|e)?\.?\s+(?:of\s+)?(?=(?:{_MONTH})\b)|"
    rf"\b(?:{_MONTH})\.?\s+\d{{1,2}}(?!\d)"
)


def _without_dates(text: str) -> str:
    text = _NUMERIC_DATE.sub(" ", text.lower())
    text = _DAY_BESIDE_MONTH.sub(" ", text)
    return " ".join(w for w in WORD.findall(text) if w not in MONTHS)


def _word_ops(old: str, new: str) -> list[tuple[str, str]]:
    """Words that one text has and the other lacks, with the side they are on."""
    a, b = Counter(WORD.findall(old)), Counter(WORD.findall(new))
    return [("delete", w) for w in (a - b)] + [("insert", w) for w in (b - a)]


def cosmetic_reason(old: str, new: str) -> str | None:
    """Why a clause with no changed evidence is cosmetic (after :func:`surface_only`
    has ruled out case and punctuation), or None when it is a rewording."""
    if _without_dates(old) == _without_dates(new):
        return "only a date changed"
    spelling = _spelling(old, new, threshold=0.75)
    if spelling:
        return spelling
    differing = {w for _, w in _word_ops(old, new)}
    if (
        Indel.normalized_similarity(_squash(old), _squash(new)) >= 0.97
        and len(old) > 40
        and not any(any(c.isdigit() or c.isupper() for c in w) for w in differing)
        # a negation or modal gained or lost is never a spelling matter
        and not {w.casefold() for w in differing} & PROTECTED
    ):
        return "spelling or hyphenation variant"
    return None
