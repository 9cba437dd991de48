"""The classify stage: severity, categories and reasons for each clause change.

Decisions rest on evidence a person can check, read from the old and new
text of a clause (see ``lexicon.py`` for the term lists):

- quantities with units (durations, ages, deadlines, amounts, percentages);
- named organisations (well-known processors, names with a legal form such as
  "B.V." or "GmbH", and capitalised names in sharing and transfer clauses);
- terms per category (data kinds, purposes, recipients, rights, legal bases,
  transfers, audiences, trackers, security measures, notices);
- e-mail addresses, URLs, phone numbers and article references;
- negations ("niet", "geen", "not", "never", ...) and modal verbs
  ("kunnen"/"zullen", "may"/"will", ...).

A modified clause whose evidence changed is ``material``, with one reason per
change.  One with no changed evidence is ``cosmetic`` when only case,
punctuation, white space, a spelling variant or the declared date differs,
else ``minor``.  An added or removed clause is ``material`` when it carries
evidence of a sensitive category, else ``minor``.  A moved clause is
``cosmetic``.  Nothing is material without a reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz.distance import Indel

from .lexicon import (
    DEFINITE,
    EVIDENCE,
    MONTHS,
    NEGATIONS,
    NUMBER_WORDS,
    ORGANISATIONS,
    PERMISSIVE,
    PURPOSES,
    TOPIC,
)
from .models import ClauseChange

__all__ = ["SEVERITY_ORDER", "Evidence", "classify_change", "evidence", "max_severity"]

SEVERITY_ORDER = ("none", "cosmetic", "minor", "material")

_UNITS = (
    r"werkdagen|dagen|dag|business days|working days|days?|weken|week|weeks?|maanden|maand|"
    r"months?|jaren|jaar|years?|uren|uur|hours?|minuten|minutes?|seconden|seconds?|"
    r"tagen|tage|tag|wochen|woche|monaten|monate|monat|jahren|jahre|jahr|stunden|stunde|"
    r"jours?|semaines?|mois|années?|ans|an|heures?"
)
_NUMBER = r"\d+(?:[.,]\d+)?|" + "|".join(
    sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)
)
_QUANTITY = re.compile(
    rf"(?<![\w.])({_NUMBER})(?:\s*(?:-|tot|to|bis|à)\s*({_NUMBER}))?\s*({_UNITS})\b",
    re.IGNORECASE,
)
_AGE = re.compile(
    rf"(?:jonger dan|onder de|ouder dan|under(?: the age of)?|over(?: the age of)?|younger than|"
    rf"older than|unter|über|moins de|plus de|vanaf|from the age of|ab)\s+({_NUMBER})\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"(?:€|eur\b|euro\b|\$|usd\b|£)\s*\d[\d.,]*|\d[\d.,]*\s*(?:€|euro|eur\b|usd\b|dollars?)",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|procent|percent|prozent|pour cent)", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"']+", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\w)(?:\+|00)?\d[\d ()-]{7,}\d(?!\w)")
_ARTICLE = re.compile(
    r"\b(?:artikel|artikelen|art\.|article|artikel|§)\s*\d+[a-z]?"
    r"(?:\s*(?:\(\d+\)|lid\s*\d+|abs\.?\s*\d+|paragraph\s*\d+|para\.?\s*\d+)"
    r"(?:\s*(?:\([a-z]\)|sub\s*[a-z]|onder\s*[a-z]|lit\.?\s*[a-z]|letter\s*[a-z]))?)?",
    re.IGNORECASE,
)
_LEGAL_FORM = re.compile(
    r"\b([A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,3})\s+(B\.?V\.?|N\.?V\.?|Inc\.?|Ltd\.?|LLC|GmbH|AG|"
    r"S\.A\.?|SAS|SARL|plc|Corp\.?|Limited|Co\.)(?!\w)"
)
_CAPITALISED = re.compile(r"(?<=[a-zà-ÿ,;:] )([A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+)*)")
_WORD = re.compile(r"[\w'-]+")
_ORGS = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, ORGANISATIONS)) + r")(?!\w)")
_NOT_NAMES = (
    frozenset(
        "u uw i ik we wij avg gdpr eu eer eea privacy policy privacyverklaring privacybeleid "
        "cookie cookies website internet app service services the de het een een dsgvo rgpd "
        "nederland netherlands europe europa europese european".split()
    )
    | MONTHS
)
_SENSITIVE_FOR_NAMES = {"third_party_sharing", "international_transfer", "contact"}


def _compile(terms: dict[str, str]) -> list[tuple[str, re.Pattern[str]]]:
    return [(label, re.compile(r"(?<!\w)" + fragment)) for label, fragment in terms.items()]


_EVIDENCE_RE = {cat: _compile(terms) for cat, terms in EVIDENCE.items()}
_EVIDENCE_RE["first_party_collection"] += _compile(PURPOSES)
_TOPIC_RE = {cat: re.compile(r"(?<!\w)" + fragment) for cat, fragment in TOPIC.items()}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one clause text says, in comparable pieces."""

    terms: frozenset[tuple[str, str]]  # (category, label)
    topics: frozenset[str]
    quantities: tuple[str, ...]
    organisations: frozenset[str]
    contacts: frozenset[str]
    articles: frozenset[str]
    negations: Counter[str]
    permissive: Counter[str]
    definite: Counter[str]

    @property
    def categories(self) -> set[str]:
        return {cat for cat, _ in self.terms}


