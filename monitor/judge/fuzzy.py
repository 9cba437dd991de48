"""Fuzzy scoring of one block of unpaired clauses, for ``monitor.judge.align``.

``scores(queries, choices, threshold, budget)`` gives every pair of texts at or
above ``threshold`` (``fuzz.ratio``, 0..1). A large block scores each text
only with the few texts of the other side that share the most of its rarer
words (blocking): the pairs scored grow with the number of texts rather than
the block's area (choosing them reads, for each text, the texts holding its
two rarest words, which in a block of look-alike rows can be most of them);
past ``budget`` comparisons a block compares each text only with those near
its relative position.

Blocking can leave out a pair that scoring every pair would take, when the
two share few of their rarer words: on real policies that is chance likeness
(two unrelated clauses of a rewritten policy that share a long link score
0.5-0.7), though a heavily reworded clause could be one.
``python -m benchmarks.diff_bench --real`` counts them on real pairs.
"""

from __future__ import annotations

import bisect
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence, Set

from rapidfuzz import fuzz, process

from monitor import patterns

__all__ = [
    "BLOCK_MIN_CELLS",
    "PARTNERS",
    "RARE_WORDS",
    "Candidate",
    "rare_overlaps",
    "scores",
]

logger = logging.getLogger(__name__)

BLOCK_MIN_CELLS = 5_000
"""Blocks this large score only the pairs ``rare_overlaps`` picks."""

RARE_WORDS = 8
"""How many of a clause's rarest words (over both sides of a block) pick its pairs."""

PARTNERS = 16
"""How many of the best-sharing clauses of the other side each clause is scored with."""

POSTINGS = 64
"""Past two keys, a clause's rarest keys are read while the lengths of their lists of
clauses on the other side add up to at most this (a clause holding two counts twice)."""

_WORD = patterns.compile(r"\w+")

Candidate = tuple[float, int, int]  # (score 0..1, query index, choice index)


def scores(
    queries: list[str], choices: list[str], threshold: float, budget: int
) -> list[Candidate]:
    """``(score, query index, choice index)`` for every pair scoring at least ``threshold``.

    Past ``budget`` comparisons each query is compared only with the choices in
    a band around its relative position, so the cost stays near ``budget``.
    """
    cutoff = threshold * 100.0
    n, m = len(queries), len(choices)
    if n * m >= BLOCK_MIN_CELLS:
        pairs = _sharing_a_rare_word(queries, choices)
        if sum(len(cols) for cols in pairs.values()) <= budget:
            return _pair_scores(queries, choices, pairs, cutoff)
    half = m
    if n * m > budget:
        half = max(1, budget // (2 * n))
        logger.debug("fuzzy group of %d x %d clauses: comparing within +-%d", n, m, half)
    found: list[Candidate] = []
    for r, query in enumerate(queries):
        centre = r * m // n
        lo, hi = max(0, centre - half), min(m, centre + half + 1)
        band = choices if (lo, hi) == (0, m) else choices[lo:hi]
        for _, score, c in process.extract(
            query, band, scorer=fuzz.ratio, limit=None, score_cutoff=cutoff
        ):
            found.append((score / 100.0, r, lo + c))
    return found


def _sharing_a_rare_word(queries: list[str], choices: list[str]) -> dict[int, list[int]]:
    """For each query, the choices worth scoring: see ``rare_overlaps``. An edited
    clause shares most of its words with what it was, and with them its rarer
    ones, so it ranks among the first of the choices that share them."""
    return rare_overlaps([_words(text) for text in queries], [_words(text) for text in choices])


def rare_overlaps(
    query_keys: Sequence[Set[str]], choice_keys: Sequence[Set[str]]
) -> dict[int, list[int]]:
    """``{query index: [choice index, ...]}``: for each query, the ``PARTNERS`` choices
    that hold the most of its rarest keys; for each choice, the ``PARTNERS`` queries
    that hold the most of its own; the union of both.

    Only keys found on both sides are ranked (a word an edit brought in, found
    nowhere else, can pair nothing), rarest first; a clause reads up to
    ``RARE_WORDS`` of them (see ``rarest``). Ties go to the clause nearer in
    relative position, then the lower index. Both sides are read alike, so
    swapping them gives the same pairs; and there are at most ``PARTNERS`` times
    as many pairs as clauses on both sides together, however large the block.
    """
    frequency: Counter[str] = Counter()
    by_query: dict[str, list[int]] = defaultdict(list)
    by_choice: dict[str, list[int]] = defaultdict(list)
    for r, keys in enumerate(query_keys):
        frequency.update(keys)
        for key in keys:
            by_query[key].append(r)
    for c, keys in enumerate(choice_keys):
        frequency.update(keys)
        for key in keys:
            by_choice[key].append(c)
    shared = by_query.keys() & by_choice.keys()
    rank = {key: n for n, key in enumerate(sorted(shared, key=lambda k: (frequency[k], k)))}

    def rarest(keys: Set[str], other: dict[str, list[int]]) -> list[str]:
        """The rarest keys, two at least, then while their clauses on the other
        side number at most ``POSTINGS``: a common word adds work, not a choice."""
        picked: list[str] = []
        seen = 0
        for key in sorted(keys & shared, key=rank.__getitem__)[:RARE_WORDS]:
            seen += len(other[key])
            if len(picked) >= 2 and seen > POSTINGS:
                break
            picked.append(key)
        return picked

    n, m = max(len(query_keys), 1), max(len(choice_keys), 1)
    pairs: dict[int, set[int]] = defaultdict(set)
    for r, keys in enumerate(query_keys):
        found = Counter(c for key in rarest(keys, by_choice) for c in by_choice[key])
        pairs[r].update(_best(found, r * m / n))
    for c, keys in enumerate(choice_keys):
        found = Counter(r for key in rarest(keys, by_query) for r in by_query[key])
        for r in _best(found, c * n / m):
            pairs[r].add(c)
    return {r: sorted(cs) for r, cs in pairs.items()}


def _best(weight: Counter[int], place: float) -> list[int]:
    """The ``PARTNERS`` heaviest indices of ``weight``; ties go to the index nearer
    ``place`` (the clause's relative position, scaled to the other side), then the lower."""
    if len(weight) <= PARTNERS:
        return list(weight)
    floor = sorted(weight.values(), reverse=True)[PARTNERS - 1]
    best = [k for k, w in weight.items() if w > floor]
    tied = sorted(k for k, w in weight.items() if w == floor)
    right = bisect.bisect_left(tied, place)
    left = right - 1
    while len(best) < PARTNERS:  # the tied nearest ``place``, outwards from it
        if right >= len(tied) or (left >= 0 and place - tied[left] <= tied[right] - place):
            best.append(tied[left])
            left -= 1
        else:
            best.append(tied[right])
            right += 1
    return best


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.casefold()) if len(word) > 2}


def _pair_scores(
    queries: list[str], choices: list[str], pairs: dict[int, list[int]], cutoff: float
) -> list[Candidate]:
    """``scores`` over the given pairs only (``{query index: [choice index, ...]}``)."""
    found: list[Candidate] = []
    for r, cols in sorted(pairs.items()):
        band = [choices[c] for c in cols]
        for _, score, k in process.extract(
            queries[r], band, scorer=fuzz.ratio, limit=None, score_cutoff=cutoff
        ):
            found.append((score / 100.0, r, cols[k]))
    return found
