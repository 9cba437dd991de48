"""Word-level inline diff of modified clauses.

``inline_diff(old, new)`` splits both texts into tokens -- runs of word
characters, runs of white space, and single other characters -- and diffs the
token lists with rapidfuzz's Levenshtein opcodes (C, bit-parallel; difflib was
hundreds of times slower on long clauses).  A stretch of white space or
punctuation caught between two edits is folded into them, so a rewrite reads as
one deletion and one insertion rather than a word salad.  The result is a tuple
of ``(op, text)`` with op ``equal``, ``delete`` or ``insert``; a replacement is a
delete followed by an insert, and neighbours never share an op.  Joining the
``equal`` and ``delete`` texts gives back ``old`` exactly, ``equal`` and
``insert`` gives ``new``.

``monitor.judge.align.align`` fills ``ClauseChange.inline`` with it for every modified
change, so a consumer never has to call it separately.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz.distance import Levenshtein

from monitor import patterns

__all__ = ["inline_diff", "tokenize"]

_TOKEN = patterns.compile(r"[\w\u0300-\u036f]+|\s+|[^\w\s]")


def tokenize(text: str) -> list[str]:
    """Words, white-space runs and single other characters; they join back to ``text``."""
    return _TOKEN.findall(text)


def inline_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The word-level diff of two texts as ``(op, text)`` pairs (see the module docstring)."""
    if old == new:
        return (("equal", old),) if old else ()
    a, b = tokenize(old), tokenize(new)
    # Segments: [old text, new text, changed?]; consecutive edits share one segment.
    segments: list[list[Any]] = []
    for op in Levenshtein.opcodes(a, b):
        removed = "".join(a[op.src_start : op.src_end])
        inserted = "".join(b[op.dest_start : op.dest_end])
        if op.tag == "equal":
            segments.append([removed, inserted, False])
        elif segments and segments[-1][2]:
            segments[-1][0] += removed
            segments[-1][1] += inserted
        else:
            segments.append([removed, inserted, True])
    folded: list[list[Any]] = []
    for segment in segments:
        if (
            segment[2]
            and len(folded) >= 2
            and folded[-2][2]
            and not folded[-1][2]
            and not any(ch.isalnum() for ch in folded[-1][0])
        ):
            separator = folded.pop()[0]
            folded[-1][0] += separator + segment[0]
            folded[-1][1] += separator + segment[1]
        else:
            folded.append(segment)
    ops: list[tuple[str, str]] = []
    for removed, inserted, changed in folded:
        if not changed:
            ops.append(("equal", removed))
            continue
        if removed:
            ops.append(("delete", removed))
        if inserted:
            ops.append(("insert", inserted))
    return tuple(ops)
