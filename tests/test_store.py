from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.config import PolicyConfig
from monitor.errors import StoreError
from monitor.models import CheckOutcome
from monitor.records import NewVersion
from monitor.store import CheckRecord, Store


def version(text: str) -> NewVersion:
    import hashlib

    return NewVersion(text=text, text_hash=hashlib.sha256(text.encode()).hexdigest())


def check(outcome: CheckOutcome, at: str = "2026-01-01T00:00:00+00:00") -> CheckRecord:
    return CheckRecord(policy="p", started_at=at, duration=0.1, outcome=outcome, http_status=200)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """The store in an SQLite file, and in a PostgreSQL schema of its own."""
    if request.param == "postgresql":
        database: Path | str = request.getfixturevalue("postgres_url")
    else:
        database = tmp_path / "db" / "monitor.db"
    with Store.open(database) as s:
        s.sync_policies([PolicyConfig(name="p", url="https://x.nl/p")])
        yield s


def test_schema_wal_and_migrations_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"
    Store.open(path).close()
    with Store.open(path) as store:  # second open applies nothing twice
        tables = set(store.db.table_names())
        assert {"policies", "checks", "snapshots", "versions", "changes"} <= tables
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        applied = store.db.execute("SELECT name FROM _sqlite_migrations").fetchall()
        assert applied == [
            ("0001_initial",),
            ("0002_schedule_and_daemon",),
            ("0003_outbox",),
            ("0004_check_text_hash",),
            ("0005_variants",),
            ("0006_senders",),
            ("0007_packed_texts",),
            ("0008_reading_indexes",),
            ("0009_browser",),
            ("0010_check_provenance",),
            ("0011_workers",),
        ]


def test_versions_are_stored_only_when_text_differs(store: Store) -> None:
    _, n1, *_ = store.record_check(check(CheckOutcome.NEW_VERSION), new_version=version("a"))
    # the pipeline decides "unchanged" itself, but the store refuses a duplicate too
    _, n2, *_ = store.record_check(
        check(CheckOutcome.NEW_VERSION, "2026-01-02T00:00:00+00:00"), new_version=version("a")
    )
    _, n3, *_ = store.record_check(
        check(CheckOutcome.NEW_VERSION, "2026-01-03T00:00:00+00:00"), new_version=version("b")
    )
    assert (n1, n2, n3) == (1, 1, 2)
    versions = store.versions("p")
    assert [v.text for v in versions] == ["a", "b"]
    assert versions[0].last_seen == "2026-01-02T00:00:00+00:00"
    outcomes = [c["outcome"] for c in store.checks("p")]
    assert outcomes == ["new_version", "unchanged", "new_version"]
    assert store.integrity_problems(Path("/nonexistent")) == []


def test_error_checks_are_recorded_without_versions(store: Store) -> None:
    record = CheckRecord(
        policy="p",
        started_at="t",
        duration=1.5,
        outcome=CheckOutcome.ERROR,
        error="HTTP 500",
        http_status=500,
    )
    store.record_check(record)
    (row,) = store.checks("p")
    assert row["outcome"] == "error" and row["error"] == "HTTP 500" and row["duration_ms"] == 1500
    assert row["version_id"] is None
    assert store.latest_version("p") is None
    summary = store.policy_summaries()[0]
    assert summary["last_outcome"] == "error" and summary["versions"] == 0


def test_validators_kept_only_from_processed_checks(store: Store) -> None:
    from dataclasses import replace

    ok = replace(check(CheckOutcome.NEW_VERSION), etag='"1"')
    store.record_check(ok, new_version=version("a"))
    anomaly = replace(check(CheckOutcome.ANOMALY), etag='"2"')
    store.record_check(anomaly)
    state = store.policy_state("p")
    assert state is not None and state["etag"] == '"1"'


def test_changing_a_policy_url_forgets_validators(store: Store) -> None:
    from dataclasses import replace

    store.record_check(
        replace(check(CheckOutcome.NEW_VERSION), etag='"1"'), new_version=version("a")
    )
    store.sync_policies([PolicyConfig(name="p", url="https://x.nl/other")])
    state = store.policy_state("p")
    assert state is not None and state["etag"] is None and state["url"] == "https://x.nl/other"


