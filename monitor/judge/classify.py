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

from monitor.judge.lexicon import (
    DEFINITE,
    EVIDENCE,
    MONTHS,
    NEGATION_IDIOMS,
    NEGATIONS,
    NUMBER_WORDS,
    ORGANISATIONS,
    PERMISSIVE,
    PURPOSES,
    TOPIC,
)
from monitor.models import ClauseChange, Severity
from monitor.text.segment import split_sentences

__all__ = ["SEVERITY_ORDER", "Evidence", "classify_change", "evidence", "max_severity"]

SEVERITY_ORDER = Severity.names()

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
    r"S\.A\.?|SAS|SARL|SE|plc|Corp\.?|Limited|Co\.)(?!\w)"
)
# A capitalised name counts as a recipient only where a clause says to whom data goes.
_CAPITALISED = re.compile(
    r"(?:\b(?:met|aan|naar|door|with|to|by|from|mit|an|von|avec|à|par)\s+(?:\w+\s+){0,2}?)"
    r"([A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+)*"
    r"(?:\s*(?:,|en|and|of|or|et|ou)\s+[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+)*)*)"
)
_GERMAN = re.compile(r"\b(und|der|die|das|nicht|wir|ihre?n?|werden|für)\b")
_NAME_SPLIT = re.compile(r"\s*(?:,|\ben\b|\band\b|\bof\b|\bor\b|\bet\b|\bou\b)\s*")
_SCOPE = re.compile(
    r"(?<!\w)(uitsluitend|alleen|enkel|slechts|exclusively|solely|only|ausschließlich|nur|"
    r"lediglich|uniquement|seulement|exclusivement|onder andere|onder meer|among others|"
    r"unter anderem|entre autres|tenzij|behalve|unless|except|es sei denn|außer|sauf|"
    r"à moins)(?!\w)"
)
_WORD = re.compile(r"[\w'-]+")
_ADDRESS = re.compile(
    r"\b[\w.'-]*(?:straat|straße|strasse|laan|weg|plein|gracht|kade|singel|dijk|street|road|"
    r"avenue|lane|boulevard|rue|allee|platz|gasse)\s+\d+[a-z]?\b|\b\d{4}\s?[A-Z]{2}\b",
    re.IGNORECASE,
)
_IDIOMS = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, NEGATION_IDIOMS)) + r")(?!\w)")
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
_PRACTICE_WORDS = [*_TOPIC_RE.values(), *(p for ps in _EVIDENCE_RE.values() for _, p in ps)]


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

    @property
    def categories(self) -> set[str]:
        return {cat for cat, _ in self.terms}


@lru_cache(maxsize=4096)
def evidence(text: str) -> Evidence:
    """Read the evidence in one clause text (cached: the same clause is read once)."""
    lower = text.lower()
    terms: Counter[tuple[str, str]] = Counter()
    for cat, patterns in _EVIDENCE_RE.items():
        for label, pattern in patterns:
            count = sum(1 for _ in pattern.finditer(lower))
            if count:
                terms[(cat, label)] = count
    topics = frozenset(cat for cat, pattern in _TOPIC_RE.items() if pattern.search(lower))
    quantities = [_quantity(m) for m in _QUANTITY.finditer(lower)]
    quantities += [f"age {_number(m.group(1))}" for m in _AGE.finditer(lower)]
    quantities += [re.sub(r"\s+", "", m.group(0)) for m in _MONEY.finditer(lower)]
    quantities += [re.sub(r"\s+", "", m.group(0)) for m in _PERCENT.finditer(lower)]
    organisations = {m.group(1) for m in _ORGS.finditer(lower)}
    organisations |= {m.group(0).lower() for m in _LEGAL_FORM.finditer(text)}
    # German capitalises every noun: there only listed names and legal forms count.
    if {c for c, _ in terms} & _SENSITIVE_FOR_NAMES and _GERMAN.search(lower) is None:
        for m in _CAPITALISED.finditer(text):
            for name in _NAME_SPLIT.split(m.group(1)):
                name = name.rstrip(".,")
                if name.lower() not in _NOT_NAMES and len(name) > 2:
                    organisations.add(name.lower())
    contacts = {m.group(0).lower().rstrip(".,") for m in _EMAIL.finditer(text)}
    contacts |= {m.group(0).lower().rstrip(".,;") for m in _URL.finditer(text)}
    contacts |= {
        re.sub(r"\D", "", m.group(0))
        for m in _PHONE.finditer(text)
        if not _looks_like_date(m.group(0))
    }
    contacts |= {re.sub(r"\s+", " ", m.group(0).lower()) for m in _ADDRESS.finditer(text)}
    articles = {re.sub(r"\s+", " ", m.group(0).lower()) for m in _ARTICLE.finditer(text)}
    words = _WORD.findall(_IDIOMS.sub(" ", lower))
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
        negation_words=_practice_negations(_IDIOMS.sub(" ", lower)),
        scope=Counter(m.group(0) for m in _SCOPE.finditer(lower)),
        permissive=Counter(w for w in words if w in PERMISSIVE),
        definite=Counter(w for w in words if w in DEFINITE),
    )


