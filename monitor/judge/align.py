"""Align the clauses of two versions: unchanged, moved, modified, added and removed.

``align(old, new)`` pairs clauses in four passes, each working only on what the
passes before it left unpaired, so that the cost follows the size of the change
rather than the size of the policy:

1. **Exact.** Clauses with the same ``text`` pair wherever they are.  A text that
   occurs once on each side pairs directly; repeated texts pair in order, or, when
   the counts differ, by an order-keeping assignment that keeps each occurrence
   closest to its relative place.  A longest increasing subsequence over the
   positions of these pairs (O(n log n)) gives the pairs that kept their relative
   order: those are *unchanged*, the others *moved*.
2. **Fuzzy, within a section.** Leftovers are scored with ``fuzz.ratio`` (rapidfuzz,
   0..1) between clauses of the same section path and kind (headings only with
   headings), ``process.extract`` one row at a time.  A block of 5,000 pairs or
   more scores each clause only with the 16 of the other side that share the
   most of its rarer words, and the 16 that share the most of theirs
   (``monitor.judge.fuzzy``).  Pairs at or
   above ``threshold`` are taken greedily, best first; ties go to the pair nearer
   in relative position, then by text, so that swapping old and new gives the
   mirror result.  A paired clause is
   *modified*, also when it moved as well.
3. **Fuzzy, across sections.** The same for what is left, ignoring the section.
4. **Splits and merges.** A clause that became several (or several that became
   one) scores low with ``ratio`` when no part holds most of the text.  Leftovers
   whose word pairs are mostly contained in a leftover on the other side are
   paired with the best-covering part (*modified*, with its ``ratio`` as
   similarity, which may be below ``threshold``); the other parts stay *added*
   (or *removed*) -- never *removed* plus two *added* for one split.

Unpaired old clauses are *removed*, unpaired new ones *added*.  A moved clause is
``cosmetic`` (DESIGN.md); every other severity is left to the classify stage.

Each fuzzy pass costs at most about ``MAX_CELLS`` comparisons, shared among its
groups by size: a group over its share compares each clause only with those in a
band around its relative position, so time and memory stay bounded even when a
policy is rewritten from scratch (8,000 clauses: about 2 s, a few MB).  The
split pass is skipped when its leftovers exceed ``MAX_CELLS`` pairs.

``align`` also fills ``inline`` (``monitor.judge.inline``) of each modified
change, unless called with ``inline=False``.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from monitor import patterns
from monitor.judge.fuzzy import Candidate, scores
from monitor.judge.inline import inline_diff
from monitor.models import Clause, ClauseChange, Severity

__all__ = ["MAX_CELLS", "Alignment", "align"]

logger = logging.getLogger(__name__)

MAX_CELLS = 500_000
"""The most fuzzy comparisons one pass may cost (about 1 s of 300-character clauses)."""

SPLIT_CONTAINMENT = 0.75
"""Share of the shorter clause's word pairs that must occur in the longer one."""

SPLIT_MIN_PAIRS = 3
"""A part shorter than this many word pairs is never paired as a split part."""

_DP_MAX_CELLS = 250_000
_WORD = patterns.compile(r"\w+")

Pair = tuple[int, int]  # (index in old, index in new)


@dataclass(frozen=True, slots=True)
class Alignment:
    """The result of ``align``: the changes in reading order and the unchanged count.

    ``changes`` follows the new version; a removed clause comes right after the
    new clause that its nearest kept predecessor in the old version became.
    ``unchanged`` counts pairs that are identical and kept their relative order.
    """

    changes: tuple[ClauseChange, ...]
    unchanged: int

    @property
    def counts(self) -> dict[str, int]:
        """Changes by kind, plus ``unchanged``."""
        counts = dict.fromkeys(("added", "removed", "modified", "moved"), 0)
        for change in self.changes:
            counts[change.kind] += 1
        counts["unchanged"] = self.unchanged
        return counts


