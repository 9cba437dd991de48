"""Declared dates: the date a policy says it was last changed or took effect (NL, EN, DE, FR).

``find_declared_date(text)`` anchors on a *cue phrase* ("laatst gewijzigd op", "Last updated",
"Stand:", "dernière mise à jour", ...) and then parses only the short span right after it
(for "in werking getreden" / "in Kraft getreten" also the span right before it). A date
without a cue is never returned, so copyright years ("© 2009-2024"), retention periods
("2 jaar", "7 years"), article and phone numbers, and bylines ("Posted on", "Gepubliceerd
op") are ignored by construction. The lowercased text is scanned by about 30 precompiled
regexes with literal prefixes (one per cue stem); only the spans next to a cue are parsed,
with our own month tables (no dateparser: it needs ~1.5 ms per span, this ~5 µs). A call
costs 0.2-0.6 ms on the 4-12 KB seed texts.

Reading a span
    * Markdown emphasis (``**``, ``__``, ``*``, ``_``, backticks) is dropped first.
    * Between cue and date: up to 60 characters of other words, colons, and at most one
      line break (a blank line between is fine); the gap may not cross a sentence end
      (". " followed by a capital) and may not contain another cue (that cue owns the date).
    * Forms: "23 mei 2018", "8. Oktober 2024", "1er janvier 2024", "the 8th of October,
      2024", "October 8, 2024", "2015-03-04", "04-03-2015", "04.03.2015", "04/03/2015",
      "04.03.15" (a two-digit year only after a two-digit day and month), month only
      "januari 2025" / "January 2025" / "05/2024" (the 1st of the month). Month names of
      all four languages are understood whatever the cue language ("Laatst bijgewerkt:
      October 8, 2024").
    * Numeric dates are day-first. They are month-first only when the policy language is
      ``"en"``, the cue is English and the date uses slashes (the US "04/03/2015" style).
      A part above 12 settles the order either way. ISO dates are always year-month-day.
    * Rejected (the cue then yields nothing and other cues are considered): a year before
      1990, a date later than ``today`` + 1 year, an impossible date, an "effective" cue
      whose subject is a law ("De AVG is in werking getreden op 25 mei 2018", "effective
      date of the GDPR").

Choosing among several dates
    1. A cue match is *previous* when its clause says so before the cue or in the gap
       ("vorige", "previous", "former", "ancienne", "frühere", ...). Previous matches are
       never returned: a text that only names a previous date yields ``None``.
    2. updated = the first non-previous "updated" cue match (last updated / modified /
       revised, laatst gewijzigd, Stand, dernière mise à jour, ...). Only when there is none,
       the most recent entry of a change log ("Wijzigingen", "Change log", "Version history",
       "Versionshistorie", "Historique des modifications", ... as a heading line followed by
       lines that start with a date) stands in for it; cue matches inside a change log are
       read as log entries.
    3. effective = the first non-previous "effective" cue match (effective date, geldig
       vanaf, ingangsdatum, gültig ab, en vigueur, ...).
    4. With both, the updated date is returned unless the effective date is later (an
       upcoming version announced on the page); with one, that one; with none, ``None``.

``phrase`` is the cue plus the date span as found (Markdown emphasis removed, whitespace
collapsed), e.g. "laatst gewijzigd op 23 mei 2018"; for a change-log entry it is the entry
line up to the end of its date.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

__all__ = ["DeclaredDate", "find_declared_date"]


@dataclass(frozen=True, slots=True)
class DeclaredDate:
    date: datetime.date
    kind: str  # "updated" | "effective"
    phrase: str  # the cue + date span as found in the text


# --------------------------------------------------------------------------- month names

_MONTHS: Final[dict[str, int]] = {}
for _number, _names in enumerate(
    (
        "januari january janvier januar jänner jaenner jan janv",
        "februari february février fevrier februar feber feb febr fév fev févr fevr",
        "maart march mars märz maerz mrt mar mär mrz",
        "april avril apr avr",
        "mei may mai",
        "juni june juin jun",
        "juli july juillet jul juil juill",
        "augustus august août aout aug",
        "september septembre sep sept",
        "oktober october octobre okt oct",
        "november novembre nov",
        "december décembre decembre dezember dec déc dez",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH: Final = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))

_DATE_RE: Final = re.compile(
    rf"""
    (?<![\w.,/-])
    (?:
        (?P<iy>(?:19|20)\d\d)(?P<isep>[-/.])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}})
        (?![\d]|[./-]\d)
      | (?P<na>\d{{1,2}})(?P<sep>[./-])(?P<nb>\d{{1,2}})(?P=sep)(?P<ny>\d{{4}}|\d{{2}})
        (?![\d]|[./-]\d)
      | (?P<dd>\d{{1,2}})(?:st|nd|rd|th|er|ère|re|ste|de|e|\.)?\s+(?:of\s+)?
        (?P<dm>{_MONTH})\b\.?,?\s+(?P<dy>\d{{4}})(?!\d)
      | (?P<mm>{_MONTH})\b\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})(?!\d)
      | (?P<om>{_MONTH})\b\.?,?\s+(?P<oy>\d{{4}})(?!\d)
      | (?P<pm>\d{{1,2}})[./](?P<py>(?:19|20)\d\d)(?![\d]|[./-]\d)
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)

