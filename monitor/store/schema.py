"""The schema: numbered migrations, applied in order when a database is opened.

Tables: ``policies``, ``checks`` (every attempt), ``snapshots`` (raw bodies,
by sha256), ``versions`` (normalised texts, stored only when they differ
from the latest of their variant), ``changes`` (one per new version that
follows an earlier one of its variant),
``daemon`` (the heartbeat), ``deliveries`` and ``delivery_attempts`` (the
notification outbox).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from monitor.store.packing import pack

__all__ = ["migrations"]

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


@migrations(name="0005_variants")
def _m0005(db: Database) -> None:
    # A URL may serve several complete documents in turn (a regional or members' variant):
    # each keeps its own line of versions. ``replaced``: the version replaced most of the
    # one before it, confirmed by a second fetch (if that one comes back, they are variants).
    db.execute("ALTER TABLE versions ADD COLUMN variant INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE versions ADD COLUMN replaced INTEGER NOT NULL DEFAULT 0")
    # The text of the last processed body, beside its raw hash: the same bytes again
    # are that text again, whichever variant it is.
    db.execute("ALTER TABLE policies ADD COLUMN last_text_hash TEXT")


@migrations(name="0006_senders")
def _m0006(db: Database) -> None:
    # One sender per webhook at a time, across processes: a lease, taken over when it
    # expires or its holder (host:pid:token) is a process of this host that died.
    db.execute(
        """CREATE TABLE senders (
            webhook TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            until TEXT NOT NULL
        )"""
    )


@migrations(name="0007_packed_texts")
def _m0007(db: Database) -> None:
    # Version texts are stored zlib-compressed (monitor.store.packing); rows written
    # before are packed here, a batch at a time (a text read back as it was written).
    last = 0
    while True:
        rows = db.execute(
            "SELECT id, text FROM versions WHERE id > ? AND typeof(text) = 'text' "
            "ORDER BY id LIMIT 500",
            [last],
        ).fetchall()
        if not rows:
            break
        db.conn.executemany(
            "UPDATE versions SET text = ? WHERE id = ?", [(pack(text), id_) for id_, text in rows]
        )
        last = rows[-1][0]


@migrations(name="0008_reading_indexes")
def _m0008(db: Database) -> None:
    # The reading room finds the check that stored a version, and a policy's changes.
    db.execute("CREATE INDEX IF NOT EXISTS checks_version ON checks(version_id)")
    db.execute("CREATE INDEX IF NOT EXISTS changes_policy ON changes(policy_id, id)")


@migrations(name="0009_browser")
def _m0009(db: Database) -> None:
    # A check says which fetcher read the page ("http" or "browser"), keeps a browser
    # rendering's full-page screenshot as a snapshot of its own, and what it noted beside
    # its outcome (requests the browser refused, clicks that found nothing). A policy
    # remembers the fetcher of its last good check (fetcher = "auto" starts with it).
    db.execute("ALTER TABLE checks ADD COLUMN fetcher TEXT")
    db.execute("ALTER TABLE checks ADD COLUMN screenshot_sha256 TEXT REFERENCES snapshots(sha256)")
    db.execute("ALTER TABLE checks ADD COLUMN notes TEXT")
    db.execute("ALTER TABLE policies ADD COLUMN fetcher TEXT")


@migrations(name="0010_check_provenance")
def _m0010(db: Database) -> None:
    # Provenance of what a check fetched: the URL it asked for (a policy's URL may change
    # later) and a few response headers (content type and language, dates, validators).
    db.execute("ALTER TABLE checks ADD COLUMN url TEXT")
    db.execute("ALTER TABLE checks ADD COLUMN headers TEXT")


@migrations(name="0011_workers")
def _m0011(db: Database) -> None:
    # Checks taken from a queue (`monitor worker`, PostgreSQL): a due policy is claimed
    # (``claim``: by whom and when; ``next_check_at`` then says until when) before its
    # check is queued, and released in the check's transaction. Each worker's heartbeat.
    db.execute("ALTER TABLE policies ADD COLUMN claim TEXT")
    db.execute(
        """CREATE TABLE workers (
            name TEXT PRIMARY KEY,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL,
            stopped_at TEXT,
            checks INTEGER NOT NULL DEFAULT 0,
            beat_seconds REAL NOT NULL DEFAULT 5,
            stop_seconds REAL NOT NULL DEFAULT 60
        )"""
    )
