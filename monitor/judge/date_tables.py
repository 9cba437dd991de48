"""The tables :mod:`monitor.judge.dates` reads declared dates with: month names (NL, EN,
DE, FR), the date forms, the cue phrases per language and kind, and the patterns for
previous dates, laws, change logs and the gaps between cue and date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from monitor import patterns

__all__ = [
    "BEFORE_GAP_RE",
    "CONTEXT_RE",
    "CUES",
    "DATE_RE",
    "EFFECTIVE",
    "EFFECT_LEAD_RE",
    "LAW_FILLER",
    "LAW_RE",
    "LOG_DATE_WITHIN",
    "LOG_HEADING_RE",
    "LOG_LINES",
    "LOG_MISSES",
    "MONTHS",
    "MONTH_PATTERN",
    "PREVIOUS_RE",
    "SENTENCE_END_RE",
    "TRIGGERS",
    "UPDATED",
    "WORD_RE",
    "WS_RE",
    "Cue",
]

# --------------------------------------------------------------------------- month names

MONTHS: Final[dict[str, int]] = {}
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
        MONTHS[_name] = _number

MONTH_PATTERN: Final = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))

DATE_RE: Final = patterns.compile(
    rf"""
    (?<![\w.,/-])
    (?:
        (?P<iy>(?:19|20)\d\d)(?P<isep>[-/.])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}})
        (?![\d]|[./-]\d)
      | (?P<na>\d{{1,2}})(?P<sep>[./-])(?P<nb>\d{{1,2}})(?P=sep)(?P<ny>\d{{4}}|\d{{2}})
        (?![\d]|[./-]\d)
      | (?P<dd>\d{{1,2}})(?:st|nd|rd|th|er|ère|re|ste|de|e|\.)?\s+(?:of\s+)?
        (?P<dm>{MONTH_PATTERN})\b\.?,?\s+(?P<dy>\d{{4}})(?!\d)
      | (?P<mm>{MONTH_PATTERN})\b\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})(?!\d)
      | (?P<om>{MONTH_PATTERN})\b\.?,?\s+(?P<oy>\d{{4}})(?!\d)
      | (?P<pm>\d{{1,2}})[./](?P<py>(?:19|20)\d\d)(?![\d]|[./-]\d)
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)

# --------------------------------------------------------------------------- cue phrases

UPDATED: Final = "updated"
EFFECTIVE: Final = "effective"


@dataclass(frozen=True, slots=True)
class Cue:
    lang: str
    kind: str
    patterns: tuple[str, ...]  # lowercase regexes, each starting with a literal letter
    max_gap: int = 60
    before: bool = False  # the date may also stand right before the cue
    needs_context: bool = False  # generic "datum:" / "date:": only near wijziging/versie/...


_NEXT_IS_DATE: Final = rf"(?=\s+(?:\d|(?:{MONTH_PATTERN})\b))"

