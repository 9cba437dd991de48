"""Evidence: what one clause text says, in comparable pieces, and the categories it is about.

See :mod:`monitor.judge.classify` for how the evidence of two texts is compared.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from monitor.judge.cues import (
    ADDRESS,
    ADDRESS_EN,
    AGE,
    ARTICLE,
    CAPITALISED,
    CONTACT_NAME,
    DELETION,
    EMAIL,
    EVIDENCE_RE,
    GERMAN,
    IDIOMS,
    LEGAL_FORM,
    MONEY,
    NAME_SPLIT,
    NOT_NAMES,
    ORGS,
    PERCENT,
    PHONE,
    PRACTICE_TOPICS,
    PRACTICE_WORDS,
    QUANTITY,
    SCOPE,
    SENSITIVE_FOR_NAMES,
    SENTENCE_END,
    SITE,
    TOPIC_RE,
    WORD,
)
from monitor.judge.lexicon import DEFINITE, NEGATIONS, NUMBER_WORDS, PERMISSIVE
from monitor.judge.links import channels, reader_text
from monitor.memory import per_run

__all__ = [
    "Evidence",
    "categories_of_sentence",
    "clause_categories",
    "evidence",
    "whole_categories",
]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one clause text says, in comparable pieces."""

    terms: Counter[tuple[str, str]]  # (category, label) -> occurrences
    topics: frozenset[str]
    quantities: tuple[str, ...]
    organisations: frozenset[str]
    contacts: frozenset[str]
    articles: frozenset[str]
    negations: Counter[str]  # "niet verkopen": a negation with the word after it
    negation_words: Counter[str]  # negations within six words of a practice word
    scope: Counter[str]  # "uitsluitend", "onder andere", "tenzij": what limits or opens a practice
    permissive: Counter[str]
    definite: Counter[str]
    sites: frozenset[str] = frozenset()  # domain names the text names (".grok.com")

    @property
    def categories(self) -> set[str]:
        return {cat for cat, _ in self.terms}


@per_run
@lru_cache(maxsize=4096)
def evidence(text: str) -> Evidence:
    """Read the evidence in one clause text (cached: the same clause is read once).

    The text is read as a reader sees it (:func:`~monitor.judge.links.reader_text`):
    link targets say nothing, except the channels a link gives (e-mail, rights and
    contact forms), which are contacts.
    """
    link_channels = channels(text)
    text = reader_text(text)
    lower = text.lower()
    terms: Counter[tuple[str, str]] = Counter()
    for cat, patterns in EVIDENCE_RE.items():
        for label, pattern in patterns:
            count = sum(1 for _ in pattern.finditer(lower))
            if count:
                terms[(cat, label)] = count
    topics = frozenset(cat for cat, pattern in TOPIC_RE.items() if pattern.search(lower))
    quantities = [_quantity(m) for m in QUANTITY.finditer(lower)]
    quantities += [f"age {_number(m.group(1))}" for m in AGE.finditer(lower)]
    quantities += [re.sub(r"\s+", "", m.group(0)) for m in MONEY.finditer(lower)]
    quantities += [re.sub(r"\s+", "", m.group(0)) for m in PERCENT.finditer(lower)]
    organisations = {m.group(1) for m in ORGS.finditer(lower)}
    organisations |= {m.group(0).lower() for m in LEGAL_FORM.finditer(text)}
    # German capitalises every noun: there only listed names and legal forms count.
    if ({c for c, _ in terms} | topics) & SENSITIVE_FOR_NAMES and GERMAN.search(lower) is None:
        for m in CAPITALISED.finditer(text):
            for name in NAME_SPLIT.split(m.group(1)):
                name = name.rstrip(".,")
                if name.lower() not in NOT_NAMES and len(name) > 2:
                    organisations.add(name.lower())
    contacts = {m.group(0).lower().rstrip(".,") for m in EMAIL.finditer(text)}
    contacts |= link_channels
    contacts |= {
        re.sub(r"\D", "", m.group(0))
        for m in PHONE.finditer(text)
        if not _looks_like_date(m.group(0))
    }
    contacts |= {re.sub(r"\s+", " ", m.group(0).lower()) for m in ADDRESS.finditer(text)}
    contacts |= {re.sub(r"\s+", " ", m.group(0).lower()) for m in ADDRESS_EN.finditer(text)}
    if any(c == "contact" for c, _ in terms):  # who the controller, DPO or authority is
        contacts |= {
            m.group(0).lower()
            for m in CONTACT_NAME.finditer(text)
            if m.group(0).split()[0].lower() not in NOT_NAMES
        }
    articles = {re.sub(r"\s+", " ", m.group(0).lower()) for m in ARTICLE.finditer(text)}
    words = WORD.findall(IDIOMS.sub(" ", lower))
    return Evidence(
        terms=terms,
        topics=topics,
        quantities=tuple(sorted(quantities)),
        organisations=frozenset(organisations),
        contacts=frozenset(contacts),
        articles=frozenset(articles),
        negations=Counter(
            f"{w} {words[i + 1] if i + 1 < len(words) else ''}".strip()
            for i, w in enumerate(words)
            if w in NEGATIONS or w.endswith("n't")
        ),
        negation_words=_practice_negations(IDIOMS.sub(" ", lower)),
        scope=Counter(m.group(0) for m in SCOPE.finditer(lower)),
        permissive=Counter(w for w in words if w in PERMISSIVE),
        definite=Counter(w for w in words if w in DEFINITE),
        sites=frozenset(m.group(1).lower() for m in SITE.finditer(text)),
    )


