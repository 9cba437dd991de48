"""A change in one or two plain sentences, built from its reasons, categories and date
facts (no model, the same words every time): the subject of a message, the title of a
feed entry, the first line of a diff.

"pcextreme-privacy: a material change to sharing with third parties and what data is
collected: it now names Criteo as a recipient and adds "locatiegegevens". The declared
date did not change (a silent change)."

English, and Dutch for a Dutch policy; other languages get the English sentences.
A reason this module does not know is left out of the sentence, never guessed at;
the clause diff below it always has them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from monitor import patterns
from monitor.models import Comparison, Severity

__all__ = ["summarize"]

_CATEGORIES = {
    "en": {
        "first_party_collection": "what data is collected and why",
        "third_party_sharing": "sharing with third parties",
        "user_choice_control": "your choices",
        "user_access_edit_deletion": "your rights over your data",
        "data_retention": "how long data is kept",
        "data_security": "security",
        "policy_change": "how changes are announced",
        "do_not_track": "Do Not Track",
        "specific_audiences": "children and other groups",
        "international_transfer": "transfers abroad",
        "legal_basis": "the legal basis",
        "contact": "how to reach them",
        "cookies_tracking": "cookies and tracking",
        "other": "other terms",
    },
    "nl": {
        "first_party_collection": "welke gegevens worden verzameld en waarom",
        "third_party_sharing": "delen met derden",
        "user_choice_control": "je keuzes",
        "user_access_edit_deletion": "je rechten op je gegevens",
        "data_retention": "hoe lang gegevens worden bewaard",
        "data_security": "beveiliging",
        "policy_change": "hoe wijzigingen worden aangekondigd",
        "do_not_track": "Do Not Track",
        "specific_audiences": "kinderen en andere groepen",
        "international_transfer": "doorgifte naar het buitenland",
        "legal_basis": "de grondslag",
        "contact": "hoe ze te bereiken zijn",
        "cookies_tracking": "cookies en tracking",
        "other": "overige voorwaarden",
    },
}

_WORDS = {
    "en": {
        "material": "a material change to {what}",
        "material_bare": "a material change",
        "minor": "reworded ({n} clause(s)); no data practice or right changed",
        "cosmetic": "only cosmetic changes (spelling, punctuation, layout or links)",
        "none": "no change in the text",
        "anomaly": "the page fetched does not look like this policy ({why}); it is not "
        "treated as a version",
        "it": "it",
        "and": "and",
        "silent": "The declared date did not change (a silent change).",
        "date_only": "Only the declared date changed.",
        "backdated": "The new declared date is earlier than when the change was seen (backdated).",
        "more": "{n} more",
    },
    "nl": {
        "material": "een wezenlijke wijziging in {what}",
        "material_bare": "een wezenlijke wijziging",
        "minor": "anders verwoord ({n} clausule(s)); geen gegevensgebruik of recht gewijzigd",
        "cosmetic": "alleen cosmetische wijzigingen (spelling, leestekens, opmaak of links)",
        "none": "geen wijziging in de tekst",
        "anomaly": "de opgehaalde pagina lijkt niet op dit beleid ({why}); geen nieuwe versie",
        "it": "het beleid",
        "and": "en",
        "silent": "De vermelde datum is niet gewijzigd (een stille wijziging).",
        "date_only": "Alleen de vermelde datum is gewijzigd.",
        "backdated": "De nieuwe vermelde datum ligt vóór het moment waarop de wijziging "
        "werd gezien (teruggedateerd).",
        "more": "nog {n} andere",
    },
}

# Reasons as monitor.judge.classify writes them → what the policy now does, per language;
# in the order they are told (a new recipient or a dropped "not" before an added word).
_Q = r'"([^"]{1,80})"'
_PHRASES: list[tuple[re.Pattern[str], dict[str, str]]] = [
    (patterns.compile(rf"^new recipient: {_Q}$"), {
        "en": "now names {0} as a recipient", "nl": "noemt nu {0} als ontvanger"}),
    (patterns.compile(rf"^negation removed: {_Q}$"), {
        "en": 'drops a "not" ("{0}")', "nl": 'laat een "niet" vallen ("{0}")'}),
    (patterns.compile(rf"^scope of a promise not to: {_Q} removed$"), {
        "en": 'no longer promises not to: "{0}"', "nl": 'belooft niet meer om niet te: "{0}"'}),
    (patterns.compile(rf"^clause added on [a-z_, ]+: {_Q}"), {
        "en": 'adds a clause on "{0}"', "nl": 'voegt een clausule toe over "{0}"'}),
    (patterns.compile(rf"^(?:retention|period): {_Q} -> {_Q}$"), {
        "en": "keeps data {1} instead of {0}", "nl": "bewaart gegevens {1} in plaats van {0}"}),
    (patterns.compile(rf"^(?:retention|period): {_Q} -> -$"), {
        "en": "no longer says it keeps data {0}", "nl": "zegt niet meer gegevens {0} te bewaren"}),
    (patterns.compile(rf"^(?:retention|period): - -> {_Q}$"), {
        "en": "now keeps data {0}", "nl": "bewaart gegevens nu {0}"}),
    (patterns.compile(rf"^recipient removed: {_Q}$"), {
        "en": "no longer names {0}", "nl": "noemt {0} niet meer"}),
    (patterns.compile(rf"^negation added: {_Q}$"), {
        "en": 'adds a "not" ("{0}")', "nl": 'voegt een "niet" toe ("{0}")'}),
    (patterns.compile(rf"^clause removed on [a-z_, ]+: {_Q}"), {
        "en": 'drops a clause on "{0}"', "nl": 'schrapt een clausule over "{0}"'}),
    (patterns.compile(rf"^modality: {_Q} -> {_Q}$"), {
        "en": 'says "{1}" where it said "{0}"', "nl": 'zegt "{1}" waar het "{0}" zei'}),
    (patterns.compile(r"^(?:data or purpose|recipient|tracking|transfer|choice|right|retention) "
                rf"added: {_Q}$"), {"en": 'adds "{0}"', "nl": 'voegt "{0}" toe'}),
    (patterns.compile(r"^(?:data or purpose|recipient|tracking|transfer|choice|right|retention) "
                rf"removed: {_Q}$"), {"en": 'drops "{0}"', "nl": 'schrapt "{0}"'}),
]  # fmt: skip
_MAX_SPECIFICS = 3


def _language(comparison: Comparison, language: str | None) -> str:
    code = (language or comparison.new.language or comparison.old.language or "en")[:2]
    return code if code in _WORDS else "en"


def _join(items: list[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _specifics(comparison: Comparison, lang: str) -> list[str]:
    """What the policy now does, from the material reasons it has a phrase for."""
    found: dict[str, int] = {}  # phrase → rank of its pattern (the most telling first)
    for reason in comparison.material_reasons():
        for rank, (pattern, phrases) in enumerate(_PHRASES):
            match = pattern.match(reason)
            if match:
                phrase = phrases[lang].format(*(g.strip() for g in match.groups()))
                found.setdefault(phrase, rank)
                break
    return sorted(found, key=found.__getitem__)


def summarize(policy: str | None, comparison: Comparison, *, language: str | None = None) -> str:
    """One or two sentences saying what changed in ``policy`` (None: the sentence starts
    with what changed), in ``language``, else the policy's own when there is phrasing
    for it, else English."""
    lang = _language(comparison, language)
    words = _WORDS[lang]
    if comparison.anomaly:
        return _lead(policy, words["anomaly"].format(why=comparison.anomaly)) + "."
    first = _first_sentence(policy, comparison, lang)
    facts = [words[f] for f in ("date_only", "silent", "backdated") if getattr(comparison, f)]
    return " ".join([first, *facts])


def _lead(policy: str | None, text: str) -> str:
    return f"{policy}: {text}" if policy else text[:1].upper() + text[1:]


def _first_sentence(policy: str | None, comparison: Comparison, lang: str) -> str:
    words = _WORDS[lang]
    severity = comparison.severity
    if severity != Severity.MATERIAL:
        touched = sum(comparison.counts.get(k, 0) for k in ("added", "removed", "modified"))
        key = {Severity.MINOR: "minor", Severity.COSMETIC: "cosmetic"}.get(severity, "none")
        return _lead(policy, words[key].format(n=touched)) + "."
    names: Callable[[str], str] = lambda c: _CATEGORIES[lang].get(c, c.replace("_", " "))  # noqa: E731
    what = _join([names(c) for c in comparison.categories], words["and"])
    head = words["material"].format(what=what) if what else words["material_bare"]
    specifics = _specifics(comparison, lang)
    if not specifics:
        return _lead(policy, head) + "."
    shown = specifics[:_MAX_SPECIFICS]
    if len(specifics) > _MAX_SPECIFICS:
        shown.append(words["more"].format(n=len(specifics) - _MAX_SPECIFICS))
    return _lead(policy, f"{head}: {words['it']} {_join(shown, words['and'])}.")
