"""Values passed between the stages of the pipeline. All frozen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

__all__ = ["CheckOutcome", "CheckResult", "Document", "FetchResult", "now_iso"]


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class CheckOutcome(StrEnum):
    """What one check of one policy came to."""

    NEW_VERSION = "new_version"  # the text differs from the latest version: stored
    UNCHANGED = "unchanged"  # fetched, but the text equals the latest version
    NOT_MODIFIED = "not_modified"  # the server answered 304 to a conditional GET
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

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class Document:
    """A policy text as the normalise stage reads it."""

    text: str
    title: str | None = None
    language: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one check, as recorded in the ``checks`` table."""

    policy: str
    outcome: CheckOutcome
    started_at: str
    duration: float
    http_status: int | None = None
    error: str | None = None
    version: int | None = None  # the policy's version number (new or current)
    snapshot: str | None = None  # sha256 of the raw body
    size: int | None = None
    check_id: int | None = None
    change_id: int | None = None
    details: dict[str, object] = field(default_factory=dict)