def test_a_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"
    with Store.open(path, timeout=0.2) as store:
        store.sync_policies([PolicyConfig(name="p", url="https://x.nl/p")])
        other = sqlite3.connect(path)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match="database is locked"):
                store.record_check(check(CheckOutcome.NEW_VERSION), new_version=version("a"))
        finally:
            other.rollback()
            other.close()
        # nothing half-written; the next write succeeds
        assert store.latest_version("p") is None
        store.record_check(check(CheckOutcome.NEW_VERSION), new_version=version("a"))
        assert store.latest_version("p") is not None


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        Store.open(path)


def test_two_writers_recognising_one_variant_split_it_once(store: Store) -> None:
    """Two checks (say `monitor check` beside the daemon) both see the replaced text
    come back: the first splits the rewrite into a variant of its own, the second finds
    it split and records an unchanged check, with no second variant or report."""
    a, b = version("a"), version("b")
    store.record_check(check(CheckOutcome.NEW_VERSION), new_version=a)
    store.record_check(check(CheckOutcome.NEW_VERSION), new_version=b)
    served = replace(check(CheckOutcome.VARIANT), text_hash=a.text_hash)
    first = store.record_check(served, split=2)
    second = store.record_check(served, split=2)
    assert [(v.number, v.variant) for v in store.versions("p")] == [(1, 1), (2, 2)]
    outcomes = [r[0] for r in store.db.execute("SELECT outcome FROM checks ORDER BY id")]
    assert outcomes[-2:] == ["variant", "unchanged"]
    assert first.version == 1 and second.version == 1


def test_a_new_variant_takes_the_next_free_number_in_its_transaction(store: Store) -> None:
    store.record_check(check(CheckOutcome.NEW_VERSION), new_version=version("a"))
    stale = replace(version("b"), variant=2)  # both writers read one variant
    store.record_check(check(CheckOutcome.VARIANT), new_version=stale)
    store.record_check(check(CheckOutcome.VARIANT), new_version=replace(version("c"), variant=2))
    assert [v.variant for v in store.versions("p")] == [1, 2, 3]


def test_a_check_holds_no_policy_text_until_it_judges(store: Store) -> None:
    """What a check reads before it waits for a fetch slot carries no text (a cycle of
    a thousand checks held a thousand texts); the history it judges against does."""
    from monitor.recording import read_before, read_history

    text = "Wij bewaren je gegevens 12 maanden. " * 2000
    store.record_check(check(CheckOutcome.NEW_VERSION), new_version=version(text))
    _, latest = read_before(store, "p")
    assert latest is not None and latest.number == 1 and latest.text == ""
    assert latest.text_hash == version(text).text_hash
    history = read_history(store, "p", latest)
    assert history.latest is not None and history.latest.text == text


def test_version_texts_are_stored_packed_and_old_rows_are_packed_on_open(tmp_path: Path) -> None:
    from monitor.store.schema import migrations

    path = tmp_path / "monitor.db"
    text = "Wij bewaren je e-mailadres 12 maanden en delen het met niemand. " * 1500
    with Store.open(path) as store:
        store.sync_policies([PolicyConfig(name="p", url="https://x.nl/p")])
        store.record_check(check(CheckOutcome.NEW_VERSION), new_version=version(text))
        stored = store.db.execute("SELECT text FROM versions").fetchone()[0]
        assert isinstance(stored, bytes) and len(stored) < len(text) / 2
        # A database from before packing: its text a plain string, the migration pending.
        store.db.execute("UPDATE versions SET text = ?", [text])
        store.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0007_packed_texts'")
        store.db.conn.commit()
    assert [m.name for m in migrations.pending(Store.open(path).db)] == []  # applied on open
    with Store.open(path) as store:
        assert store.db.execute("SELECT typeof(text) FROM versions").fetchone()[0] == "blob"
        assert [v.text for v in store.versions("p")] == [text]