# --------------------------------------------------------------------------- cue phrases

_UPDATED: Final = "updated"
_EFFECTIVE: Final = "effective"


@dataclass(frozen=True, slots=True)
class _Cue:
    lang: str
    kind: str
    patterns: tuple[str, ...]  # lowercase regexes, each starting with a literal letter
    max_gap: int = 60
    before: bool = False  # the date may also stand right before the cue
    needs_context: bool = False  # generic "datum:" / "date:": only near wijziging/versie/...


_NEXT_IS_DATE: Final = rf"(?=\s+(?:\d|(?:{_MONTH})\b))"

_CUES: Final[tuple[_Cue, ...]] = (
    # Dutch
    _Cue(
        "nl",
        _UPDATED,
        (
            r"laatst(?:e\s+keer)?\s+(?:gewijzigd|bijgewerkt|aangepast|herzien|geactualiseerd)",
            r"laatste\s+(?:wijziging(?:en)?|aanpassing(?:en)?|herziening|update|versie)",
            r"wijzigingsdatum",
            r"bijwerkdatum",
            r"herzieningsdatum",
            r"versiedatum",
            r"versie\s+van",
            r"bijgewerkt\s+(?:op|per)",
            r"gewijzigd\s+(?:op|per)",
            r"aangepast\s+(?:op|per)",
            r"herzien\s+(?:op|per)",
        ),
    ),
    _Cue(
        "nl",
        _EFFECTIVE,
        (
            r"geldig\s+(?:vanaf|sinds|per|met\s+ingang\s+van)",
            r"met\s+ingang\s+van",
            r"ingangsdatum",
            r"van\s+kracht\s+(?:vanaf|sinds|per)",
        ),
    ),
    _Cue("nl", _EFFECTIVE, (r"in\s+werking(?:\s+getreden|\s+treedt|\s+treden)?",), before=True),
    # English
    _Cue(
        "en",
        _UPDATED,
        (
            r"last\s+(?:updated|update|modified|modification|revised|revision|changed|amended"
            r"|reviewed)",
            rf"updated(?:\s+(?:on|as\s+of)|\s*:|{_NEXT_IS_DATE})",
            rf"revised(?:\s+(?:on|as\s+of)|\s*:|{_NEXT_IS_DATE})",
            r"revision\s+date",
            r"modification\s+date",
            r"update\s+date",
            r"version\s+date",
            r"amendment\s+date",
            r"date\s+of\s+(?:last\s+)?(?:revision|update|modification|amendment)",
        ),
    ),
    _Cue(
        "en",
        _EFFECTIVE,
        (
            rf"effective(?:\s+(?:date|as\s+of|from|on|since)|\s*:|{_NEXT_IS_DATE})",
            # "takes effect on", "came into effect on", "in effect from": the phrase is
            # widened to the verb by _EFFECT_LEAD_RE
            r"effect\s+(?:on|from|as\s+of|since)",
        ),
    ),
    # German
    _Cue(
        "de",
        _UPDATED,
        (
            r"stand(?:\s*:|\s+vom\b"
            r"|\s+(?:dieser|der|des)\s+(?:datenschutz|information|erkl[äa]rung|hinweis)\w*"
            r"|(?=\s+(?:\d|[^\W\d]+\.?\s+\d{4})))",
        ),
        max_gap=40,
    ),
    _Cue(
        "de",
        _UPDATED,
        (
            r"zuletzt\s+(?:aktualisiert|ge(?:ä|ae)ndert|überarbeitet|bearbeitet)",
            r"letzte\s+(?:aktualisierung|(?:ä|ae)nderung|überarbeitung)",
            r"aktualisiert\s+am",
            r"ge(?:ä|ae)ndert\s+am",
        ),
    ),
    _Cue(
        "de",
        _EFFECTIVE,
        (r"gültig\s+(?:ab|seit|vom)", r"gueltig\s+(?:ab|seit|vom)", r"gilt\s+(?:ab|seit)"),
    ),
    _Cue("de", _EFFECTIVE, (r"inkrafttreten(?:s)?",)),
    _Cue(
        "de",
        _EFFECTIVE,
        (r"in\s+kraft(?:\s+(?:seit|ab|getreten|treten|tritt))?",),
        before=True,
    ),
    # French
    _Cue(
        "fr",
        _UPDATED,
        (
            r"derni[èe]re\s+(?:mise\s+[àa]\s+jour|modification|r[ée]vision)",
            r"mise?s?\s+[àa]\s+jour(?:\s+(?:le|du)|\s*:)",
            r"modifi[ée]e?s?\s+le",
            r"révis[ée]e?s?\s+le",
            r"revis[ée]e?s?\s+le",
            r"actualis[ée]e?s?\s+le",
        ),
    ),
    _Cue(
        "fr",
        _EFFECTIVE,
        (
            r"date\s+d['’]entr[ée]e\s+en\s+vigueur",
            r"en\s+vigueur",
            r"applicable\s+(?:à|a)\s+compter\s+du",
        ),
    ),
    # generic "Datum:" / "Date :" only next to a word about versions or changes
    _Cue("nl", _UPDATED, (r"datum\s*:",), needs_context=True),
    _Cue("en", _UPDATED, (r"date\s*:",), needs_context=True),
)


