"""The segment stage: blocks → ordered clauses with section paths and stable keys.

Every paragraph, list item, table row and heading is a clause; its section
is the trail of headings above it.  A paragraph (or list item) longer than
``LONG_PARAGRAPH`` characters is split into sentences, with a splitter that
knows Dutch, English, German and French abbreviations ("o.a.", "bijv.",
"art.", "e.g.", "z.B.", ...), so one changed sentence is one changed clause.

No clause is longer than ``MAX_CLAUSE`` characters: a longer sentence, heading
or row (a page of one unpunctuated paragraph) is cut into runs of words at
boundaries the words themselves choose (a word whose CRC is 0 mod 16, once a
run has ``MIN_RUN`` characters), so an edit moves no boundary but its own, and
every later stage (alignment, inline diff, evidence) works on bounded clauses:
their cost grows linearly with the page, never with the square of a paragraph.
"""

from __future__ import annotations

import hashlib
import re
import zlib

from monitor import patterns
from monitor.models import Block, Clause, Document

__all__ = ["LONG_PARAGRAPH", "MAX_CLAUSE", "clause_key", "segment", "split_sentences"]

LONG_PARAGRAPH = 600
MAX_CLAUSE = 4_000  # characters; a longer piece is cut into runs of words
MIN_RUN = 400  # characters before a word may end a run

_ABBREVIATIONS = frozenset(
    [
        "o.a",
        "a.d",
        "b.v",
        "bv",
        "bijv",
        "bijvoorbeeld",
        "enz",
        "etc",
        "art",
        "artt",
        "nr",
        "nrs",
        "m.b.t",
        "t.a.v",
        "i.v.m",
        "d.w.z",
        "z.g",
        "zgn",
        "e.d",
        "e.a",
        "incl",
        "excl",
        "ca",
        "resp",
        "jl",
        "dhr",
        "mevr",
        "mw",
        "mr",
        "dr",
        "drs",
        "ing",
        "ir",
        "prof",
        "p",
        "blz",
        "pag",
        "vs",
        "o.b.v",
        "t.b.v",
        "m.u.v",
        "i.p.v",
        "n.a.v",
        "m.i.v",
        "vgl",
        "zie.o.a",
        "a.s",
        "st",
        "tel",
        "fax",
        "jr",
        "mnd",
        "min",
        "sec",
        "max",
        "e.v",
        "t/m",
        "ggf",
        "bzw",
        "z.b",
        "u.a",
        "usw",
        "d.h",
        "s",
        "abs",
        "gem",
        "lit",
        "ziff",
        "vgl",
        "evtl",
        "inkl",
        "zzgl",
        "e.g",
        "i.e",
        "inc",
        "ltd",
        "co",
        "no",
        "corp",
        "dept",
        "approx",
        "est",
        "fig",
        "para",
        "sect",
        "u.s",
        "u.k",
        "mrs",
        "ms",
        "jr",
        "sr",
        "st",
        "p.ex",
        "cf",
        "mme",
        "mlle",
        "n°",
        "ex",
        "env",
    ]
)
_BOUNDARY = patterns.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-ZÀ-ÖØ-Þ0-9])")


def clause_key(text: str) -> str:
    """A stable key for a clause: the first 16 hex digits of the sha256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends, not after abbreviations, initials or list numbers."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()]
        words = candidate[-40:].split()
        token = words[-1].lower().rstrip(".!?\"')]").lstrip("(\"'[") if words else ""
        if candidate.endswith("."):
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue  # "art. 6", "o.a. namen", "J. Jansen"
            if re.fullmatch(r"[a-z](\.[a-z])+", token) or re.fullmatch(r"\d{1,2}", token):
                continue  # "N.A.W." style initialisms, a list number "1."
        sentences.append(candidate.strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return [s for s in sentences if s]


def segment(document: Document | tuple[Block, ...] | list[Block]) -> tuple[Clause, ...]:
    """The clauses of a document, in order."""
    blocks = document.blocks if isinstance(document, Document) else document
    clauses: list[Clause] = []
    trail: list[tuple[int, str]] = []
    below: tuple[str, ...] = ()  # the section of clauses under the current heading
    for block in blocks:
        section = below
        if block.kind == "heading":
            while trail and trail[-1][0] >= block.level:
                trail.pop()
            section = tuple(text for _, text in trail)
            trail.append((block.level, block.text))
            below = (*section, block.text)
            pieces = [block.text]
        elif block.kind in ("paragraph", "item") and len(block.text) > LONG_PARAGRAPH:
            pieces = split_sentences(block.text)
        else:
            pieces = [block.text]
        if any(len(piece) > MAX_CLAUSE for piece in pieces):
            pieces = [run for piece in pieces for run in _runs(piece)]
        for piece in pieces:
            clauses.append(
                Clause(
                    key=clause_key(piece),
                    position=len(clauses),
                    kind=block.kind,
                    text=piece,
                    section=section,
                )
            )
    return tuple(clauses)


def _runs(text: str) -> list[str]:
    """``text`` cut into runs of words of at most ``MAX_CLAUSE`` characters, at word
    boundaries chosen by content (see the module's docstring)."""
    if len(text) <= MAX_CLAUSE:
        return [text]
    runs: list[str] = []
    run: list[str] = []
    size = 0
    for word in text.split():
        if run and size + 1 + len(word) > MAX_CLAUSE:
            runs.append(" ".join(run))
            run, size = [], 0
        if len(word) > MAX_CLAUSE:  # a "word" longer than a clause (text without spaces)
            if run:
                runs.append(" ".join(run))
                run, size = [], 0
            runs += _cut_word(word)
            continue
        run.append(word)
        size += len(word) + (1 if len(run) > 1 else 0)
        if size >= MIN_RUN and zlib.crc32(word.encode("utf-8", "surrogatepass")) % 16 == 0:
            runs.append(" ".join(run))
            run, size = [], 0
    if run:
        runs.append(" ".join(run))
    return runs


_PUNCTUATION = patterns.compile(r"[。！？；，、.!?;,:：]")


def _cut_word(word: str) -> list[str]:
    """A run of text without spaces (Chinese, Japanese, Thai...) cut after punctuation
    once a piece has ``MIN_RUN`` characters (so an edit moves no other cut), and at
    ``MAX_CLAUSE`` characters where there is none."""
    pieces: list[str] = []
    start = 0
    for mark in _PUNCTUATION.finditer(word):
        end = mark.end()
        while end - start > MAX_CLAUSE:
            pieces.append(word[start : start + MAX_CLAUSE])
            start += MAX_CLAUSE
        if end - start >= MIN_RUN:
            pieces.append(word[start:end])
            start = end
    while len(word) - start > MAX_CLAUSE:
        pieces.append(word[start : start + MAX_CLAUSE])
        start += MAX_CLAUSE
    if start < len(word):
        pieces.append(word[start:])
    return pieces
