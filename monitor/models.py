"""Values passed between the stages of the pipeline. All frozen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

__all__ = [
    "Block",
    "ChangeKind",
    "CheckOutcome",
    "Clause",
    "ClauseChange",
    "Comparison",
    "ComparisonSide",
    "Document",
    "FetchResult",
    "Severity",
    "now_iso",
]


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Severity(StrEnum):
    """How much a change matters, from ``none`` to ``material`` (DESIGN.md, "Severity").

    The members are declared in rising order, and ``<``, ``>=``... compare by
    :meth:`rank` (not alphabetically, as a plain ``StrEnum`` would).
    """

    NONE = "none"  # identical after normalisation
    COSMETIC = "cosmetic"  # the text differs but says the same
    MINOR = "minor"  # reworded without changing data practices or rights
    MATERIAL = "material"  # changes data practices or user rights

    @property
    def rank(self) -> int:
        """0 for ``none`` up to 3 for ``material``."""
        return _SEVERITY_RANK[self]

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The severity names, in rising order."""
        return tuple(member.value for member in cls)

    @classmethod
    def highest(cls, severities: Iterable[str]) -> Severity:
        """The highest of ``severities`` (``none`` when there are none)."""
        return max((cls(s) for s in severities), key=_SEVERITY_RANK.__getitem__, default=cls.NONE)

    # Ordered by rank, not alphabetically: MATERIAL > MINOR > COSMETIC > NONE.  The
    # other side may be a member or its name ("minor").
    def __lt__(self, other: object) -> bool:
        return self.rank < Severity(str(other)).rank

    def __le__(self, other: object) -> bool:
        return self.rank <= Severity(str(other)).rank

    def __gt__(self, other: object) -> bool:
        return self.rank > Severity(str(other)).rank

    def __ge__(self, other: object) -> bool:
        return self.rank >= Severity(str(other)).rank

    # A StrEnum member must hash like its text, so that a dict keyed by names
    # finds it (Enum's own __hash__ hashes the member name, "MATERIAL").
    __hash__ = str.__hash__


_SEVERITY_RANK = {member: rank for rank, member in enumerate(Severity)}


class ChangeKind(StrEnum):
    """What happened to one clause between two versions."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    MOVED = "moved"

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The kind names in the order counts and reports list them."""
        return tuple(member.value for member in cls)

    __hash__ = str.__hash__


class CheckOutcome(StrEnum):
    """What one check of one policy came to."""

    NEW_VERSION = "new_version"  # the text differs from the latest version: stored
    UNCHANGED = "unchanged"  # fetched, but the text equals the latest version
    NOT_MODIFIED = "not_modified"  # the server answered 304 to a conditional GET
    FLAPPING = "flapping"  # the text equals an earlier version, not the latest: not stored
    # The URL serves several complete documents in turn: a new variant was recognised
    # (stored as the first version of its own line) or a version split off as one.
    VARIANT = "variant"
    ANOMALY = "anomaly"  # fetched, but not a plausible version (empty, block page…)
    ERROR = "error"  # could not be fetched or processed


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What the fetch stage got for one URL.

    ``body`` is the raw (decompressed) body; ``encoding`` the charset found in
    the headers, then the document, then by detection (None for binary types).
    A 304 has ``not_modified=True`` and an empty body.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    content_type: str
    encoding: str | None
    etag: str | None
    last_modified: str | None
    elapsed: float
    attempts: int = 1
    redirects: tuple[str, ...] = ()
    fetcher: str = "http"  # or "browser": rendered by Chromium (body: the rendered HTML)
    screenshot: bytes | None = None  # a browser fetch's full-page PNG
    notes: tuple[str, ...] = ()  # what the check should say beside its outcome

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class Block:
    """One structural block of canonical text.

    ``kind`` is ``"heading"`` (with ``level`` 1-6), ``"paragraph"``,
    ``"item"`` (a list item) or ``"row"`` (a table row, cells joined by
    ``" | "``).  ``text`` is canonical: NFC, white space collapsed, no
    Markdown markers of its own kind (no leading ``#`` or ``-``).
    """

    kind: str
    text: str
    level: int = 0


@dataclass(frozen=True, slots=True)
class Document:
    """A policy text as the normalise stage reads it.

    ``text`` is the canonical Markdown (what a version stores); ``blocks``
    the same content as structure.  ``problem`` says why there is no text
    when there is none (a selector matched nothing, a PDF without text...).
    """

    text: str
    blocks: tuple[Block, ...] = ()
    title: str | None = None
    language: str | None = None
    source: str = ""
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    """A paragraph, list item, table row or heading of a version, in order.

    ``key`` is a stable hash of ``text``; ``section`` the trail of headings
    above it (for a heading: the headings above it, not itself).
    """

    key: str
    position: int
    kind: str
    text: str
    section: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClauseChange:
    """One difference between two versions, clause by clause.

    ``kind`` is ``added``, ``removed``, ``modified`` or ``moved``.  ``inline``
    is the word-level diff of a modified clause as ``(op, text)`` pairs with
    op in ``equal``, ``delete``, ``insert``.
    """

    kind: str
    old: Clause | None
    new: Clause | None
    similarity: float = 0.0
    inline: tuple[tuple[str, str], ...] = ()
    severity: Severity = Severity.MINOR
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def section(self) -> tuple[str, ...]:
        clause = self.new or self.old
        return clause.section if clause is not None else ()


@dataclass(frozen=True, slots=True)
class ComparisonSide:
    """One side of a comparison: where its text came from and what it declares."""

    source: str | None
    declared_date: str | None  # ISO date the text says it was last changed, if any
    clauses: int
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two versions compared: what ``monitor diff`` prints and a stored change holds.

    ``severity`` is the highest of the changes' (``none`` for an anomaly);
    ``categories`` those of the material changes; ``counts`` the number of
    clauses per kind plus ``unchanged``.  ``date_only``, ``silent`` and
    ``backdated`` are the date facts (DESIGN.md, "Dates").  ``anomaly`` says
    why NEW does not look like a version of OLD (or, with ``old_incomplete``, why
    OLD was not a complete one); an anomaly is never material.
    ``monitor.output.contract`` turns it into the JSON contract and back.
    """

    old: ComparisonSide
    new: ComparisonSide
    severity: Severity
    changes: tuple[ClauseChange, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    date_only: bool = False
    silent: bool = False
    backdated: bool = False
    anomaly: str | None = None
    old_incomplete: bool = False  # the anomaly is OLD's: NEW is the policy again (not in JSON)

    @property
    def material(self) -> bool:
        """Whether a person should look: a material change that is not an anomaly."""
        return self.severity == Severity.MATERIAL and self.anomaly is None

    def material_reasons(self, limit: int | None = None) -> list[str]:
        """The reasons of the material changes, in order, at most ``limit`` of them."""
        reasons = [r for c in self.changes if c.severity == Severity.MATERIAL for r in c.reasons]
        return reasons if limit is None else reasons[:limit]