def _trigger_regexes() -> tuple[tuple[str, re.Pattern[str], dict[str, _Cue]], ...]:
    """Cue regexes grouped by their first two letters, the shared letters factored out.

    They run on the lowercased text without IGNORECASE, so each one scans with sre's fast
    literal-prefix search; a single case-insensitive alternation of all cues tries every
    position and costs some 20 times more.
    """
    groups: dict[str, list[tuple[str, _Cue]]] = {}
    for cue in _CUES:
        for pattern in cue.patterns:
            if not pattern[:2].isalpha():
                raise ValueError(f"cue pattern must start with two letters: {pattern!r}")
            groups.setdefault(pattern[:2], []).append((pattern, cue))
    built = []
    for members in groups.values():
        prefix = members[0][0]
        for pattern, _ in members:
            n = 0
            while n < min(len(prefix), len(pattern)) and prefix[n] == pattern[n]:
                n += 1
            prefix = prefix[:n]
        while prefix and not prefix.isalpha():  # stop before any regex syntax
            prefix = prefix[:-1]
        # keep the last letter inside when a member would otherwise start with a quantifier
        if any(
            pattern[len(prefix) : len(prefix) + 1] in ("?", "*", "+", "{") for pattern, _ in members
        ):
            prefix = prefix[:-1]
        names = {f"c{i}": cue for i, (_, cue) in enumerate(members)}
        branches = "|".join(
            rf"(?P<c{i}>{pattern[len(prefix) :]})(?:(?<=\W)|(?!\w))"
            for i, (pattern, _) in enumerate(members)
        )
        built.append((prefix, re.compile(f"{prefix}(?:{branches})"), names))
    return tuple(built)


_TRIGGERS: Final = _trigger_regexes()
_EFFECT_LEAD_RE: Final = re.compile(r"(?:\b(?:comes?|came|takes?|took|taking|into|in)\s+)+$")

