"""The SQLite store (sqlite-utils, WAL). All SQL of the monitor lives here.

Tables: ``policies``, ``checks`` (every attempt), ``snapshots`` (raw bodies,
by sha256), ``versions`` (normalised texts, stored only when they differ
from the latest), ``changes`` (one per new version after the first).
Schema changes are numbered migrations; a check, its snapshot row, its
version and its change are written in one transaction.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from monitor.config import PolicyConfig
from monitor.errors import StoreError
from monitor.models import CheckOutcome, now_iso

__all__ = ["CheckRecord", "Recorded", "Reports", "Store", "VersionRecord"]

migrations = Migrations("policy-monitor")


@migrations(name="0001_initial")
def _m0001(db: Database) -> None:
    db.execute(
        """CREATE TABLE policies (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,
            language TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            etag TEXT,
            last_modified TEXT,
            last_raw_sha256 TEXT,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE snapshots (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            content_type TEXT,
            path TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            policy_id INTEGER NOT NULL REFERENCES policies(id),
            number INTEGER NOT NULL,
            text_hash TEXT NOT NULL,
            text TEXT NOT NULL,
            title TEXT,
            language TEXT,
            declared_date TEXT,
            snapshot_sha256 TEXT REFERENCES snapshots(sha256),
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            UNIQUE (policy_id, number)
        )"""
    )
    db.execute(
        """CREATE TABLE checks (
            id INTEGER PRIMARY KEY,
            policy_id INTEGER NOT NULL REFERENCES policies(id),
            started_at TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            http_status INTEGER,
            outcome TEXT NOT NULL,
            error TEXT,
            final_url TEXT,
            size INTEGER,
            snapshot_sha256 TEXT REFERENCES snapshots(sha256),
            version_id INTEGER REFERENCES versions(id)
        )"""
    )
    db.execute(
        """CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            policy_id INTEGER NOT NULL REFERENCES policies(id),
            old_version_id INTEGER NOT NULL REFERENCES versions(id),
            new_version_id INTEGER NOT NULL UNIQUE REFERENCES versions(id),
            severity TEXT NOT NULL,
            created_at TEXT NOT NULL,
            comparison TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX checks_policy ON checks(policy_id, id)")
    db.execute("CREATE INDEX versions_policy ON versions(policy_id, number)")


@migrations(name="0002_schedule_and_daemon")
def _m0002(db: Database) -> None:
    db.execute("ALTER TABLE policies ADD COLUMN next_check_at TEXT")
    db.execute("ALTER TABLE policies ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE policies ADD COLUMN failure_reported_at TEXT")
    db.execute(
        """CREATE TABLE daemon (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            pid INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL,
            stopped_at TEXT
        )"""
    )


@migrations(name="0003_outbox")
def _m0003(db: Database) -> None:
    db.execute(
        """CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            webhook TEXT NOT NULL,
            policy TEXT NOT NULL,
            change_id INTEGER REFERENCES changes(id),
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_attempt_at TEXT NOT NULL,
            delivered_at TEXT,
            last_status INTEGER,
            last_error TEXT,
            UNIQUE (event_id, webhook)
        )"""
    )
    db.execute("CREATE INDEX deliveries_due ON deliveries(status, webhook, id)")
    db.execute(
        """CREATE TABLE delivery_attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
            at TEXT NOT NULL,
            http_status INTEGER,
            error TEXT,
            duration_ms INTEGER NOT NULL
        )"""
    )


@migrations(name="0004_check_text_hash")
def _m0004(db: Database) -> None:
    # What text each check saw (when it got that far): flapping and reverts are read from it.
    db.execute("ALTER TABLE checks ADD COLUMN text_hash TEXT")


@dataclass(frozen=True, slots=True)
class VersionRecord:
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

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


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


@dataclass(frozen=True, slots=True)
class Reports:
    """Events a check may cause. Whether each is due is decided inside the check's
    transaction, so a report is queued exactly once and never lost to a crash."""

    failures_before_report: int
    unreachable: Sequence[Any] = ()  # after that many failed checks in a row, once
    recovered: Sequence[Any] = ()  # at the first success after an unreachable report
    flapping: Sequence[Any] = ()  # the first flapping check while a version is latest


class Recorded(NamedTuple):
    check_id: int
    version: int | None  # the new version's number, or the current one's
    change_id: int | None
    report: str | None  # "unreachable", "recovered" or "flapping" when one was queued


@dataclass(frozen=True, slots=True)
class NewVersion:
    text: str
    text_hash: str
    title: str | None = None
    language: str | None = None
    declared_date: str | None = None


class Store:
    """The database. Open with :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        # One connection, shared: async callers run store calls in worker threads (so a
        # write waiting for another process's lock never stalls the event loop), and
        # this lock keeps those threads from interleaving inside a transaction.
        self._lock = threading.RLock()
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, timeout: float = 30.0) -> Store:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=timeout, check_same_thread=False)
            db = Database(conn)
            db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            migrations.apply(db)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"cannot open database {path}: {_reason(exc, path)}") from None
        return cls(db, path)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Database]:
        """One write transaction. IMMEDIATE takes the write lock up front, so a
        second writer waits for the busy timeout instead of failing mid-way."""
        with self._lock:
            yield from self._transaction()

    def _transaction(self) -> Iterator[Database]:
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot write to database {self.path}: {_reason(exc, self.path)}"
            ) from None
        try:
            yield self.db
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            conn.rollback()
            raise StoreError(
                f"cannot write to database {self.path}: {_reason(exc, self.path)}"
            ) from None
        except BaseException:
            conn.rollback()
            raise

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        try:
            with self._lock:
                return list(self.db.query(sql, params))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot read database {self.path}: {exc}") from None

    # -- policies -----------------------------------------------------------

    def sync_policies(self, policies: tuple[PolicyConfig, ...] | list[PolicyConfig]) -> None:
        """Insert new configured policies; update the URL, language and tags of known ones."""
        now = now_iso()
        with self._write() as db:
            for p in policies:
                db.execute(
                    """INSERT INTO policies (name, url, language, tags, created_at)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT(name) DO UPDATE SET
                         url = excluded.url, language = excluded.language, tags = excluded.tags,
                         etag = CASE WHEN policies.url = excluded.url THEN policies.etag END,
                         last_modified = CASE WHEN policies.url = excluded.url
                                              THEN policies.last_modified END""",
                    [p.name, p.url, p.language, json.dumps(list(p.tags)), now],
                )

    def policy_state(self, name: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM policies WHERE name = ?", [name])
        return rows[0] if rows else None

    def policy_summaries(self) -> list[dict[str, Any]]:
        """One row per known policy with its last check and version count."""
        return self._rows(
            """SELECT p.name, p.url,
                      (SELECT COUNT(*) FROM versions v WHERE v.policy_id = p.id) AS versions,
                      c.started_at AS last_check, c.outcome AS last_outcome,
                      c.http_status AS last_status, c.error AS last_error
               FROM policies p
               LEFT JOIN checks c ON c.id = (
                   SELECT MAX(id) FROM checks WHERE policy_id = p.id)
               ORDER BY p.name"""
        )

    # -- versions -----------------------------------------------------------

    def latest_version(self, policy: str) -> VersionRecord | None:
        rows = self._rows(
            """SELECT v.*, p.name AS policy FROM versions v JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? ORDER BY v.number DESC LIMIT 1""",
            [policy],
        )
        return _version(rows[0]) if rows else None

    def version(self, policy: str, number: int) -> VersionRecord | None:
        rows = self._rows(
            """SELECT v.*, p.name AS policy FROM versions v JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? AND v.number = ?""",
            [policy, number],
        )
        return _version(rows[0]) if rows else None

    def versions(self, policy: str) -> list[VersionRecord]:
        rows = self._rows(
            """SELECT v.*, p.name AS policy FROM versions v JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? ORDER BY v.number""",
            [policy],
        )
        return [_version(r) for r in rows]

    def latest_change(self, policy: str) -> dict[str, Any] | None:
        """The newest change of a policy, with version numbers and the parsed comparison."""
        rows = self._rows(
            """SELECT c.id, c.severity, c.created_at, c.comparison,
                      o.number AS old_version, n.number AS new_version
               FROM changes c JOIN policies p ON p.id = c.policy_id
               JOIN versions o ON o.id = c.old_version_id
               JOIN versions n ON n.id = c.new_version_id
               WHERE p.name = ? ORDER BY c.id DESC LIMIT 1""",
            [policy],
        )
        if not rows:
            return None
        row = rows[0]
        row["comparison"] = json.loads(row["comparison"])
        return row

    def checks(self, policy: str, *, limit: int = 100) -> list[dict[str, Any]]:
        return self._rows(
            """SELECT c.* FROM checks c JOIN policies p ON p.id = c.policy_id
               WHERE p.name = ? ORDER BY c.id DESC LIMIT ?""",
            [policy, limit],
        )

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
    ) -> Recorded:
        """Write a check, its snapshot row, (maybe) its new version and change with the
        change's ``events``, and any report due (see :class:`Reports`), atomically."""
        now = now_iso()
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
            latest = db.execute(
                "SELECT id, number, text_hash FROM versions WHERE policy_id = ? "
                "ORDER BY number DESC LIMIT 1",
                [policy_id],
            ).fetchone()
            version_id: int | None = latest[0] if latest else None
            number: int | None = latest[1] if latest else None
            change_id: int | None = None
            outcome = check.outcome
            if (
                new_version is not None
                and latest is not None
                and latest[2] == new_version.text_hash
            ):
                outcome = CheckOutcome.UNCHANGED  # another writer stored the same text first
                new_version = None
            if new_version is not None:
                number = (number or 0) + 1
                cursor = db.execute(
                    """INSERT INTO versions (policy_id, number, text_hash, text, title, language,
                           declared_date, snapshot_sha256, first_seen, last_seen)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [
                        policy_id,
                        number,
                        new_version.text_hash,
                        new_version.text,
                        new_version.title,
                        new_version.language,
                        new_version.declared_date,
                        check.snapshot_sha256,
                        check.started_at,
                        check.started_at,
                    ],
                )
                old_version_id, version_id = version_id, cursor.lastrowid
                if old_version_id is not None and comparison is not None:
                    cursor = db.execute(
                        """INSERT INTO changes (policy_id, old_version_id, new_version_id,
                               severity, created_at, comparison) VALUES (?, ?, ?, ?, ?, ?)""",
                        [
                            policy_id,
                            old_version_id,
                            version_id,
                            severity,
                            now,
                            json.dumps(comparison, ensure_ascii=False),
                        ],
                    )
                    change_id = cursor.lastrowid
                    self._enqueue(db, events, change_id=change_id, at=now)
            elif version_id is not None and outcome in (
                CheckOutcome.UNCHANGED,
                CheckOutcome.NOT_MODIFIED,
            ):
                db.execute(
                    "UPDATE versions SET last_seen = ? WHERE id = ?", [check.started_at, version_id]
                )
            if outcome in (CheckOutcome.NEW_VERSION, CheckOutcome.UNCHANGED):
                db.execute(
                    "UPDATE policies SET etag = ?, last_modified = ?, last_raw_sha256 = ? "
                    "WHERE id = ?",
                    [check.etag, check.last_modified, check.snapshot_sha256, policy_id],
                )
            failed = outcome in (CheckOutcome.ERROR, CheckOutcome.ANOMALY)
            db.execute(
                "UPDATE policies SET consecutive_failures = "
                "CASE WHEN ? THEN consecutive_failures + 1 ELSE 0 END WHERE id = ?",
                [failed, policy_id],
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
                )
                else None
            )
            cursor = db.execute(
                """INSERT INTO checks (policy_id, started_at, duration_ms, http_status, outcome,
                       error, final_url, size, snapshot_sha256, version_id, text_hash)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
                ],
            )
            check_id = int(cursor.lastrowid or 0)
        return Recorded(check_id, number, change_id, report)

    def _report(
        self,
        db: Database,
        policy_id: int,
        outcome: CheckOutcome,
        version_id: int | None,
        reports: Reports | None,
        *,
        at: str,
    ) -> str | None:
        """Queue the report this check makes due, if any; return its name."""
        if reports is None:
            return None
        failures, reported_at = db.execute(
            "SELECT consecutive_failures, failure_reported_at FROM policies WHERE id = ?",
            [policy_id],
        ).fetchone()
        if failures >= reports.failures_before_report and not reported_at:
            db.execute("UPDATE policies SET failure_reported_at = ? WHERE id = ?", [at, policy_id])
            self._enqueue(db, reports.unreachable, change_id=None, at=at)
            return "unreachable"
        if failures == 0 and reported_at:
            db.execute("UPDATE policies SET failure_reported_at = NULL WHERE id = ?", [policy_id])
            self._enqueue(db, reports.recovered, change_id=None, at=at)
            return "recovered"
        if outcome == CheckOutcome.FLAPPING:
            already = db.execute(
                "SELECT 1 FROM checks WHERE policy_id = ? AND version_id IS ? AND outcome = ? "
                "LIMIT 1",
                [policy_id, version_id, str(CheckOutcome.FLAPPING)],
            ).fetchone()
            if already is None:
                self._enqueue(db, reports.flapping, change_id=None, at=at)
                return "flapping"
        return None

    def recent_text_hashes(self, policy: str, *, limit: int) -> tuple[str, ...]:
        """The text hashes the last ``limit`` checks of ``policy`` saw, newest first
        (checks that got no text, such as errors, are left out)."""
        rows = self._rows(
            """SELECT c.text_hash FROM checks c JOIN policies p ON p.id = c.policy_id
               WHERE p.name = ? ORDER BY c.id DESC LIMIT ?""",
            [policy, limit],
        )
        return tuple(r["text_hash"] for r in rows if r["text_hash"] is not None)

    def earlier_versions(self, policy: str, *, limit: int = 20) -> dict[str, int]:
        """Text hash → number of the ``limit`` versions before the latest."""
        rows = self._rows(
            """SELECT v.text_hash, v.number FROM versions v
               JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? ORDER BY v.number DESC LIMIT ? OFFSET 1""",
            [policy, limit],
        )
        found: dict[str, int] = {}
        for row in rows:
            found.setdefault(row["text_hash"], row["number"])
        return found

    # -- scheduling and the daemon ------------------------------------------------

    def set_schedule(
        self,
        policy: str,
        *,
        next_check_at: str,
    ) -> None:
        """When the daemon checks ``policy`` next."""
        with self._write() as db:
            db.execute(
                "UPDATE policies SET next_check_at = ? WHERE name = ?", [next_check_at, policy]
            )

    # -- the notification outbox ---------------------------------------------------

    def _enqueue(
        self, db: Database, events: Sequence[Any], *, change_id: int | None, at: str
    ) -> None:
        for event in events:
            db.execute(
                """INSERT OR IGNORE INTO deliveries (event_id, event_type, webhook, policy,
                       change_id, payload, created_at, next_attempt_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    event.event_id,
                    event.event_type,
                    event.webhook,
                    event.policy,
                    change_id,
                    json.dumps(event.payload, ensure_ascii=False),
                    at,
                    at,
                ],
            )

    def pending_targets(self) -> list[str]:
        rows = self._rows("SELECT DISTINCT webhook FROM deliveries WHERE status = 'pending'")
        return sorted(r["webhook"] for r in rows)

    def next_delivery(self, webhook: str) -> dict[str, Any] | None:
        """The oldest pending delivery of a target (deliveries go out in order)."""
        rows = self._rows(
            "SELECT * FROM deliveries WHERE webhook = ? AND status = 'pending' ORDER BY id LIMIT 1",
            [webhook],
        )
        return rows[0] if rows else None

    def record_attempt(
        self,
        delivery_id: int,
        *,
        status: str,
        http_status: int | None,
        error: str | None,
        duration: float,
        next_attempt_at: str | None,
    ) -> None:
        now = now_iso()
        with self._write() as db:
            db.execute(
                """INSERT INTO delivery_attempts (delivery_id, at, http_status, error, duration_ms)
                   VALUES (?, ?, ?, ?, ?)""",
                [delivery_id, now, http_status, error, round(duration * 1000)],
            )
            db.execute(
                """UPDATE deliveries SET status = ?, attempts = attempts + 1, last_status = ?,
                       last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                       delivered_at = CASE WHEN ? = 'delivered' THEN ? END
                   WHERE id = ?""",
                [status, http_status, error, next_attempt_at, status, now, delivery_id],
            )

    def deliveries(self, *, include_delivered: bool = False) -> list[dict[str, Any]]:
        where = "" if include_delivered else "WHERE status != 'delivered'"
        return self._rows(
            f"""SELECT id, event_id, event_type, webhook, policy, status, attempts, created_at,
                       next_attempt_at, delivered_at, last_status, last_error
                FROM deliveries {where} ORDER BY id"""
        )

    def delivery_attempts(self, delivery_id: int) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id", [delivery_id]
        )

    def retry_delivery(self, delivery_id: int) -> bool:
        """Requeue a delivery (failed or waiting) to go out at the next flush."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, "
                "created_at = ? WHERE id = ? AND status != 'delivered'",
                [now_iso(), now_iso(), delivery_id],
            )
            return bool(cursor.rowcount)

    def changes_for_feed(
        self, *, policies: Sequence[str], limit: int = 100
    ) -> list[dict[str, Any]]:
        """Material changes of the given policies, newest first, with their comparison."""
        if not policies:
            return []
        marks = ", ".join("?" for _ in policies)
        rows = self._rows(
            f"""SELECT c.id, c.created_at, c.comparison, p.name AS policy, p.url,
                       o.number AS old_version, n.number AS new_version
                FROM changes c JOIN policies p ON p.id = c.policy_id
                JOIN versions o ON o.id = c.old_version_id
                JOIN versions n ON n.id = c.new_version_id
                WHERE c.severity = 'material' AND p.name IN ({marks})
                ORDER BY c.id DESC LIMIT ?""",
            [*policies, limit],
        )
        for row in rows:
            row["comparison"] = json.loads(row["comparison"])
        return rows

    def heartbeat(self, *, pid: int, started_at: str, stopped: bool = False) -> None:
        now = now_iso()
        with self._write() as db:
            db.execute(
                """INSERT INTO daemon (id, pid, started_at, heartbeat_at, stopped_at)
                   VALUES (1, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET pid = excluded.pid,
                     started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,
                     stopped_at = excluded.stopped_at""",
                [pid, started_at, now, now if stopped else None],
            )

    def daemon_state(self) -> dict[str, Any] | None:
        rows = self._rows("SELECT pid, started_at, heartbeat_at, stopped_at FROM daemon")
        return rows[0] if rows else None

    def status_rows(self) -> list[dict[str, Any]]:
        """One row per policy: last check, outcome, next check, failures, versions."""
        return self._rows(
            """SELECT p.name, c.started_at AS last_check, c.outcome AS last_outcome,
                      c.error AS last_error, p.next_check_at AS next_check,
                      p.consecutive_failures, p.failure_reported_at,
                      (SELECT COUNT(*) FROM versions v WHERE v.policy_id = p.id) AS versions
               FROM policies p
               LEFT JOIN checks c ON c.id = (SELECT MAX(id) FROM checks WHERE policy_id = p.id)
               ORDER BY p.name"""
        )

    def integrity_problems(self, snapshot_root: Path) -> list[str]:
        """Consistency checks used after crashes: returns what is wrong (empty = consistent)."""
        problems: list[str] = []
        for row in self._rows("PRAGMA integrity_check"):
            value = next(iter(row.values()))
            if value != "ok":
                problems.append(f"sqlite: {value}")
        for row in self._rows("SELECT sha256, path FROM snapshots"):
            if not (snapshot_root / row["path"]).exists():
                problems.append(f"snapshot {row['sha256']} is recorded but missing")
        for row in self._rows(
            """SELECT policy_id, COUNT(*) n, MAX(number) m FROM versions GROUP BY policy_id
               HAVING n != m"""
        ):
            problems.append(f"policy {row['policy_id']} has gaps in its version numbers")
        for row in self._rows(
            """SELECT a.id FROM versions a JOIN versions b
               ON a.policy_id = b.policy_id AND b.number = a.number + 1
               WHERE a.text_hash = b.text_hash"""
        ):
            problems.append(f"version {row['id']} is followed by an identical version")
        return problems


# Below this many free bytes on the database's disk, SQLite's "database or disk is
# full" and its I/O errors are reported as the full disk they are (ENOSPC while
# growing the shared-memory file reaches SQLite as a plain "disk I/O error").
_NEARLY_FULL = 1 << 20


def _reason(exc: sqlite3.DatabaseError | OSError, path: Path) -> str:
    """Why a database operation failed, in words that name a full disk as such."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    message = str(exc)
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR"):
        try:
            free = shutil.disk_usage(path.parent).free
        except OSError:
            return message
        if free < _NEARLY_FULL:
            return f"no space left on device ({message}; {free} bytes free)"
    return message


def _version(row: dict[str, Any]) -> VersionRecord:
    return VersionRecord(
        id=row["id"],
        policy=row["policy"],
        number=row["number"],
        text_hash=row["text_hash"],
        text=row["text"],
        title=row["title"],
        language=row["language"],
        declared_date=row["declared_date"],
        snapshot_sha256=row["snapshot_sha256"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
    )