@lru_cache(maxsize=16384)
def _practice_word(word: str) -> bool:
    return any(p.match(word) for p in PRACTICE_WORDS)


SEPARABLE_PARTICLES = frozenset("door op uit mee bij weg vast over af".split())


def _practice_negations(lower: str, window: int = 6) -> Counter[str]:
    """Negations standing within ``window`` words of a word about a practice, in the
    same sentence ("verkopen ... niet", "not sell"; not "not satisfied")."""
    found: Counter[str] = Counter()
    for sentence in SENTENCE_END.split(lower):
        words = WORD.findall(sentence)
        for i, w in enumerate(words):
            if not (w in NEGATIONS or w.endswith("n't")):
                continue
            near = words[max(0, i - window) : i + window + 1]
            # A Dutch separable verb: "geven ze niet door" is "doorgeven".
            particle = words[i + 1] if i + 1 < len(words) else ""
            if particle not in SEPARABLE_PARTICLES:
                particle = ""
            if any(_practice_word(x) or (particle and _practice_word(particle + x)) for x in near):
                found[w] += 1
    return found


def _number(value: str) -> str:
    value = value.lower()
    return str(NUMBER_WORDS[value]) if value in NUMBER_WORDS else value.replace(",", ".")


def _quantity(match: re.Match[str]) -> str:
    low, high, unit = match.group(1), match.group(2), match.group(3).lower()
    amount = _number(low) + (f"-{_number(high)}" if high else "")
    return f"{amount} {unit}"


def _looks_like_date(value: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s*", value))


def clause_categories(text: str) -> set[str]:
    """The categories of a clause's terms, with its topics when it has a term."""
    found = evidence(text)
    return found.categories | (set(found.topics) if found.categories else set())


def whole_categories(found: Evidence) -> set[str]:
    """The sensitive categories an added or removed clause (or sentence) is about."""
    categories = set(found.categories)
    if found.quantities and "data_retention" in found.topics | categories:
        categories.add("data_retention")
    if found.organisations:
        categories.add("third_party_sharing")
    if found.contacts:
        categories.add("contact")
    return categories | (found.topics & PRACTICE_TOPICS)


def categories_of_sentence(sentence: str) -> set[str]:
    """What a sentence gained or lost inside a clause is about. Stricter than a whole
    clause: topic words alone ("stored", "shared") do not count, except a deletion."""
    found = evidence(sentence)
    categories = set(found.categories)
    if found.organisations:
        categories.add("third_party_sharing")
    if found.contacts:
        categories.add("contact")
    if "data_retention" in found.topics and (found.quantities or DELETION.search(sentence.lower())):
        categories.add("data_retention")
    return categories