@lru_cache(maxsize=4096)
def evidence(text: str) -> Evidence:
    """Read the evidence in one clause text (cached: the same clause is read once)."""
    lower = text.lower()
    terms = frozenset(
        (cat, label)
        for cat, patterns in _EVIDENCE_RE.items()
        for label, pattern in patterns
        if pattern.search(lower)
    )
    topics = frozenset(cat for cat, pattern in _TOPIC_RE.items() if pattern.search(lower))
    quantities = [_quantity(m) for m in _QUANTITY.finditer(lower)]
    quantities += [f"age {_number(m.group(1))}" for m in _AGE.finditer(lower)]
    quantities += [re.sub(r"\s+", "", m.group(0)) for m in _MONEY.finditer(lower)]
    quantities += [re.sub(r"\s+", "", m.group(0)) for m in _PERCENT.finditer(lower)]
    organisations = {m.group(1) for m in _ORGS.finditer(lower)}
    organisations |= {m.group(0).lower() for m in _LEGAL_FORM.finditer(text)}
    if topics & _SENSITIVE_FOR_NAMES or {c for c, _ in terms} & _SENSITIVE_FOR_NAMES:
        for m in _CAPITALISED.finditer(text):
            name = m.group(1).rstrip(".,")
            if name.lower() not in _NOT_NAMES and len(name) > 2:
                organisations.add(name.lower())
    contacts = {m.group(0).lower().rstrip(".,") for m in _EMAIL.finditer(text)}
    contacts |= {m.group(0).lower().rstrip(".,;") for m in _URL.finditer(text)}
    contacts |= {
        re.sub(r"\D", "", m.group(0))
        for m in _PHONE.finditer(text)
        if not _looks_like_date(m.group(0))
    }
    articles = {re.sub(r"\s+", " ", m.group(0).lower()) for m in _ARTICLE.finditer(text)}
    words = _WORD.findall(lower)
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
        permissive=Counter(w for w in words if w in PERMISSIVE),
        definite=Counter(w for w in words if w in DEFINITE),
    )


def _number(value: str) -> str:
    value = value.lower()
    return str(NUMBER_WORDS[value]) if value in NUMBER_WORDS else value.replace(",", ".")


def _quantity(match: re.Match[str]) -> str:
    low, high, unit = match.group(1), match.group(2), match.group(3).lower()
    amount = _number(low) + (f"-{_number(high)}" if high else "")
    return f"{amount} {unit}"