_CONTEXT_RE: Final = re.compile(
    r"wijziging|gewijzigd|versie|herzien|bijgewerkt|version|revision|revised|modif|update"
    r"|(?:ä|ae)nderung|aktualisier|mise\s+[àa]\s+jour",
    re.IGNORECASE,
)
_PREVIOUS_RE: Final = re.compile(
    r"\b(?:vorige|vorig|oude|eerdere|voorgaande|previous|prior|former|earlier|old"
    r"|ancienne|pr[ée]c[ée]dente?|ant[ée]rieure|fr(?:ü|ue)here[nrs]?|vorherige[nrs]?"
    r"|alte[nrs]?|bisherige[nrs]?)\b",
    re.IGNORECASE,
)
_LAW_RE: Final = re.compile(
    r"\b(?:AVG|UAVG|GDPR|DSGVO|DS-GVO|BDSG|RGPD|CCPA|CPRA|Wbp|verordening|regulation"
    r"|verordnung|r[èe]glement|r[ée]glementation|l[ée]gislation|legislation|wetgeving"
    r"|gesetz|gesetzgebung|wet|loi|law|act|directive|richtlijn)\b",
    re.IGNORECASE,
)
# fmt: off
_LAW_FILLER: Final = frozenset((
    "is", "ist", "est", "was", "war", "werd", "wurde", "has", "have", "had", "heeft", "hat",
    "a", "been", "zijn", "sind", "op", "on", "am", "le", "la", "les", "seit", "sinds", "since",
    "depuis", "die", "which", "that", "dat", "welke", "qui", "became", "become", "entered",
    "entrée", "entree", "entré", "entre", "de", "der", "the", "al", "bereits", "already",
    "officieel", "officially",
))
# fmt: on
_SENTENCE_END_RE: Final = re.compile(r"[.!?]\s+[A-ZÀ-ÝÄÖÜ]")
_BEFORE_GAP_RE: Final = re.compile(
    r"\s*[,:()–-]?\s*(?:(?:is|ist|wird|werd|zijn|sind|wurde|est)\s+)?", re.IGNORECASE
)
_WS_RE: Final = re.compile(r"\s+")
_WORD_RE: Final = re.compile(r"[^\W\d_]+")

_LOG_HEADING_RE: Final = re.compile(
    r"\n[ \t>#•-]*(?:\d+(?:\.\d+)*\.?[ \t]*)?"
    r"(?:wijzigingen|wijzigingsoverzicht|wijzigingshistorie|versiegeschiedenis"
    r"|versiehistorie|versiebeheer|change\s*log|changes|version\s+history|revision\s+history"
    r"|document\s+history|history\s+of\s+changes|(?:ä|ae)nderungshistorie|(?:ä|ae)nderungen"
    r"|versionshistorie|versionsgeschichte|(?:ä|ae)nderungsverlauf"
    r"|historique\s+des\s+(?:modifications|versions|mises\s+[àa]\s+jour)"
    r"|journal\s+des\s+modifications|modifications)[ \t]*:?[ \t]*(?=\n)",
)  # run on "\n" + the lowercased text + "\n": the leading newline is a fast literal prefix
_LOG_LINES: Final = 40  # lines read after a change-log heading
_LOG_DATE_WITHIN: Final = 30  # an entry's date starts within this many characters of its line
_LOG_MISSES: Final = 3  # non-entry lines in a row that end a change log


@dataclass(frozen=True, slots=True)
class _Candidate:
    date: datetime.date
    kind: str
    phrase: str
    previous: bool


# --------------------------------------------------------------------------- parsing a date


