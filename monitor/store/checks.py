"""Recording a check: the check, its snapshot row, its new version and change, and
the events they cause, in one transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from monitor.errors import StaleCheckError, StoreError
from monitor.models import CheckOutcome, now_iso
from monitor.records import NewVersion, ReportFacts, Reports, Reschedule
from monitor.snapshots import StoredSnapshot
from monitor.store.base import Executor, StoreBase
from monitor.store.outbox import enqueue
from monitor.store.packing import pack

__all__ = ["KEPT_HEADERS", "CheckRecord", "CheckWriter", "Recorded"]

# Response headers kept with a check, as provenance: what the page was, in which language,
# when the server says it was made and changed, and through which caches.
KEPT_HEADERS = (
    "content-type", "content-language", "content-length", "content-encoding", "date",
    "last-modified", "etag", "age", "cache-control", "expires", "server", "via", "x-cache",
)  # fmt: skip


def _kept(headers: dict[str, str] | None) -> str | None:
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    kept = {k: lowered[k][:500] for k in KEPT_HEADERS if k in lowered}
    return json.dumps(kept, ensure_ascii=False) if kept else None


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """What the pipeline hands the store at the end of a check."""

    policy: str
    started_at: str
    duration: float
    outcome: CheckOutcome
    http_status: int | None = None
    error: str | None = None
    final_url: str | None = None
    size: int | None = None
    snapshot_sha256: str | None = None
    snapshot_path: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    text_hash: str | None = None
    fetcher: str = "http"  # or "browser"
    notes: tuple[str, ...] = ()  # said beside the outcome (requests the browser refused)
    screenshot: StoredSnapshot | None = None  # a browser rendering's full-page PNG
    url: str | None = None  # the URL asked for
    headers: dict[str, str] | None = None  # the response's (those in KEPT_HEADERS are kept)


class Recorded(NamedTuple):
    check_id: int
    version: int | None  # the new version's number, or the current one's
    change_id: int | None
    report: str | None  # "unreachable", "recovered", "flapping" or "variant" when queued


class CheckWriter(StoreBase):
    """Writes a check with everything it causes."""

    # -- recording a check --------------------------------------------------

    def record_check(
        self,
        check: CheckRecord,
        *,
        new_version: NewVersion | None = None,
        comparison: dict[str, Any] | None = None,
        severity: str = "minor",
        events: Sequence[Any] = (),
        reports: Reports | None = None,
        split: int | None = None,
        expect_latest: int | None = None,
        schedule: Reschedule | None = None,
    ) -> Recorded:
        """Write a check, its snapshot row, (maybe) its new version and change with the
        change's ``events``, and any report due (see :class:`Reports`), atomically.

        A new version joins ``new_version.variant``; its change is from version
        ``new_version.base`` (the one before it when None; no change without
        ``comparison``). ``split``: the number of a version that becomes the first
        of a new variant (the URL serves it and the one it replaced in turn).
        ``expect_latest``: the number of the latest version the check was judged
        against (0: none); if another writer has stored one since, nothing is written
        and :class:`StaleCheckError` is raised, so the check is judged again.
        ``schedule``: when to check the policy next, given its failed checks in a row
        after this one; written with the check, and the worker's claim released with
        it, if that claim is still the policy's."""
        now = now_iso()
        packed = pack(new_version.text) if new_version is not None else None  # not under the lock
        with self._write() as db:
            row = db.execute("SELECT id FROM policies WHERE name = ?", [check.policy]).fetchone()
            if row is None:
                raise StoreError(f"policy {check.policy!r} is not in the database")
            policy_id = row[0]
            if check.snapshot_sha256 and check.snapshot_path:
                db.execute(
                    """INSERT OR IGNORE INTO snapshots
                           (sha256, size, content_type, path, created_at)
                       VALUES (?, ?, ?, ?, ?)""",
                    [
                        check.snapshot_sha256,
                        check.size or 0,
                        check.content_type,
                        check.snapshot_path,
                        now,
                    ],
                )
            shot = check.screenshot
            if shot is not None:
                db.execute(
                    "INSERT OR IGNORE INTO snapshots (sha256, size, content_type, path, created_at)"
                    " VALUES (?, ?, 'image/png', ?, ?)",
                    [shot.sha256, shot.size, shot.path, now],
                )
            latest = db.execute(
                "SELECT id, number FROM versions WHERE policy_id = ? ORDER BY number DESC LIMIT 1",
                [policy_id],
            ).fetchone()
            version_id: int | None = latest[0] if latest else None
            number: int | None = latest[1] if latest else None
            if expect_latest is not None and (number or 0) != expect_latest:
                raise StaleCheckError(
                    f"{check.policy}: judged against version {expect_latest or 'none'}, "
                    f"but version {number} is the latest now"
                )
            change_id: int | None = None
            outcome = check.outcome
            text_hash = check.text_hash
            if text_hash is None and outcome == CheckOutcome.NOT_MODIFIED:
                text_hash = db.execute(
                    "SELECT last_text_hash FROM policies WHERE id = ?", [policy_id]
                ).fetchone()[0]
            if new_version is not None and _head_with(db, policy_id, new_version.text_hash):
                outcome = CheckOutcome.UNCHANGED  # another writer stored the same text first
                new_version = None
            if split is not None and not _splittable(db, policy_id, split):
                split = None  # another writer split it first, or its line moved on
                if outcome == CheckOutcome.VARIANT and new_version is None:
                    outcome = (
                        CheckOutcome.UNCHANGED
                        if text_hash is not None and _head_with(db, policy_id, text_hash)
                        else CheckOutcome.FLAPPING
                    )
            if new_version is not None:
                number = (number or 0) + 1
                base = new_version.base if new_version.base is not None else number - 1
                old = db.execute(
                    "SELECT id FROM versions WHERE policy_id = ? AND number = ?",
                    [policy_id, base],
                ).fetchone()
                cursor = db.execute(
                    """INSERT INTO versions (policy_id, number, text_hash, text, title, language,
                           declared_date, snapshot_sha256, first_seen, last_seen, variant,
                           replaced)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                    [
                        policy_id,
                        number,
                        new_version.text_hash,
                        packed,
                        new_version.title,
                        new_version.language,
                        new_version.declared_date,
                        check.snapshot_sha256,
                        check.started_at,
                        check.started_at,
                        _variant(db, policy_id, outcome, new_version.variant),
                        new_version.replaced,
                    ],
                )
                version_id = cursor.fetchall()[0][0]
                if old is not None and comparison is not None:
                    cursor = db.execute(
                        """INSERT INTO changes (policy_id, old_version_id, new_version_id,
                               severity, created_at, comparison) VALUES (?, ?, ?, ?, ?, ?)
                       RETURNING id""",
                        [
                            policy_id,
                            old[0],
                            version_id,
                            severity,
                            check.started_at,  # when the page showed it (an import: then)
                            json.dumps(comparison, ensure_ascii=False),
                        ],
                    )
                    change_id = cursor.fetchall()[0][0]
                    enqueue(db, events, change_id=change_id, at=now)
            elif text_hash is not None and outcome in (
                CheckOutcome.UNCHANGED,
                CheckOutcome.NOT_MODIFIED,
                CheckOutcome.VARIANT,
            ):
                # The version served: the newest with this text (a variant's, maybe).
                served = db.execute(
                    "SELECT id, number FROM versions WHERE policy_id = ? AND text_hash = ? "
                    "ORDER BY number DESC LIMIT 1",
                    [policy_id, text_hash],
                ).fetchone()
                if served is not None:
                    version_id, number = served
            if split is not None:
                # That version and the one it replaced are served in turn: its own line.
                db.execute(
                    "UPDATE versions SET variant = (SELECT MAX(variant) + 1 FROM versions "
                    "WHERE policy_id = ?) WHERE policy_id = ? AND number = ?",
                    [policy_id, policy_id, split],
                )
            if version_id is not None and outcome in (
                CheckOutcome.UNCHANGED,
                CheckOutcome.NOT_MODIFIED,
                CheckOutcome.VARIANT,
            ):
                db.execute(
                    "UPDATE versions SET last_seen = ? WHERE id = ?", [check.started_at, version_id]
                )
            if outcome in (CheckOutcome.NEW_VERSION, CheckOutcome.UNCHANGED, CheckOutcome.VARIANT):
                db.execute(
                    "UPDATE policies SET etag = ?, last_modified = ?, last_raw_sha256 = ?, "
                    "last_text_hash = ?, fetcher = ? WHERE id = ?",
                    [
                        check.etag,
                        check.last_modified,
                        check.snapshot_sha256,
                        text_hash,
                        check.fetcher,
                        policy_id,
                    ],
                )
            failed = outcome in (CheckOutcome.ERROR, CheckOutcome.ANOMALY)
            db.execute(
                "UPDATE policies SET consecutive_failures = "
                "CASE WHEN ? = 1 THEN consecutive_failures + 1 ELSE 0 END WHERE id = ?",
                [int(failed), policy_id],
            )
            if schedule is not None:
                failures = db.execute(
                    "SELECT consecutive_failures FROM policies WHERE id = ?", [policy_id]
                ).fetchone()[0]
                db.execute(  # a claim taken again since (this job was thought dead) stays
                    "UPDATE policies SET next_check_at = ?, claim = NULL "
                    "WHERE id = ? AND claim = ?",
                    [schedule.next_at(int(failures)), policy_id, schedule.claim],
                )
            report = self._report(db, policy_id, outcome, version_id, reports, at=now)
            recorded_version = (
                version_id
                if outcome
                in (
                    CheckOutcome.NEW_VERSION,
                    CheckOutcome.UNCHANGED,
                    CheckOutcome.NOT_MODIFIED,
                    CheckOutcome.FLAPPING,
                    CheckOutcome.VARIANT,
                )
                else None
            )
            cursor = db.execute(
                """INSERT INTO checks (policy_id, started_at, duration_ms, http_status, outcome,
                       error, final_url, size, snapshot_sha256, version_id, text_hash, fetcher,
                       screenshot_sha256, notes, url, headers)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [
                    policy_id,
                    check.started_at,
                    round(check.duration * 1000),
                    check.http_status,
                    str(outcome),
                    check.error,
                    check.final_url,
                    check.size,
                    check.snapshot_sha256,
                    recorded_version,
                    check.text_hash,
                    check.fetcher,
                    shot.sha256 if shot is not None else None,
                    "\n".join(check.notes) or None,
                    check.url,
                    _kept(check.headers),
                ],
            )
            check_id = int(cursor.fetchall()[0][0])
        return Recorded(check_id, number, change_id, report)

    def _report(
        self,
        db: Executor,
        policy_id: int,
        outcome: CheckOutcome,
        version_id: int | None,
        reports: Reports | None,
        *,
        at: str,
    ) -> str | None:
        """Queue the report ``reports.due`` finds due for this check, if any; return its
        name. The facts it decides on are read here, inside the check's transaction."""
        if reports is None:
            return None
        failures, reported_at = db.execute(
            "SELECT consecutive_failures, failure_reported_at FROM policies WHERE id = ?",
            [policy_id],
        ).fetchone()
        # Only a flapping check can make a flapping report due: the others skip the query.
        flapped = outcome == CheckOutcome.FLAPPING and (
            db.execute(
                "SELECT 1 FROM checks WHERE policy_id = ? AND version_id IS ? AND outcome = ? "
                "LIMIT 1",
                [policy_id, version_id, str(CheckOutcome.FLAPPING)],
            ).fetchone()
            is not None
        )
        facts = ReportFacts(
            outcome=outcome,
            failures=failures,
            failures_before_report=reports.failures_before_report,
            failure_reported=bool(reported_at),
            flapping_reported=flapped,
        )
        report = reports.due(facts)
        if report == "unreachable":
            db.execute("UPDATE policies SET failure_reported_at = ? WHERE id = ?", [at, policy_id])
            enqueue(db, reports.unreachable, change_id=None, at=at)
        elif report == "recovered":
            db.execute("UPDATE policies SET failure_reported_at = NULL WHERE id = ?", [policy_id])
            enqueue(db, reports.recovered, change_id=None, at=at)
        elif report == "flapping":
            enqueue(db, reports.flapping, change_id=None, at=at)
        elif report == "variant":
            enqueue(db, reports.variant, change_id=None, at=at)
        return report


