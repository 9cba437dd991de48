"""Fuzzy scoring of one block of unpaired clauses, for ``monitor.judge.align``.

``scores(queries, choices, threshold, budget)`` gives every pair of texts at or
above ``threshold`` (``fuzz.ratio``, 0..1). A large block scores only the pairs
that share one of their rarer words (blocking), so the cost follows the number
of plausible pairs rather than the block's area; past ``budget`` comparisons a
block compares each text only with those near its relative position.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence, Set
from typing import Any

from rapidfuzz import fuzz, process

from monitor import patterns

__all__ = [
    "BLOCK_MIN_CELLS",
    "CDIST_MIN_CELLS",
    "RARE_WORDS",
    "Candidate",
    "rare_overlaps",
    "scores",
]

logger = logging.getLogger(__name__)

CDIST_MIN_CELLS = 200_000
"""Blocks this large use ``process.cdist`` on all cores when numpy is installed."""

BLOCK_MIN_CELLS = 20_000
"""Blocks this large score only pairs that share a rarer word (``_sharing_a_rare_word``)."""

RARE_WORDS = 8
"""How many of a clause's rarest words (over both sides of a block) pick its pairs."""

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
    if CDIST_MIN_CELLS <= n * m <= budget and _has_numpy():
        return _cdist_scores(queries, choices, cutoff)
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


@functools.cache
def _has_numpy() -> bool:
    """Whether rapidfuzz's ``cdist`` can run (asked once, when a block is that large)."""
    return importlib.util.find_spec("numpy") is not None


def _sharing_a_rare_word(queries: list[str], choices: list[str]) -> dict[int, list[int]]:
    """For each query, the choices worth scoring: see ``rare_overlaps``. Two clauses at
    least half alike (``fuzz.ratio`` >= 50) share most of their words, and with them
    some of the rarer ones, so the pairs left out are almost always pairs the
    threshold drops anyway."""
    return rare_overlaps([_words(text) for text in queries], [_words(text) for text in choices])


def rare_overlaps(
    query_keys: Sequence[Set[str]], choice_keys: Sequence[Set[str]]
) -> dict[int, list[int]]:
    """``{query index: [choice index, ...]}``: the choices holding one of the query's
    ``RARE_WORDS`` rarest keys, or whose own rarest keys the query holds.

    Only keys found on both sides are ranked (a word an edit brought in, found
    nowhere else, can pair nothing), rarest first. Both the ranking and that
    filter look at both sides alike, so swapping them gives the same pairs; the
    cost follows the number of plausible pairs, not the block's area.
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

    def rarest(keys: Set[str]) -> list[str]:
        return sorted(keys & shared, key=rank.__getitem__)[:RARE_WORDS]

    pairs: dict[int, set[int]] = defaultdict(set)
    for r, keys in enumerate(query_keys):
        for key in rarest(keys):
            pairs[r].update(by_choice[key])
    for c, keys in enumerate(choice_keys):
        for key in rarest(keys):
            for r in by_query[key]:
                pairs[r].add(c)
    return {r: sorted(cs) for r, cs in pairs.items()}


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


def _cdist_scores(queries: list[str], choices: list[str], cutoff: float) -> list[Candidate]:
    """``scores`` through ``process.cdist`` on all cores (rapidfuzz needs numpy for it)."""
    from rapidfuzz.process import cdist  # type: ignore[attr-defined, unused-ignore]

    matrix: Any = cdist(
        queries, choices, scorer=fuzz.ratio, score_cutoff=cutoff, dtype="float64", workers=-1
    )
    rows, cols = matrix.nonzero()
    return [
        (float(matrix[r, c]) / 100.0, int(r), int(c))
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
    ]