CUES: Final[tuple[Cue, ...]] = (
    # Dutch
    Cue(
        "nl",
        UPDATED,
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
    Cue(
        "nl",
        EFFECTIVE,
        (
            r"geldig\s+(?:vanaf|sinds|per|met\s+ingang\s+van)",
            r"met\s+ingang\s+van",
            r"ingangsdatum",
            r"van\s+kracht\s+(?:vanaf|sinds|per)",
        ),
    ),
    Cue("nl", EFFECTIVE, (r"in\s+werking(?:\s+getreden|\s+treedt|\s+treden)?",), before=True),
    # English
    Cue(
        "en",
        UPDATED,
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
    Cue(
        "en",
        EFFECTIVE,
        (
            rf"effective(?:\s+(?:date|as\s+of|from|on|since)|\s*:|{_NEXT_IS_DATE})",
            # "takes effect on", "came into effect on", "in effect from": the phrase is
            # widened to the verb by EFFECT_LEAD_RE
            r"effect\s+(?:on|from|as\s+of|since)",
        ),
    ),
    # German
    Cue(
        "de",
        UPDATED,
        (
            r"stand(?:\s*:|\s+vom\b"
            r"|\s+(?:dieser|der|des)\s+(?:datenschutz|information|erkl[äa]rung|hinweis)\w*"
            r"|(?=\s+(?:\d|[^\W\d]+\.?\s+\d{4})))",
        ),
        max_gap=40,
    ),
    Cue(
        "de",
        UPDATED,
        (
            r"zuletzt\s+(?:aktualisiert|ge(?:ä|ae)ndert|überarbeitet|bearbeitet)",
            r"letzte\s+(?:aktualisierung|(?:ä|ae)nderung|überarbeitung)",
            r"aktualisiert\s+am",
            r"ge(?:ä|ae)ndert\s+am",
        ),
    ),
    Cue(
        "de",
        EFFECTIVE,
        (r"gültig\s+(?:ab|seit|vom)", r"gueltig\s+(?:ab|seit|vom)", r"gilt\s+(?:ab|seit)"),
    ),
    Cue("de", EFFECTIVE, (r"inkrafttreten(?:s)?",)),
    Cue(
        "de",
        EFFECTIVE,
        (r"in\s+kraft(?:\s+(?:seit|ab|getreten|treten|tritt))?",),
        before=True,
    ),
    # French
    Cue(
        "fr",
        UPDATED,
        (
            r"derni[èe]re\s+(?:mise\s+[àa]\s+jour|modification|r[ée]vision)",
            r"mise?s?\s+[àa]\s+jour(?:\s+(?:le|du)|\s*:)",
            r"modifi[ée]e?s?\s+le",
            r"révis[ée]e?s?\s+le",
            r"revis[ée]e?s?\s+le",
            r"actualis[ée]e?s?\s+le",
        ),
    ),
    Cue(
        "fr",
        EFFECTIVE,
        (
            r"date\s+d['’]entr[ée]e\s+en\s+vigueur",
            r"en\s+vigueur",
            r"applicable\s+(?:à|a)\s+compter\s+du",
        ),
    ),
    # generic "Datum:" / "Date :" only next to a word about versions or changes
    Cue("nl", UPDATED, (r"datum\s*:",), needs_context=True),
    Cue("en", UPDATED, (r"date\s*:",), needs_context=True),
)


def _trigger_regexes() -> tuple[tuple[str, re.Pattern[str], dict[str, Cue]], ...]:
    """Cue regexes grouped by their first two letters, the shared letters factored out.

    They run on the lowercased text without IGNORECASE, so each one scans with sre's fast
    literal-prefix search; a single case-insensitive alternation of all cues tries every
    position and costs some 20 times more.
    """
    groups: dict[str, list[tuple[str, Cue]]] = {}
    for cue in CUES:
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
        built.append((prefix, patterns.compile(f"{prefix}(?:{branches})"), names))
    return tuple(built)


TRIGGERS: Final = _trigger_regexes()
EFFECT_LEAD_RE: Final = patterns.compile(r"(?:\b(?:comes?|came|takes?|took|taking|into|in)\s+)+$")

CONTEXT_RE: Final = patterns.compile(
    r"wijziging|gewijzigd|versie|herzien|bijgewerkt|version|revision|revised|modif|update"
    r"|(?:ä|ae)nderung|aktualisier|mise\s+[àa]\s+jour",
    re.IGNORECASE,
)
PREVIOUS_RE: Final = patterns.compile(
    r"\b(?:vorige|vorig|oude|eerdere|voorgaande|previous|prior|former|earlier|old"
    r"|ancienne|pr[ée]c[ée]dente?|ant[ée]rieure|fr(?:ü|ue)here[nrs]?|vorherige[nrs]?"
    r"|alte[nrs]?|bisherige[nrs]?)\b",
    re.IGNORECASE,
)
LAW_RE: Final = patterns.compile(
    r"\b(?:AVG|UAVG|GDPR|DSGVO|DS-GVO|BDSG|RGPD|CCPA|CPRA|Wbp|verordening|regulation"
    r"|verordnung|r[èe]glement|r[ée]glementation|l[ée]gislation|legislation|wetgeving"
    r"|gesetz|gesetzgebung|wet|loi|law|act|directive|richtlijn)\b",
    re.IGNORECASE,
)
# fmt: off
LAW_FILLER: Final = frozenset((
    "is", "ist", "est", "was", "war", "werd", "wurde", "has", "have", "had", "heeft", "hat",
    "a", "been", "zijn", "sind", "op", "on", "am", "le", "la", "les", "seit", "sinds", "since",
    "depuis", "die", "which", "that", "dat", "welke", "qui", "became", "become", "entered",
    "entrée", "entree", "entré", "entre", "de", "der", "the", "al", "bereits", "already",
    "officieel", "officially",
))
# fmt: on
SENTENCE_END_RE: Final = patterns.compile(r"[.!?]\s+[A-ZÀ-ÝÄÖÜ]")
BEFORE_GAP_RE: Final = patterns.compile(
    r"\s*[,:()–-]?\s*(?:(?:is|ist|wird|werd|zijn|sind|wurde|est)\s+)?", re.IGNORECASE
)
WS_RE: Final = patterns.compile(r"\s+")
WORD_RE: Final = patterns.compile(r"[^\W\d_]+")

LOG_HEADING_RE: Final = patterns.compile(
    r"\n[ \t>#•-]*(?:\d+(?:\.\d+)*\.?[ \t]*)?"
    r"(?:wijzigingen|wijzigingsoverzicht|wijzigingshistorie|versiegeschiedenis"
    r"|versiehistorie|versiebeheer|change\s*log|changes|version\s+history|revision\s+history"
    r"|document\s+history|history\s+of\s+changes|(?:ä|ae)nderungshistorie|(?:ä|ae)nderungen"
    r"|versionshistorie|versionsgeschichte|(?:ä|ae)nderungsverlauf"
    r"|historique\s+des\s+(?:modifications|versions|mises\s+[àa]\s+jour)"
    r"|journal\s+des\s+modifications|modifications)[ \t]*:?[ \t]*(?=\n)",
)  # run on "\n" + the lowercased text + "\n": the leading newline is a fast literal prefix
LOG_LINES: Final = 40  # lines read after a change-log heading
LOG_DATE_WITHIN: Final = 30  # an entry's date starts within this many characters of its line
LOG_MISSES: Final = 3  # non-entry lines in a row that end a change log
