"""What the store and the run keep of checks, versions and archived captures. All frozen.

Apart from :mod:`monitor.models` (the values the judging stages pass), so that a
command that only compares two texts does not define them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.models import CheckOutcome

__all__ = [
    "Capture",
    "CheckResult",
    "NewVersion",
    "ReportFacts",
    "Reports",
    "Reschedule",
    "VersionRecord",
]


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
    severity: str | None = None  # of the change a new version made, when there was one
    report: str | None = None  # "unreachable", "recovered", "flapping" or "variant" if queued
    details: dict[str, object] = field(default_factory=dict)
    fetcher: str = "http"  # or "browser"
    notes: tuple[str, ...] = ()  # said beside the outcome (requests the browser refused)
    screenshot: str | None = None  # sha256 of a browser rendering's screenshot


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """A stored version of a policy, as the store reads it back."""

    id: int
    policy: str
    number: int
    text_hash: str
    text: str
    title: str | None
    language: str | None
    declared_date: str | None
    snapshot_sha256: str | None
    first_seen: str
    last_seen: str
    variant: int = 1  # the line of versions it belongs to (a URL may serve several documents)
    replaced: bool = False  # it replaced most of the version before it (confirmed by a refetch)

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class NewVersion:
    """A text to store as the policy's next version."""

    text: str
    text_hash: str
    title: str | None = None
    language: str | None = None
    declared_date: str | None = None
    variant: int = 1  # the line of versions it joins
    base: int | None = None  # the number of the version it was compared with (its change's old)
    replaced: bool = False  # it replaced most of ``base`` (confirmed by a second fetch)


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What the report rule reads, as the store finds it inside the check's transaction."""

    outcome: CheckOutcome
    failures: int  # failed or anomalous checks in a row, this one included
    failures_before_report: int
    failure_reported: bool  # an unreachable report is out, and no recovery since
    flapping_reported: bool  # a check already flapped while the latest version was latest


@dataclass(frozen=True, slots=True)
class Reports:
    """Events a check may cause, and ``due``, the rule that picks the one to queue.

    The store applies the rule inside the check's transaction, so a report is
    queued exactly once and never lost to a crash.
    """

    failures_before_report: int
    due: Callable[[ReportFacts], str | None]
    unreachable: Sequence[Any] = ()  # after that many failed checks in a row, once
    recovered: Sequence[Any] = ()  # at the first success after an unreachable report
    flapping: Sequence[Any] = ()  # the first flapping check while a version is latest
    variant: Sequence[Any] = ()  # a new variant recognised


@dataclass(frozen=True)
class Reschedule:
    """When to check a claimed policy next (``monitor worker``): written in its check's
    transaction, which releases the claim, if ``claim`` is still the policy's."""

    claim: str
    next_at: Callable[[int], str]  # failed checks in a row after this one -> ISO time


@dataclass(frozen=True)
class Capture:
    """One archived fetch of one policy's page: what a replayed check gets."""

    policy: str
    at: str  # when it was fetched, UTC ISO 8601 to the second
    ref: str  # unique in its archive: a commit id, a capture's timestamp and digest
    url: str  # the URL it was fetched from ("" when the archive does not say)
    content_type: str
    path: str  # the file (or URL) it is read from, for messages
    # Said of it beside the check ("the archive re-extracted its text"): not a change of
    # the page, so it notifies no one, even when an import is asked to.
    rework: str = ""