@lru_cache(maxsize=16384)
def _practice_word(word: str) -> bool:
    return any(p.match(word) for p in _PRACTICE_WORDS)


_SENTENCE_END = re.compile(r"[.!?;]\s")


def _practice_negations(lower: str, window: int = 6) -> Counter[str]:
    """Negations standing within ``window`` words of a word about a practice, in the
    same sentence ("verkopen ... niet", "not sell"; not "not satisfied")."""
    found: Counter[str] = Counter()
    for sentence in _SENTENCE_END.split(lower):
        words = _WORD.findall(sentence)
        for i, w in enumerate(words):
            if (w in NEGATIONS or w.endswith("n't")) and any(
                _practice_word(x) for x in words[max(0, i - window) : i + window + 1]
            ):
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


def max_severity(severities: Iterable[str]) -> str:
    return Severity.highest(severities).value


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


# Topics that make a clause about a practice even without a listed term:
# "Daarna worden de gegevens verwijderd." is about retention.
_PRACTICE_TOPICS = {"data_retention", "third_party_sharing", "data_security", "user_choice_control"}


def _whole_categories(found: Evidence) -> set[str]:
    """The sensitive categories an added or removed clause (or sentence) is about."""
    categories = set(found.categories)
    if found.quantities and "data_retention" in found.topics | categories:
        categories.add("data_retention")
    if found.organisations:
        categories.add("third_party_sharing")
    if found.contacts:
        categories.add("contact")
    return categories | (found.topics & _PRACTICE_TOPICS)


_DELETION = re.compile(
    r"(?<!\w)(verwijder|wis|gewist|vernietig|delete|erase|lösch|gelöscht|supprim|efface)"
)


def _sentence_categories(sentence: str) -> set[str]:
    """What a sentence gained or lost inside a clause is about. Stricter than a whole
    clause: topic words alone ("stored", "shared") do not count, except a deletion."""
    found = evidence(sentence)
    categories = set(found.categories)
    if found.organisations:
        categories.add("third_party_sharing")
    if found.contacts:
        categories.add("contact")
    if "data_retention" in found.topics and (
        found.quantities or _DELETION.search(sentence.lower())
    ):
        categories.add("data_retention")
    return categories