def align(
    old: Sequence[Clause],
    new: Sequence[Clause],
    *,
    threshold: float = 0.5,
    inline: bool = True,
) -> Alignment:
    """Pair the clauses of ``old`` and ``new`` and describe what changed.

    ``threshold`` (0..1) is the lowest ``fuzz.ratio`` similarity at which two
    different clauses count as one modified clause.  Clauses are taken in
    ``position`` order.  With ``inline`` each modified change carries its
    word-level diff.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    olds = sorted(old, key=lambda c: c.position)
    news = sorted(new, key=lambda c: c.position)
    ctx = _Context(olds, news)

    exact = _exact_pairs(olds, news)
    kept = _increasing(exact)
    ctx.pair_all(exact)

    fuzzy: list[Candidate] = []
    within = ctx.candidates(threshold, _by_section)
    fuzzy += ctx.take(within)
    across = ctx.candidates(threshold, _by_kind, compared=_by_section)
    fuzzy += ctx.take(across)
    for _, i, j in ctx.take(ctx.split_candidates()):
        fuzzy.append((fuzz.ratio(olds[i].text, news[j].text) / 100.0, i, j))

    changes: list[tuple[tuple[int, int, int], ClauseChange]] = []
    for i, j in exact:
        if (i, j) not in kept:
            change = ClauseChange("moved", olds[i], news[j], 1.0, severity=Severity.COSMETIC)
            changes.append(((j, 0, 0), change))
    for score, i, j in fuzzy:
        ops = inline_diff(olds[i].text, news[j].text) if inline else ()
        changes.append(((j, 0, 0), ClauseChange("modified", olds[i], news[j], score, ops)))
    for j in ctx.free_new():
        changes.append(((j, 0, 0), ClauseChange("added", None, news[j])))
    anchor = -1  # the new index of the nearest paired old clause so far
    for i, clause in enumerate(olds):
        if i in ctx.old_to_new:
            anchor = ctx.old_to_new[i]
        else:
            changes.append(((anchor, 1, i), ClauseChange("removed", clause, None)))
    changes.sort(key=lambda item: item[0])
    return Alignment(tuple(change for _, change in changes), len(kept))


def _by_section(clause: Clause) -> Hashable:
    return (clause.kind == "heading", clause.section)


def _by_kind(clause: Clause) -> Hashable:
    return clause.kind == "heading"


def _exact_pairs(old: Sequence[Clause], new: Sequence[Clause]) -> list[Pair]:
    """Pairs of identical texts, sorted by their index in ``new``."""
    old_texts = [clause.text for clause in old]
    new_texts = [clause.text for clause in new]
    old_at = dict(zip(old_texts, range(len(old_texts)), strict=True))
    if len(old_at) == len(old_texts) and len(set(new_texts)) == len(new_texts):
        at = old_at.get  # no text repeats on either side: the usual case, at C speed
        return [(i, j) for j, text in enumerate(new_texts) if (i := at(text)) is not None]
    old_first, old_more = _where(old)
    new_first, new_more = _where(new)
    pairs: list[Pair] = []
    repeated = False
    for text, j in new_first.items():
        i = old_first.get(text)
        if i is None:
            continue
        if text not in old_more and text not in new_more:
            pairs.append((i, j))
        else:
            repeated = True
            i_s, js = old_more.get(text, [i]), new_more.get(text, [j])
            pairs += _pair_occurrences(i_s, js, len(old), len(new))
    if repeated:
        pairs.sort(key=lambda p: p[1])
    return pairs


def _where(clauses: Sequence[Clause]) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Each text's first index, in order of first occurrence; and every index of the
    texts that occur more than once (a list only for those: fewer objects to track)."""
    first: dict[str, int] = {}
    more: dict[str, list[int]] = {}
    for k, clause in enumerate(clauses):
        text = clause.text
        if text not in first:
            first[text] = k
        elif text in more:
            more[text].append(k)
        else:
            more[text] = [first[text], k]
    return first, more


def _pair_occurrences(a: list[int], b: list[int], len_a: int, len_b: int) -> list[Pair]:
    """Pair the occurrences ``a`` (old) and ``b`` (new) of one text, keeping order.

    Equal counts pair in order.  Otherwise each occurrence of the shorter list
    gets one of the longer list, in order, minimising the total distance between
    relative positions (a small dynamic programme; in order when it would be big).
    The computation is the same whichever side is old, so results are symmetric.
    """
    if len(a) == len(b) or len(a) * len(b) > _DP_MAX_CELLS:
        return list(zip(a, b, strict=False))
    swap = len(a) < len(b)
    long_, short = (b, a) if swap else (a, b)
    scale_long, scale_short = (len_b, len_a) if swap else (len_a, len_b)
    rel_long = [p / max(scale_long, 1) for p in long_]
    rel_short = [p / max(scale_short, 1) for p in short]
    n, m = len(long_), len(short)
    inf = float("inf")
    # cost[s][k]: best cost of pairing short[:s] within long_[:k]
    cost = [[0.0] * (n + 1)] + [[inf] * (n + 1) for _ in range(m)]
    for s in range(1, m + 1):
        row, above = cost[s], cost[s - 1]
        for k in range(s, n + 1):
            row[k] = min(row[k - 1], above[k - 1] + abs(rel_long[k - 1] - rel_short[s - 1]))
    picked: list[Pair] = []
    k = n
    for s in range(m, 0, -1):
        while cost[s][k] == cost[s][k - 1]:
            k -= 1
        picked.append((long_[k - 1], short[s - 1]))
        k -= 1
    picked.reverse()
    return [(y, x) for x, y in picked] if swap else picked


