"""The scope of a commitment: an item added to or removed from a list inside a sentence
that says what is *not* done ("we do not use your input to train our models when you
use Le Chat Team, Le Chat Enterprise or the paid API").

Dropping "Le Chat Team" from that list changes no data word, no recipient and no
negation, yet it takes a protection away from the users of that plan; adding an item
extends one. Both change what the policy promises.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein, Opcode

from monitor.judge.lexicon import NEGATIONS

__all__ = ["list_items_changed"]

MAX_ITEM_WORDS = 6
CONJUNCTIONS = frozenset("or and nor of en noch oder und ou et ni".split())
_EDGE = " ,;:()"
_SENTENCE_END = (".", "!", "?", ";", ":")


def list_items_changed(old: str, new: str) -> list[tuple[str, str]]:
    """``("removed"|"added", item)`` for each list item dropped from or added to a negated
    sentence, the rest of the clause's words staying in place."""
    a, b = old.split(), new.split()
    # Aligned on bare words: "advertisers" -> "advertisers, brokers" inserts one word.
    found = _items(a, b, list(range(len(a))), list(range(len(b))))
    if not found:
        # The last item going moves the conjunction ("A, B or C" -> "A or B"): aligned
        # without the conjunctions, that is one item dropped.
        found = _items(a, b, _words_but_conjunctions(a), _words_but_conjunctions(b))
    return found


def _words_but_conjunctions(words: list[str]) -> list[int]:
    return [i for i, w in enumerate(words) if _bare(w) not in CONJUNCTIONS]


def _items(a: list[str], b: list[str], in_a: list[int], in_b: list[int]) -> list[tuple[str, str]]:
    """The list items added or removed when ``a`` and ``b`` are aligned on the words at
    ``in_a`` and ``in_b``; each item is read in its own full sentence."""
    found = []
    seen_a, seen_b = [a[i] for i in in_a], [b[i] for i in in_b]
    ops = [
        op
        for op in Levenshtein.opcodes([_bare(w) for w in seen_a], [_bare(w) for w in seen_b])
        if op.tag != "equal"
    ]
    for op in ops:
        if op.tag == "delete":
            kind, seen, at, start, end = "removed", seen_a, in_a, op.src_start, op.src_end
        elif op.tag == "insert":
            kind, seen, at, start, end = "added", seen_b, in_b, op.dest_start, op.dest_end
        else:
            continue
        if end - start > MAX_ITEM_WORDS or _sentence_edited_elsewhere(op, ops, seen_a):
            continue
        # The same deletion can sit one item earlier ("Team, Le Chat" is "Le Chat Team,").
        while start > 0 and _bare(seen[start - 1]) == _bare(seen[end - 1]):
            start, end = start - 1, end - 1
        words = a if kind == "removed" else b
        first, last = at[start], at[end - 1] + 1
        span = words[first:last]
        if _list_item(span, words, first) and _negated(words, first, last):
            item = " ".join(w for w in span if _bare(w) not in CONJUNCTIONS).strip(_EDGE + ".!?")
            if item:
                found.append((kind, item))
    return found


def _sentence_edited_elsewhere(op: Opcode, ops: list[Opcode], old: list[str]) -> bool:
    """Whether another edit falls in the same sentence: then the sentence was rewritten
    ("niet ... tenzij" -> "ook als ... niet"), and the negation may not govern the item."""
    first, last = _sentence(old, op.src_start, max(op.src_end, op.src_start + 1))
    return any(
        other is not op and other.src_start < last and other.src_end >= first for other in ops
    )


def _sentence(words: list[str], start: int, end: int) -> tuple[int, int]:
    """The word range of the sentence around ``words[start:end]``."""
    first = start
    while first > 0 and not words[first - 1].endswith(_SENTENCE_END):
        first -= 1
    last = end
    while last < len(words) and not words[last - 1].endswith(_SENTENCE_END):
        last += 1
    return first, last


def _bare(word: str) -> str:
    return word.strip(_EDGE + ".!?\"'").lower()


def _list_item(span: list[str], words: list[str], start: int) -> bool:
    """Whether the words read as one item of an enumeration: they hold a comma, start or
    end with a conjunction, or follow one."""
    if any("," in w for w in span[:-1]) or span[-1].endswith(","):
        return True
    if _bare(span[0]) in CONJUNCTIONS or _bare(span[-1]) in CONJUNCTIONS:
        return True
    return start > 0 and (words[start - 1].endswith(",") or _bare(words[start - 1]) in CONJUNCTIONS)


def _negated(words: list[str], start: int, end: int) -> bool:
    """Whether the sentence around ``words[start:end]`` holds a negation outside it."""
    first, last = _sentence(words, start, end)
    outside = words[first:start] + words[end:last]
    if any(_bare(w) in NEGATIONS or _bare(w).endswith("n't") for w in words[start:end]):
        return False  # the item carries its own negation: a negation change, read elsewhere
    return any(_bare(w) in NEGATIONS or _bare(w).endswith("n't") for w in outside)
