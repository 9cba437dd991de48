"""The classify stage: severity, categories and reasons for each clause change.

Decisions rest on evidence a person can check, read from the old and new
text of a clause (see ``lexicon.py`` for the term lists):

- quantities with units (durations, ages, deadlines, amounts, percentages);
- named organisations (well-known processors, names with a legal form such as
  "B.V." or "GmbH", and capitalised names in sharing and transfer clauses);
- terms per category (data kinds, purposes, recipients, rights, legal bases,
  transfers, audiences, trackers, security measures, notices);
- contacts: e-mail addresses, phone numbers, postal addresses and the channels
  links give (rights, opt-out and contact forms by domain: see ``links.py``;
  any other link target is not text a reader reads) and article references;
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
from dataclasses import replace

from rapidfuzz.distance import Indel

from monitor import patterns
from monitor.judge.cues import (
    BREACH,
    CATEGORY_WORD,
    PER_DAY,
    PRACTICE_TOPICS,
    PRACTICE_WORDS,
    REQUEST,
    UNIT_NAMES,
    WORD,
)
from monitor.judge.evidence import (
    Evidence,
    categories_of_sentence,
    clause_categories,
    evidence,
    whole_categories,
)
from monitor.judge.lexicon import EVIDENCE, PURPOSES
from monitor.judge.links import channels, reader_text
from monitor.judge.names import unpaired
from monitor.judge.scope import list_items_changed
from monitor.judge.surface import cosmetic_reason, surface_only
from monitor.models import ClauseChange, Severity
from monitor.text.segment import split_sentences

__all__ = ["classify_change", "in_language"]


_QUOTED = patterns.compile(r'"([^"]+)"')
# Term labels are "Dutch/English" ("locatiegegevens/location data"): a reason shows one.
_BILINGUAL = frozenset(
    label for labels in (*EVIDENCE.values(), PURPOSES) for label in labels if "/" in label
)


def in_language(change: ClauseChange, language: str | None) -> ClauseChange:
    """The change with its reasons naming terms in the policy's language: Dutch for a
    Dutch policy, English otherwise (the reasons themselves are English)."""

    def pick(match: re.Match[str]) -> str:
        label = match.group(1)
        if label not in _BILINGUAL:
            return match.group(0)
        dutch, english = label.split("/", 1)
        return f'"{dutch if language == "nl" else english}"'

    if not change.reasons:
        return change
    return replace(change, reasons=tuple(_QUOTED.sub(pick, r) for r in change.reasons))


def classify_change(change: ClauseChange) -> ClauseChange:
    """The change with its severity, categories and reasons filled in."""
    if change.kind == "moved":
        text = change.new.text if change.new else ""
        return replace(
            change,
            severity=Severity.COSMETIC,
            categories=tuple(sorted(clause_categories(text))),
            reasons=("clause moved",),
        )
    if change.kind in ("added", "removed"):
        clause = change.new if change.kind == "added" else change.old
        return _classify_whole(change, clause.text if clause else "", change.kind)
    old = change.old.text if change.old else ""
    new = change.new.text if change.new else ""
    return _classify_modified(change, old, new)


def _classify_whole(change: ClauseChange, text: str, kind: str) -> ClauseChange:
    found = evidence(text)
    categories = whole_categories(found)
    clause = change.new or change.old
    if clause is not None and (clause.kind == "heading" or _is_label(clause.kind, text, found)):
        return replace(
            change,
            severity=Severity.MINOR,
            categories=tuple(sorted(categories)),
            reasons=(f"{'heading' if clause.kind == 'heading' else 'short label'} {kind}",),
        )
    if not categories:
        return replace(change, severity=Severity.MINOR, categories=(), reasons=(f"clause {kind}",))
    details = sorted(
        {label for _, label in found.terms}
        | set(found.quantities)
        | found.organisations
        | found.contacts
    )
    shown = ", ".join(f'"{d}"' for d in details[:4]) + (", ..." if len(details) > 4 else "")
    reason = f"clause {kind} on {', '.join(sorted(categories))}" + (f": {shown}" if shown else "")
    return replace(
        change, severity=Severity.MATERIAL, categories=tuple(sorted(categories)), reasons=(reason,)
    )


def _is_label(kind: str, text: str, found: Evidence) -> bool:
    """A paragraph of at most three capitalised words that names no organisation, contact
    or quantity ("Cookie Notice"): a title or a link label, not a statement about a
    practice ("Precise location data" is one)."""
    words = reader_text(text).split()
    return (
        kind == "paragraph"
        and len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and not (found.organisations or found.contacts or found.quantities)
    )


def _classify_modified(change: ClauseChange, old: str, new: str) -> ClauseChange:
    if reader_text(old) == reader_text(new) and channels(old) == channels(new):
        reason = "only link targets changed; the text and its contact channels are the same"
        return replace(change, severity=Severity.COSMETIC, categories=(), reasons=(reason,))
    surface = surface_only(old, new)
    if surface:  # case, punctuation or spelling: the words mean what they meant
        return replace(change, severity=Severity.COSMETIC, categories=(), reasons=(surface,))
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
    gained, lost = unpaired(
        b.organisations - a.organisations,
        a.organisations - b.organisations,
        a.organisations & b.organisations,
    )
    for org in gained:
        reasons.append(f'new recipient: "{org}"')
        categories.add("third_party_sharing")
    for org in lost:
        reasons.append(f'recipient removed: "{org}"')
        categories.add("third_party_sharing")
    for cat, label in sorted(b.terms - a.terms):
        reasons.append(f'{CATEGORY_WORD[cat]} added: "{label}"')
        categories.add(cat)
    for cat, label in sorted(a.terms - b.terms):
        reasons.append(f'{CATEGORY_WORD[cat]} removed: "{label}"')
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
    if a.sites != b.sites and context:
        # Sites named in a clause about a practice: where cookies are set, who receives.
        lost_sites, gained_sites = sorted(a.sites - b.sites), sorted(b.sites - a.sites)
        reasons.append(f"sites: {_pair(lost_sites, gained_sites)}")
        tracking = {"cookies_tracking", "third_party_sharing"} & context
        categories.add(min(tracking) if tracking else "third_party_sharing")
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
    if context:  # an item dropped from (or added to) a list of what is not done
        for kind, item in list_items_changed(old, new):
            reasons.append(f'scope of a promise not to: "{item}" {kind}')
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
            severity=Severity.MATERIAL,
            categories=tuple(sorted(categories)),
            reasons=tuple(reasons),
        )
    cosmetic = cosmetic_reason(old, new)
    if cosmetic:
        return replace(change, severity=Severity.COSMETIC, categories=(), reasons=(cosmetic,))
    return replace(
        change,
        severity=Severity.MINOR,
        categories=(),
        reasons=("reworded; no change of data, purpose, recipient, period or right found",),
    )


def _unit(unit: str) -> str | None:
    for name, stems in UNIT_NAMES:
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
        out.append(f"{round(low * PER_DAY[name])} days" if name else quantity)
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


def _counts_as_flip(pair: str, here: Evidence, there: Evidence) -> bool:
    """Whether a negation present ``here`` and not ``there`` changes what is said."""
    if sum(here.negation_words.values()) != sum(there.negation_words.values()):
        return True  # one more or one fewer negation of a practice ("nooit" -> "geen" is none)
    governed = pair.split()[1] if " " in pair else ""
    return bool(governed) and any(p.search(governed) for p in PRACTICE_WORDS)


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
        other_words = set(WORD.findall(other_text.lower()))
        # what the other side's changed sentences speak of is not news
        covered: set[str] = set().union(
            *(categories_of_sentence(t) for t in theirs if t not in mine)
        )
        for sentence in mine:
            if sentence in theirs:
                continue
            best = max((Indel.normalized_similarity(sentence, t) for t in theirs), default=0.0)
            words = [w for w in WORD.findall(sentence.lower()) if len(w) > 3]
            contained = sum(w in other_words for w in words) / max(1, len(words))
            if best < 0.6 and contained < 0.7:
                news = categories_of_sentence(sentence) - covered
                if news:
                    found.append((kind, sentence, news))
    return found


def _focus(a: Evidence, b: Evidence) -> set[str]:
    """The categories a negation or modal flip is about: everything the clause speaks of."""
    found: set[str] = a.categories | b.categories
    if not found:
        found = set((a.topics | b.topics) & (PRACTICE_TOPICS | {"first_party_collection"}))
    return found or {"other"}


def _quantity_label(context: set[str], values: list[str], text: str) -> tuple[str, str]:
    """What a changed number with a unit is about, read from the clause around it."""
    lower = text.lower()
    if any(v.startswith("age ") for v in values) or (
        "specific_audiences" in context and any("jaar" in v or "year" in v for v in values)
    ):
        return "age", "specific_audiences"
    if BREACH.search(lower):
        return "breach deadline", "data_security"
    if "other" in context:
        return "period", "other"
    if REQUEST.search(lower) and "user_access_edit_deletion" in context:
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