def _increasing(pairs: list[Pair]) -> set[Pair]:
    """A longest run of ``pairs`` (sorted by new index) whose old indices increase."""
    tails: list[int] = []  # smallest old index ending an increasing run of each length
    tail_at: list[int] = []  # the pair index holding that tail
    before = [-1] * len(pairs)
    for k, (i, _) in enumerate(pairs):
        length = bisect.bisect_left(tails, i)
        if length == len(tails):
            tails.append(i)
            tail_at.append(k)
        else:
            tails[length] = i
            tail_at[length] = k
        before[k] = tail_at[length - 1] if length else -1
    kept: set[Pair] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        kept.add(pairs[k])
        k = before[k]
    return kept


class _Context:
    """The clauses of both sides and which of them are paired so far."""

    def __init__(self, old: list[Clause], new: list[Clause]) -> None:
        self.old = old
        self.new = new
        self.old_to_new: dict[int, int] = {}
        self.new_to_old: dict[int, int] = {}

    def pair(self, i: int, j: int) -> None:
        self.old_to_new[i] = j
        self.new_to_old[j] = i

    def pair_all(self, pairs: list[Pair]) -> None:
        """``pair`` for each of ``pairs``, in one step (the exact pass: most clauses)."""
        self.old_to_new.update(pairs)
        self.new_to_old.update((j, i) for i, j in pairs)

    def free_old(self) -> list[int]:
        return [i for i in range(len(self.old)) if i not in self.old_to_new]

    def free_new(self) -> list[int]:
        return [j for j in range(len(self.new)) if j not in self.new_to_old]

    def distance(self, i: int, j: int) -> float:
        """How far apart two clauses are in relative position (0..1)."""
        return abs(i / max(len(self.old), 1) - j / max(len(self.new), 1))

    def candidates(
        self,
        threshold: float,
        group: Callable[[Clause], Hashable],
        *,
        compared: Callable[[Clause], Hashable] | None = None,
    ) -> list[Candidate]:
        """Unpaired pairs in the same group scoring at least ``threshold``.

        ``compared`` is the grouping of an earlier pass: a block whose clauses all
        fell into one earlier group was scored then, and is skipped.
        """
        groups: dict[Hashable, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i in self.free_old():
            groups[group(self.old[i])][0].append(i)
        for j in self.free_new():
            groups[group(self.new[j])][1].append(j)
        blocks = [(rows, cols) for rows, cols in groups.values() if rows and cols]
        if compared is not None:
            key = compared
            blocks = [
                (rows, cols)
                for rows, cols in blocks
                if len({key(self.old[i]) for i in rows} | {key(self.new[j]) for j in cols}) > 1
            ]
        total = sum(len(rows) * len(cols) for rows, cols in blocks)
        found: list[Candidate] = []
        for rows, cols in blocks:
            cells = len(rows) * len(cols)
            budget = cells if total <= MAX_CELLS else max(1, MAX_CELLS * cells // total)
            queries = [self.old[i].text for i in rows]
            choices = [self.new[j].text for j in cols]
            for score, r, c in scores(queries, choices, threshold, budget):
                found.append((score, rows[r], cols[c]))
        return found

    def take(self, candidates: list[Candidate]) -> list[Candidate]:
        """Greedy best-first pairing; ties go to the nearer, then by text (symmetric)."""
        old, new = self.old, self.new
        candidates.sort(
            key=lambda c: (
                -c[0],
                self.distance(c[1], c[2]),
                min(old[c[1]].text, new[c[2]].text),
                max(old[c[1]].text, new[c[2]].text),
                c[1] + c[2],
            )
        )
        taken: list[Candidate] = []
        for score, i, j in candidates:
            if i not in self.old_to_new and j not in self.new_to_old:
                self.pair(i, j)
                taken.append((score, i, j))
        return taken

    def split_candidates(self) -> list[Candidate]:
        """Unpaired pairs where one clause mostly contains the other (split or merge).

        Containment is the share of the smaller set of word pairs (bigrams) found
        in the other; shared counts come from an inverted index over the old side.
        """
        rows = [i for i in self.free_old() if self.old[i].kind != "heading"]
        cols = [j for j in self.free_new() if self.new[j].kind != "heading"]
        if not rows or not cols or len(rows) * len(cols) > MAX_CELLS:
            return []
        old_pairs = {i: _word_pairs(self.old[i].text) for i in rows}
        index: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, word_pairs in old_pairs.items():
            if len(word_pairs) >= SPLIT_MIN_PAIRS:
                for word_pair in word_pairs:
                    index[word_pair].append(i)
        found: list[Candidate] = []
        for j in cols:
            new_pairs = _word_pairs(self.new[j].text)
            if len(new_pairs) < SPLIT_MIN_PAIRS:
                continue
            shared = Counter(i for word_pair in new_pairs for i in index.get(word_pair, ()))
            for i, count in shared.items():
                contained = count / min(len(old_pairs[i]), len(new_pairs))
                if contained >= SPLIT_CONTAINMENT:
                    found.append((contained, i, j))
        return found


def _word_pairs(text: str) -> frozenset[tuple[str, str]]:
    words = _WORD.findall(text.casefold())
    return frozenset(itertools.pairwise(words))