def _classify_whole(change: ClauseChange, text: str, kind: str) -> ClauseChange:
    found = evidence(text)
    categories = _whole_categories(found)
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
    surface = _surface_only(old, new)
    if surface:  # case, punctuation or spelling: the words mean what they meant
        return replace(change, severity="cosmetic", categories=(), reasons=(surface,))
    a, b = evidence(old), evidence(new)
    reasons: list[str] = []
    categories: set[str] = set()
    context = a.categories | b.categories | a.topics | b.topics

    removed_q, added_q = _multiset_diff(_lengths(a.quantities), _lengths(b.quantities))
    removed_q, added_q = _shown(removed_q, a.quantities), _shown(added_q, b.quantities)
    if removed_q or added_q:
        label, category = _quantity_label(context, removed_q + added_q, f"{old} {new}")
        reasons.append(f"{label}: {_pair(removed_q, added_q)}")
        categories.add(category)
    gained, lost = _unpaired(b.organisations - a.organisations, a.organisations - b.organisations)
    for org in gained:
        reasons.append(f'new recipient: "{org}"')
        categories.add("third_party_sharing")
    for org in lost:
        reasons.append(f'recipient removed: "{org}"')
        categories.add("third_party_sharing")
    for cat, label in sorted(b.terms - a.terms):
        reasons.append(f'{_CATEGORY_WORD[cat]} added: "{label}"')
        categories.add(cat)
    for cat, label in sorted(a.terms - b.terms):
        reasons.append(f'{_CATEGORY_WORD[cat]} removed: "{label}"')
        categories.add(cat)
    for word in sorted(set(a.scope) | set(b.scope)):
        if a.scope[word] != b.scope[word]:
            change_word = "removed" if a.scope[word] > b.scope[word] else "added"
            reasons.append(f'scope: "{word}" {change_word}')
            categories |= _focus(a, b)
    if a.contacts != b.contacts:
        reasons.append(
            f"contact: {_pair(sorted(a.contacts - b.contacts), sorted(b.contacts - a.contacts))}"
        )
        categories.add("contact")
    if a.articles != b.articles:
        old_refs, new_refs = sorted(a.articles - b.articles), sorted(b.articles - a.articles)
        reasons.append(f"legal reference: {_pair(old_refs, new_refs)}")
        categories.add("legal_basis")
    # Negations are counted by word; one that moved to another word counts when that word
    # carries a practice ("niet verkopen" -> "niet nodig" is a flip, "niet goed" is not).
    lost_neg, gained_neg = a.negations - b.negations, b.negations - a.negations
    for pair in sorted(lost_neg.elements()):
        if _counts_as_flip(pair, a, b):
            reasons.append(f'negation removed: "{_around(old, pair)}"')
            categories |= _focus(a, b)
    for pair in sorted(gained_neg.elements()):
        if _counts_as_flip(pair, b, a):
            reasons.append(f'negation added: "{_around(new, pair)}"')
            categories |= _focus(a, b)
    for kind, sentence, sentence_categories in _whole_sentences(old, new):
        if sentence_categories:
            short = sentence if len(sentence) <= 90 else sentence[:87] + "..."
            reasons.append(
                f'sentence {kind} on {", ".join(sorted(sentence_categories))}: "{short}"'
            )
            categories |= sentence_categories
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


_PER_DAY = {"day": 1.0, "week": 7.0, "month": 365 / 12, "year": 365.0, "hour": 1 / 24,
            "minute": 1 / 1440, "second": 1 / 86400}  # fmt: skip
_UNIT_NAMES = (
    ("hour", ("uur", "uren", "hour", "stunde", "heure")),
    ("minute", ("minu",)),
    ("second", ("second", "sekunde")),
    ("day", ("dag", "day", "tag", "jour", "werkdag", "business day", "working day")),
    ("week", ("week", "weken", "woche", "semaine")),
    ("month", ("maand", "month", "monat", "mois")),
    ("year", ("jaar", "jaren", "year", "jahr", "an", "année")),
)


def _unit(unit: str) -> str | None:
    for name, stems in _UNIT_NAMES:
        if any(unit == stem or unit.startswith(stem) for stem in stems):
            return name
    return None


def _lengths(quantities: tuple[str, ...]) -> list[str]:
    """Durations as a number of days (so "2 jaar" and "24 maanden" are equal); other
    quantities as they are. Working days stay apart from calendar days."""
    out = []
    for quantity in quantities:
        amount, _, unit = quantity.partition(" ")
        name = _unit(unit) if "werk" not in unit and "business" not in unit else None
        try:
            low = float(amount.split("-")[0])
        except ValueError:
            name = None
        out.append(f"{round(low * _PER_DAY[name])} days" if name else quantity)
    return out


def _shown(lengths: list[str], quantities: tuple[str, ...]) -> list[str]:
    """The written forms of the quantities whose lengths differ (for the reason)."""
    pool = list(quantities)
    shown = []
    for length in lengths:
        for quantity in pool:
            if _lengths((quantity,)) == [length]:
                shown.append(quantity)
                pool.remove(quantity)
                break
    return shown


_PROTECTED = NEGATIONS | PERMISSIVE | DEFINITE


def _surface_only(old: str, new: str) -> str | None:
    """A reason when two texts differ only in case, punctuation or spelling of words
    (never a number, a negation or a modal)."""
    if _squash(old) == _squash(new):
        return "only case, punctuation or white space changed"
    return _spelling(old, new, threshold=0.8, protected=_PROTECTED)


def _spelling(
    old: str, new: str, *, threshold: float, protected: frozenset[str] = frozenset()
) -> str | None:
    """A reason when the texts have the same words but for a few spelled differently:
    each differing pair at least ``threshold`` alike, with no digit and no word of
    ``protected``."""
    a, b = _WORD.findall(old.casefold()), _WORD.findall(new.casefold())
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