def _looks_like_date(value: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s*", value))


def max_severity(severities: Iterable[str]) -> str:
    return max(severities, key=SEVERITY_ORDER.index, default="none")


def classify_change(change: ClauseChange) -> ClauseChange:
    """The change with its severity, categories and reasons filled in."""
    if change.kind == "moved":
        text = change.new.text if change.new else ""
        return replace(
            change,
            severity="cosmetic",
            categories=tuple(sorted(_categories(text))),
            reasons=("clause moved",),
        )
    if change.kind in ("added", "removed"):
        clause = change.new if change.kind == "added" else change.old
        return _classify_whole(change, clause.text if clause else "", change.kind)
    old = change.old.text if change.old else ""
    new = change.new.text if change.new else ""
    return _classify_modified(change, old, new)


def _categories(text: str) -> set[str]:
    found = evidence(text)
    return found.categories | (set(found.topics) if found.categories else set())


def _classify_whole(change: ClauseChange, text: str, kind: str) -> ClauseChange:
    found = evidence(text)
    categories = found.categories
    if found.quantities and (found.topics & {"data_retention"} or "data_retention" in categories):
        categories = categories | {"data_retention"}
    if found.organisations:
        categories = categories | {"third_party_sharing"}
    if found.contacts:
        categories = categories | {"contact"}
    if found.topics & {"data_retention", "third_party_sharing", "data_security"} and (
        found.quantities or found.negations or categories
    ):
        categories = categories | (
            found.topics & {"data_retention", "third_party_sharing", "data_security"}
        )
    clause = change.new or change.old
    if clause is not None and clause.kind == "heading":
        return replace(
            change,
            severity="minor",
            categories=tuple(sorted(categories)),
            reasons=(f"heading {kind}",),
        )
    if not categories:
        return replace(change, severity="minor", categories=(), reasons=(f"clause {kind}",))
    details = sorted(
        {label for _, label in found.terms}
        | set(found.quantities)
        | found.organisations
        | found.contacts
    )
    shown = ", ".join(f'"{d}"' for d in details[:4]) + (", ..." if len(details) > 4 else "")
    reason = f"clause {kind} on {', '.join(sorted(categories))}" + (f": {shown}" if shown else "")
    return replace(
        change, severity="material", categories=tuple(sorted(categories)), reasons=(reason,)
    )


def _classify_modified(change: ClauseChange, old: str, new: str) -> ClauseChange:
    a, b = evidence(old), evidence(new)
    reasons: list[str] = []
    categories: set[str] = set()
    context = a.categories | b.categories | a.topics | b.topics

    removed_q, added_q = _multiset_diff(a.quantities, b.quantities)
    if removed_q or added_q:
        label, category = _quantity_label(context, removed_q + added_q)
        reasons.append(f"{label}: {_pair(removed_q, added_q)}")
        categories.add(category)
    for org in sorted(b.organisations - a.organisations):
        reasons.append(f'new recipient: "{org}"')
        categories.add("third_party_sharing")
    for org in sorted(a.organisations - b.organisations):
        reasons.append(f'recipient removed: "{org}"')
        categories.add("third_party_sharing")
    for cat, label in sorted(b.terms - a.terms):
        reasons.append(f'{_CATEGORY_WORD[cat]} added: "{label}"')
        categories.add(cat)
    for cat, label in sorted(a.terms - b.terms):
        reasons.append(f'{_CATEGORY_WORD[cat]} removed: "{label}"')
        categories.add(cat)
    if a.contacts != b.contacts:
        reasons.append(
            f"contact: {_pair(sorted(a.contacts - b.contacts), sorted(b.contacts - a.contacts))}"
        )
        categories.add("contact")
    if a.articles != b.articles:
        old_refs, new_refs = sorted(a.articles - b.articles), sorted(b.articles - a.articles)
        reasons.append(f"legal reference: {_pair(old_refs, new_refs)}")
        categories.add("legal_basis")
    # A negation is compared with the word it governs: "niet aan" -> "niet noodzakelijk" moved it.
    for pair in sorted((a.negations - b.negations).elements()):
        reasons.append(f'negation removed: "{_around(old, pair)}"')
        categories |= _focus(a, b)
    for pair in sorted((b.negations - a.negations).elements()):
        reasons.append(f'negation added: "{_around(new, pair)}"')
        categories |= _focus(a, b)
    perm = sum(b.permissive.values()) - sum(a.permissive.values())
    definite = sum(b.definite.values()) - sum(a.definite.values())
    if (perm < 0 < definite) or (definite < 0 < perm):
        before = next(iter((a.permissive - b.permissive) or (a.definite - b.definite)), "")
        after = next(iter((b.definite - a.definite) or (b.permissive - a.permissive)), "")
        reasons.append(f'modality: "{before}" -> "{after}"')
        categories |= _focus(a, b)
    if reasons:
        return replace(
            change,
            severity="material",
            categories=tuple(sorted(categories)),
            reasons=tuple(reasons),
        )
    cosmetic = _cosmetic_reason(old, new)
    if cosmetic:
        return replace(change, severity="cosmetic", categories=(), reasons=(cosmetic,))
    return replace(
        change,
        severity="minor",
        categories=(),
        reasons=("reworded; no change of data, purpose, recipient, period or right found",),
    )


_CATEGORY_WORD = {
    "first_party_collection": "data or purpose",
    "third_party_sharing": "recipient",
    "user_choice_control": "choice",
    "user_access_edit_deletion": "right",
    "data_retention": "retention",
    "data_security": "security measure",
    "policy_change": "change notice",
    "do_not_track": "do-not-track",
    "specific_audiences": "audience",
    "international_transfer": "transfer",
    "legal_basis": "legal basis",
    "contact": "contact",
    "cookies_tracking": "tracking",
    "other": "term",
}


_FOCUS_ORDER = (
    "third_party_sharing", "international_transfer", "data_retention",
    "user_access_edit_deletion", "user_choice_control", "specific_audiences", "legal_basis",
    "cookies_tracking", "data_security", "policy_change", "do_not_track", "contact",
    "first_party_collection",
)  # fmt: skip


def _focus(a: Evidence, b: Evidence) -> set[str]:
    """The one category a negation or modal flip in this clause is about."""
    for pool in (a.categories | b.categories, a.topics | b.topics):
        for category in _FOCUS_ORDER:
            if category in pool:
                return {category}
    return {"other"}


def _quantity_label(context: set[str], values: list[str]) -> tuple[str, str]:
    if any(
        v.startswith("age ") or ("jaar" in v and "specific_audiences" in context) for v in values
    ):
        return "age", "specific_audiences"
    if any(re.search(r"[€$£]|eur|usd|dollar|%", v) for v in values):
        return "amount", _first(context, ("third_party_sharing", "first_party_collection"), "other")
    if "data_retention" in context:
        return "retention", "data_retention"
    if "user_access_edit_deletion" in context:
        return "deadline", "user_access_edit_deletion"
    if "specific_audiences" in context:
        return "age", "specific_audiences"
    return "period", "data_retention"


def _first(context: set[str], preferred: tuple[str, ...], default: str) -> str:
    return next((c for c in preferred if c in context), default)


def _multiset_diff(old: Iterable[str], new: Iterable[str]) -> tuple[list[str], list[str]]:
    a, b = Counter(old), Counter(new)
    return sorted((a - b).elements()), sorted((b - a).elements())


def _pair(removed: list[str], added: list[str]) -> str:
    left = ", ".join(f'"{x}"' for x in removed) or "-"
    right = ", ".join(f'"{x}"' for x in added) or "-"
    return f"{left} -> {right}"


def _around(text: str, pair: str, width: int = 4) -> str:
    """The words around a negation ("niet aan") in ``text``."""
    wanted = pair.split()
    words = text.split()
    bare = [w.lower().strip(".,;:!?\"'()") for w in words]
    for i in range(len(words)):
        if bare[i : i + len(wanted)] == wanted or (bare[i] == wanted[0] and i == len(words) - 1):
            start, end = max(0, i - width), min(len(words), i + width + 1)
            return (
                ("... " if start else "")
                + " ".join(words[start:end])
                + (" ..." if end < len(words) else "")
            )
    return pair


_SQUASH = re.compile(r"[\W_]+")


def _squash(text: str) -> str:
    return _SQUASH.sub("", text.casefold())


def _without_dates(text: str) -> str:
    text = re.sub(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d+", " ", text.lower())
    return " ".join(w for w in _WORD.findall(text) if w not in MONTHS)


def _cosmetic_reason(old: str, new: str) -> str | None:
    if _squash(old) == _squash(new):
        return "only case, punctuation or white space changed"
    if _without_dates(old) == _without_dates(new):
        return "only a date changed"
    a, b = _WORD.findall(old.casefold()), _WORD.findall(new.casefold())
    if len(a) == len(b):
        changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        if changed and all(
            Indel.normalized_similarity(x, y) >= 0.75 and not (any(c.isdigit() for c in x + y))
            for x, y in changed
        ):
            return "spelling: " + ", ".join(f'"{x}" -> "{y}"' for x, y in changed[:3])
    if Indel.normalized_similarity(_squash(old), _squash(new)) >= 0.97 and len(old) > 40:
        return "spelling or hyphenation variant"
    return None