def _head_with(db: Executor, policy_id: int, text_hash: str) -> bool:
    """Whether the newest version of one of the policy's variants has this text."""
    return (
        db.execute(
            """SELECT 1 FROM versions v WHERE v.policy_id = ? AND v.text_hash = ? AND v.number = (
                   SELECT MAX(w.number) FROM versions w
                   WHERE w.policy_id = v.policy_id AND w.variant = v.variant)""",
            [policy_id, text_hash],
        ).fetchone()
        is not None
    )


def _variant(db: Executor, policy_id: int, outcome: CheckOutcome, variant: int) -> int:
    """The variant a new version joins: a new variant's number is decided here, in the
    check's transaction, so that two writers never give two variants one number."""
    if outcome != CheckOutcome.VARIANT:
        return variant
    row = db.execute(
        "SELECT COALESCE(MAX(variant), 0) + 1 FROM versions WHERE policy_id = ?", [policy_id]
    ).fetchone()
    return int(row[0])


def _splittable(db: Executor, policy_id: int, number: int) -> bool:
    """Whether version ``number`` is still the newest of a variant that has older
    versions (so splitting it off into a variant of its own means something)."""
    row = db.execute(
        """SELECT v.variant, (SELECT MAX(w.number) FROM versions w
                              WHERE w.policy_id = v.policy_id AND w.variant = v.variant),
                  (SELECT COUNT(*) FROM versions w
                   WHERE w.policy_id = v.policy_id AND w.variant = v.variant)
           FROM versions v WHERE v.policy_id = ? AND v.number = ?""",
        [policy_id, number],
    ).fetchone()
    return row is not None and row[1] == number and row[2] > 1