def _unpaired(
    gained: set[str] | frozenset[str], lost: set[str] | frozenset[str]
) -> tuple[list[str], list[str]]:
    """Names gained and lost, less the pairs that are one name spelled two ways."""
    gained_left, lost_left = sorted(gained), sorted(lost)
    for name in list(gained_left):
        match = next((o for o in lost_left if Indel.normalized_similarity(name, o) >= 0.85), None)
        if match is not None:
            gained_left.remove(name)
            lost_left.remove(match)
    return gained_left, lost_left


def _counts_as_flip(pair: str, here: Evidence, there: Evidence) -> bool:
    """Whether a negation present ``here`` and not ``there`` changes what is said."""
    if sum(here.negation_words.values()) != sum(there.negation_words.values()):
        return True  # one more or one fewer negation of a practice ("nooit" -> "geen" is none)
    governed = pair.split()[1] if " " in pair else ""
    return bool(governed) and any(p.search(governed) for p in _PRACTICE_WORDS)


def _whole_sentences(old: str, new: str) -> list[tuple[str, str, set[str]]]:
    """Sentences one side has and the other has nothing like: a clause within the clause.

    Each comes with the sensitive categories it brings that the other side's
    changed sentences do not speak of (an opt-out sentence reworded into another
    opt-out sentence brings none). A sentence whose words the other side holds
    almost all of was only split or joined, not added or removed.
    """
    if old == new:
        return []
    a, b = split_sentences(old), split_sentences(new)
    if len(a) + len(b) <= 2:
        return []
    found = []
    for kind, mine, theirs, other_text in (("removed", a, b, new), ("added", b, a, old)):
        other_words = set(_WORD.findall(other_text.lower()))
        # what the other side's changed sentences speak of is not news
        covered: set[str] = set().union(*(_sentence_categories(t) for t in theirs if t not in mine))
        for sentence in mine:
            if sentence in theirs:
                continue
            best = max((Indel.normalized_similarity(sentence, t) for t in theirs), default=0.0)
            words = [w for w in _WORD.findall(sentence.lower()) if len(w) > 3]
            contained = sum(w in other_words for w in words) / max(1, len(words))
            if best < 0.6 and contained < 0.7:
                news = _sentence_categories(sentence) - covered
                if news:
                    found.append((kind, sentence, news))
    return found


def _focus(a: Evidence, b: Evidence) -> set[str]:
    """The categories a negation or modal flip is about: everything the clause speaks of."""
    found: set[str] = a.categories | b.categories
    if not found:
        found = set((a.topics | b.topics) & (_PRACTICE_TOPICS | {"first_party_collection"}))
    return found or {"other"}


_REQUEST = re.compile(
    r"\b(verzoek|aanvraag|request|anfrage|antrag|demande|reageren|beantwoord|respond|antwoord|"
    r"réponse|antworten)"
)
_BREACH = re.compile(r"datalek|data breach|security breach|inbreuk|datenpanne|violation de données")


def _quantity_label(context: set[str], values: list[str], text: str) -> tuple[str, str]:
    """What a changed number with a unit is about, read from the clause around it."""
    lower = text.lower()
    if any(v.startswith("age ") for v in values) or (
        "specific_audiences" in context and any("jaar" in v or "year" in v for v in values)
    ):
        return "age", "specific_audiences"
    if _BREACH.search(lower):
        return "breach deadline", "data_security"
    if "other" in context:
        return "period", "other"
    if _REQUEST.search(lower) and "user_access_edit_deletion" in context:
        return "deadline", "user_access_edit_deletion"
    if any(re.search(r"[€$£]|eur|usd|dollar|%", v) for v in values):
        if "user_access_edit_deletion" in context:
            return "fee", "user_access_edit_deletion"
        return "amount", _first(context, ("third_party_sharing", "first_party_collection"), "other")
    if "data_retention" in context:
        return "retention", "data_retention"
    if "user_access_edit_deletion" in context:
        return "deadline", "user_access_edit_deletion"
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


def _word_ops(old: str, new: str) -> list[tuple[str, str]]:
    """Words that one text has and the other lacks, with the side they are on."""
    a, b = Counter(_WORD.findall(old)), Counter(_WORD.findall(new))
    return [("delete", w) for w in (a - b)] + [("insert", w) for w in (b - a)]


def _cosmetic_reason(old: str, new: str) -> str | None:
    """Why a clause with no changed evidence is cosmetic (after :func:`_surface_only`
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
    ):
        return "spelling or hyphenation variant"
    return None