def _build(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _date_from(m: re.Match[str], month_first: bool) -> datetime.date | None:
    """The date of one ``_DATE_RE`` match; ``month_first`` applies to numeric d/m forms."""
    if m["iy"]:
        return _build(int(m["iy"]), int(m["im"]), int(m["id"]))
    if m["na"]:
        a, b, year = int(m["na"]), int(m["nb"]), int(m["ny"])
        if len(m["ny"]) == 2:  # "01.05.24"; never "6.1.13" (an article number)
            if len(m["na"]) != 2 or len(m["nb"]) != 2:
                return None
            year += 1900 if year >= 90 else 2000
        day, month = (b, a) if month_first else (a, b)
        return _build(year, month, day) or _build(year, day, month)  # a part > 12 decides
    if m["dd"]:
        return _build(int(m["dy"]), _MONTHS[m["dm"].lower()], int(m["dd"]))
    if m["mm"]:
        return _build(int(m["my"]), _MONTHS[m["mm"].lower()], int(m["md"]))
    if m["om"]:
        return _build(int(m["oy"]), _MONTHS[m["om"].lower()], 1)
    return _build(int(m["py"]), int(m["pm"]), 1)


def _month_first(m: re.Match[str], cue_lang: str | None, language: str | None) -> bool:
    """US order only for an English policy, an English (or no) cue and slashes."""
    return language == "en" and cue_lang in ("en", None) and m["sep"] == "/"


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    found = None
    for found in matches:  # noqa: B007 - keep the last one
        pass
    return found


# --------------------------------------------------------------------------- cue matches


def _clause_start(text: str, pos: int, limit: int = 80) -> int:
    """Start of the clause that ends at ``pos``: after a line break, sentence end or "("."""
    start = max(0, pos - limit)
    for i in range(pos - 1, start - 1, -1):
        ch = text[i]
        if ch in "\n(;[" or (ch in ".!?" and i + 1 < pos and text[i + 1].isspace()):
            return i + 1
    return start


def _gap_ok(gap: str, max_gap: int) -> bool:
    """Cue and date belong together: short gap, same sentence, at most one line break."""
    if len(gap) > max_gap or _SENTENCE_END_RE.search(gap):
        return False
    if "\n" in gap:
        pieces = gap.split("\n")
        if len(pieces[0].strip()) > 25 or len(pieces[-1].strip()) > 25:
            return False
        if any(piece.strip() for piece in pieces[1:-1]):
            return False
    return True


def _law_subject(text: str, clause_start: int, cue_start: int, gap: str) -> bool:
    """True when an "effective" cue is about a law taking effect, not about the policy.

    "De AVG is in werking getreden op 25 mei 2018", "the GDPR, which became effective on ...",
    "effective date of the GDPR: ...": a law word in the gap, or a law word followed only by
    filler words ("is", "which became", ...) right before the cue.
    """
    if _LAW_RE.search(gap):
        return True
    prefix = text[clause_start:cue_start]
    law = _last(_LAW_RE.finditer(prefix))
    if law is None:
        return False
    return all(word in _LAW_FILLER for word in _WORD_RE.findall(prefix[law.end() :].lower()))


def _near_context(text: str, start: int, end: int) -> bool:
    """A generic "Datum:" / "Date:" cue counts only beside a word about versions or changes."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    window_start, window_end = max(line_start, start - 40), min(line_end, end + 60)
    return _CONTEXT_RE.search(text, window_start, window_end) is not None


def _after(
    text: str, cue: _Cue, end: int, next_cue: int, language: str | None
) -> tuple[datetime.date, int, str] | None:
    """The date right after a cue ending at ``end``: (date, end of the date, gap text)."""
    date_m = _DATE_RE.search(text, end, min(len(text), end + cue.max_gap + 45))
    if date_m is None or date_m.start() - end > cue.max_gap or date_m.start() >= next_cue:
        return None  # no date, too far, or it belongs to the next cue
    gap = text[end : date_m.start()]
    if not _gap_ok(gap, cue.max_gap):
        return None
    date = _date_from(date_m, _month_first(date_m, cue.lang, language))
    return None if date is None else (date, date_m.end(), gap)


def _before(
    text: str, cue: _Cue, start: int, prev_end: int, language: str | None
) -> tuple[datetime.date, int] | None:
    """The date right before a cue ("op 1 mei 2024 in werking getreden"): (date, its start)."""
    date_m = _last(_DATE_RE.finditer(text, max(prev_end, start - 45), start))
    if date_m is None or _BEFORE_GAP_RE.fullmatch(text, date_m.end(), start) is None:
        return None
    date = _date_from(date_m, _month_first(date_m, cue.lang, language))
    return None if date is None else (date, date_m.start())


@dataclass(frozen=True, slots=True)
class _CueMatch:
    start: int
    end: int
    cue: _Cue


def _find_cues(low: str) -> list[_CueMatch]:
    """Cue matches in text order, at word starts, without overlaps (the earlier, longer wins)."""
    hits: list[_CueMatch] = []
    for prefix, regex, names in _TRIGGERS:
        if prefix not in low:  # str search is faster than even a literal-prefix regex scan
            continue
        for m in regex.finditer(low):
            start = m.start()
            if start and (low[start - 1].isalnum() or low[start - 1] == "_"):
                continue
            if low.startswith("effect ", start) or low.startswith("effect\n", start):
                lead = _EFFECT_LEAD_RE.search(low, max(0, start - 20), start)
                start = lead.start() if lead else start
            hits.append(_CueMatch(start, m.end(), names[m.lastgroup or ""]))
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[_CueMatch] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def _cue_candidates(
    text: str, low: str, language: str | None, log_spans: list[tuple[int, int]]
) -> list[_Candidate]:
    matches = _find_cues(low)
    found: list[_Candidate] = []
    for i, hit in enumerate(matches):
        if any(a <= hit.start < b for a, b in log_spans):
            continue  # inside a change log: read as a log entry
        cue = hit.cue
        if cue.needs_context and not _near_context(text, hit.start, hit.end):
            continue
        next_cue = matches[i + 1].start if i + 1 < len(matches) else len(text)
        after = _after(text, cue, hit.end, next_cue, language)
        if after is not None:
            date, span_end, gap = after
            span_start = hit.start
        else:
            prev_end = matches[i - 1].end if i else 0
            before = _before(text, cue, hit.start, prev_end, language) if cue.before else None
            if before is None:
                continue
            date, span_start = before
            span_end, gap = hit.end, ""
        clause_start = _clause_start(text, span_start)
        if cue.kind == _EFFECTIVE and _law_subject(text, clause_start, span_start, gap):
            continue
        previous = bool(
            _PREVIOUS_RE.search(text, clause_start, span_start) or _PREVIOUS_RE.search(gap)
        )
        phrase = _WS_RE.sub(" ", text[span_start:span_end]).strip()
        found.append(_Candidate(date, cue.kind, phrase, previous))
    return found


# --------------------------------------------------------------------------- change logs


def _change_log(
    text: str, low: str, language: str | None
) -> tuple[list[_Candidate], list[tuple[int, int]]]:
    """Entries (lines led by a date) under change-log headings, and the spans of those lines."""
    entries: list[_Candidate] = []
    spans: list[tuple[int, int]] = []
    for heading in _LOG_HEADING_RE.finditer(f"\n{low}\n"):
        pos = heading.end()  # an offset in text: the leading "\n" shifts by one
        misses = 0
        for _ in range(_LOG_LINES):
            if pos >= len(text):
                break
            line_end = text.find("\n", pos)
            if line_end < 0:
                line_end = len(text)
            if text[pos:line_end].strip():
                date_m = _DATE_RE.search(text, pos, min(line_end, pos + _LOG_DATE_WITHIN + 30))
                date = None
                if date_m is not None and date_m.start() - pos <= _LOG_DATE_WITHIN:
                    date = _date_from(date_m, _month_first(date_m, None, language))
                if date is not None and date_m is not None:
                    phrase = _WS_RE.sub(" ", text[pos : date_m.end()]).strip(" |-•>#")
                    entries.append(_Candidate(date, _UPDATED, phrase, False))
                    spans.append((pos, line_end))
                    misses = 0
                else:
                    misses += 1
                    if misses >= _LOG_MISSES:
                        break
            pos = line_end + 1
    return entries, spans


# --------------------------------------------------------------------------- the stage


def _lower(text: str) -> str:
    """``text.lower()`` with the same length, so offsets carry over to ``text``."""
    low = text.lower()
    if len(low) != len(text):  # e.g. "İ" lowercases to two code points
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    return low


def _plausible(date: datetime.date, today: datetime.date) -> bool:
    try:
        limit = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year + 1, day=28)
    return date.year >= 1990 and date <= limit


def find_declared_date(
    text: str, language: str | None = None, *, today: datetime.date | None = None
) -> DeclaredDate | None:
    """The date ``text`` declares it was last updated or took effect, or ``None``.

    ``language`` ("nl", "en", "de", "fr" or ``None``; a region such as "en-US" is ignored)
    only decides how an ambiguous numeric date is read: cues and month names of all four
    languages are always recognised.
    ``today`` (default: the current date) bounds plausible dates to at most one year ahead.
    See the module docstring for the rules.
    """
    today = today or datetime.date.today()
    if language:
        language = language.lower().replace("_", "-").split("-")[0]
    for mark in "*_`":
        if mark in text:
            text = text.replace(mark, "")
    low = _lower(text)
    log_entries, log_spans = _change_log(text, low, language)
    current = [
        c
        for c in _cue_candidates(text, low, language, log_spans)
        if not c.previous and _plausible(c.date, today)
    ]
    updated = next((c for c in current if c.kind == _UPDATED), None)
    if updated is None:
        logged = [c for c in log_entries if _plausible(c.date, today)]
        updated = max(logged, key=lambda c: c.date, default=None)
    effective = next((c for c in current if c.kind == _EFFECTIVE), None)
    if updated is not None and (effective is None or effective.date <= updated.date):
        chosen = updated
    elif effective is not None:
        chosen = effective
    else:
        return None
    return DeclaredDate(chosen.date, chosen.kind, chosen.phrase)
