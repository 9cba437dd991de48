"""The store's contract on both backends: the same story of checks, variants,
notifications, digests and a rename, told to an SQLite file and to a PostgreSQL
schema, reads back the same through every query of the store."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from monitor.config import PolicyConfig, load_config
from monitor.errors import StaleCheckError, StoreError
from monitor.models import CheckOutcome
from monitor.records import NewVersion, ReportFacts, Reports, Reschedule
from monitor.snapshots import StoredSnapshot
from monitor.store import CheckRecord, Store, pg_schema, schema
from monitor.store.postgres import translate

NOW = "2026-06-01T00:00:00+00:00"


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str
    webhook: str
    policy: str
    payload: dict[str, Any] = field(default_factory=dict)
    held: bool = False


def text(value: str) -> NewVersion:
    return NewVersion(text=value, text_hash=hashlib.sha256(value.encode()).hexdigest())


def at(day: int) -> str:
    return f"2026-01-{day:02d}T00:00:00+00:00"


def check(policy: str, outcome: CheckOutcome, day: int, **more: Any) -> CheckRecord:
    more.setdefault("http_status", 200)
    return CheckRecord(policy=policy, started_at=at(day), duration=0.25, outcome=outcome, **more)


def due(facts: ReportFacts) -> str | None:
    if facts.outcome in (CheckOutcome.ERROR, CheckOutcome.ANOMALY):
        if facts.failures >= facts.failures_before_report and not facts.failure_reported:
            return "unreachable"
        return None
    if facts.failure_reported:
        return "recovered"
    if facts.outcome == CheckOutcome.FLAPPING and not facts.flapping_reported:
        return "flapping"
    return "variant" if facts.outcome == CheckOutcome.VARIANT else None


def reports(policy: str, day: int) -> Reports:
    def one(kind: str) -> list[Event]:
        return [Event(f"{kind}-{policy}-{day}", f"policy.{kind}", "hook", policy)]

    return Reports(
        failures_before_report=2,
        due=due,
        unreachable=one("unreachable"),
        recovered=one("recovered"),
        flapping=one("flapping"),
        variant=one("variant"),
    )


def tell_the_story(store: Store) -> dict[str, Any]:
    """Write a history through the store's API; return what every query reads of it."""
    store.sync_policies(
        [
            PolicyConfig(name="alpha", url="https://a.example/privacy", tags=("bank",)),
            PolicyConfig(name="beta", url="https://b.example/terms"),
            PolicyConfig(name="gamma", url="https://c.example/p"),
        ]
    )
    page = StoredSnapshot(sha256="a" * 64, size=100, path="aa/page.gz", created=True)
    shot = StoredSnapshot(sha256="b" * 64, size=50, path="bb/shot.gz", created=True)
    first = check(
        "alpha",
        CheckOutcome.NEW_VERSION,
        1,
        snapshot_sha256=page.sha256,
        snapshot_path=page.path,
        content_type="text/html",
        size=100,
        text_hash=text("one").text_hash,
        etag='"e1"',
        fetcher="browser",
        screenshot=shot,
        notes=("imported: abc:alpha.html", "a note with 100% and a ? in it"),
        url="https://a.example/privacy",
        headers={"Content-Type": "text/html", "X-Other": "no"},
    )
    store.record_check(first, new_version=text("one"), reports=reports("alpha", 1))
    comparison = {"silent": True, "date_only": False, "categories": ["recipients"]}
    events = [Event("change-1", "policy.changed", "hook", "alpha", {"n": 1})]
    events.append(Event("change-1", "policy.changed", "digest-mail", "alpha", held=True))
    store.record_check(
        check("alpha", CheckOutcome.NEW_VERSION, 2, text_hash=text("two").text_hash),
        new_version=replace(text("two"), replaced=True),
        comparison=comparison,
        severity="material",
        events=events,
        expect_latest=1,
    )
    with pytest.raises(StaleCheckError):
        store.record_check(
            check("alpha", CheckOutcome.NEW_VERSION, 3), new_version=text("x"), expect_latest=1
        )
    store.record_check(
        check("alpha", CheckOutcome.UNCHANGED, 3, text_hash=text("two").text_hash),
        reports=reports("alpha", 3),
    )
    store.record_check(check("alpha", CheckOutcome.NOT_MODIFIED, 4), reports=reports("alpha", 4))
    for day in (5, 6, 7):  # unreachable once, after two
        failed = check("beta", CheckOutcome.ERROR, day, error="HTTP 503", http_status=503)
        store.record_check(failed, reports=reports("beta", day))
    store.record_check(
        check("beta", CheckOutcome.NEW_VERSION, 8, text_hash=text("b1").text_hash),
        new_version=text("b1"),
        reports=reports("beta", 8),
    )
    store.record_check(
        check("beta", CheckOutcome.ANOMALY, 9, error="blocked page"), reports=reports("beta", 9)
    )
    # alpha's first text comes back: a variant, split off from the rewrite
    served = check("alpha", CheckOutcome.VARIANT, 10, text_hash=text("one").text_hash)
    store.record_check(served, split=2, reports=reports("alpha", 10))
    store.record_check(
        check("alpha", CheckOutcome.FLAPPING, 11, text_hash=text("one").text_hash),
        reports=reports("alpha", 11),
    )
    store.set_schedule("alpha", next_check_at=at(20))
    store.heartbeat(pid=123, started_at=at(1))
    store.heartbeat(pid=123, started_at=at(1), stopped=True)

    # the outbox: in order, one sender at a time, attempts, digests, retries
    read: dict[str, Any] = {"targets": store.pending_targets()}
    assert store.claim_sender("hook", "host:1:t", lease=60)
    assert not store.claim_sender("hook", "otherhost:2:t", lease=60)
    first_out = store.next_delivery("hook")
    assert first_out is not None
    store.record_attempt(
        first_out["id"], status="pending", http_status=500, error="HTTP 500", duration=0.1,
        next_attempt_at=at(12),
    )  # fmt: skip
    store.record_attempt(
        first_out["id"], status="delivered", http_status=200, error=None, duration=0.1,
        next_attempt_at=None,
    )  # fmt: skip
    store.release_sender("hook", "host:1:t")
    held = store.held_deliveries("digest-mail", before="9999")
    read["held"] = [h["event_id"] for h in held]
    assert store.bundle_digest("digest-mail", [h["id"] for h in held], event_id="d1", payload={})
    assert not store.bundle_digest(
        "digest-mail", [h["id"] for h in held], event_id="d2", payload={}
    )
    read["released"] = store.release_held("digest-mail")
    read["retried"] = store.retry_delivery(first_out["id"])

    renamed = store.rename_policy("gamma", "delta")
    renamed.pop("at")
    read["renamed"] = renamed
    with pytest.raises(Exception, match="history of its own"):
        store.rename_policy("alpha", "beta")

    read |= {
        "state": store.policy_state("alpha"),
        "summaries": store.policy_summaries(),
        "latest": store.latest_version("alpha"),
        "latest_no_text": store.latest_version("alpha", text=False),
        "version": store.version("alpha", 2),
        "versions": store.versions("alpha") + store.versions("beta"),
        "latest_change": store.latest_change("alpha"),
        "checks": store.checks("alpha") + store.checks("beta", limit=2),
        "recent": store.recent_texts("alpha", limit=10),
        "recent_hashes": store.recent_text_hashes("alpha", limit=3),
        "heads": store.heads("alpha"),
        "earlier": store.earlier_versions("alpha"),
        "variants": store.variants_of("alpha"),
        "replaced_by": store.replaced_by("alpha"),
        "deliveries": store.deliveries(include_delivered=True),
        "pending_only": store.deliveries(),
        "attempts": store.delivery_attempts(first_out["id"]),
        "feed": store.changes_for_feed(policies=["alpha", "beta"]),
        "daemon": store.daemon_state(),
        "status": store.status_rows(),
        "snapshots": store.snapshot_rows(),
        "problems": store.integrity_problems(Path("/nonexistent")),
        "overview": store.overview(),
        "policy_row": store.policy_row("alpha"),
        "version_rows": store.version_rows("alpha", limit=-1),
        "version_row": store.version_rows("alpha", number=2, newest_first=False),
        "change_numbers": store.change_numbers("alpha"),
        "version_numbers": store.version_numbers("alpha"),
        "version_text": store.version_text("alpha", 2),
        "check_stats": store.check_stats("alpha"),
        "troubles": store.troubles("beta"),
        "change_rows": store.change_rows(policies=["alpha"], severities=["material"], since=at(1)),
        "no_change_rows": store.change_rows(policies=[]),
        "change_record": store.change_record("alpha", 2),
        "snapshot_of": store.snapshot_of("alpha", "b" * 64),
        "not_snapshot_of": store.snapshot_of("beta", "a" * 64),
        "screenshot_of": store.screenshot_of("alpha", 1),
        "imported": store.imported_refs("alpha", "imported: "),
        "names": store.stored_names(),
        "lost": store.lost_histories([("epsilon", "https://a.example/privacy")]),
        "changes_of": store.changes_of("alpha"),
    }
    return read


def _plain(value: Any) -> Any:
    """Query results as comparable JSON (numbers from either server as numbers)."""

    def encode(v: Any) -> Any:
        if is_dataclass(v) and not isinstance(v, type):
            return asdict(v)
        if isinstance(v, set):
            return sorted(v)
        return float(v)  # PostgreSQL's averages are decimals

    return json.loads(json.dumps(value, default=encode, sort_keys=True))


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    import monitor.store.checks
    import monitor.store.identity
    import monitor.store.outbox
    import monitor.store.policies
    import monitor.store.status

    for module in (
        monitor.store.checks, monitor.store.identity, monitor.store.outbox,
        monitor.store.policies, monitor.store.status,
    ):  # fmt: skip
        monkeypatch.setattr(module, "now_iso", lambda: NOW)


def test_both_backends_read_back_the_same_history(
    tmp_path: Path, postgres_url: str, fixed_now: None
) -> None:
    with Store.open(tmp_path / "monitor.db") as lite:
        expected = _plain(tell_the_story(lite))
    with Store.open(postgres_url) as pg:
        found = _plain(tell_the_story(pg))
    assert expected["targets"] == ["hook"]
    assert expected["version_text"] == "two" and expected["variants"] == {"2": 2}
    assert len(expected["deliveries"]) >= 6 and expected["held"] == ["change-1"]
    for key in expected:
        assert found[key] == expected[key], key


def test_the_postgresql_migrations_are_sqlites(tmp_path: Path, postgres_url: str) -> None:
    """Same names, in the same order, giving the same tables and columns."""
    assert [name for name, _ in pg_schema.MIGRATIONS] == [m.name for m in schema.migrations.pending(
        __import__("sqlite_utils").Database(memory=True))]  # fmt: skip
    with Store.open(tmp_path / "monitor.db") as lite, Store.open(postgres_url) as pg:
        lite_tables = {
            t: [c.name for c in lite.db[t].columns]
            for t in lite.db.table_names()
            if not t.startswith("_")
        }
        pg_tables = {
            t: [r["column_name"] for r in pg.db.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = ? ORDER BY ordinal_position", [t])]
            for t in pg.db.table_names()
            if not t.startswith("_")
        }  # fmt: skip
        assert pg_tables == lite_tables
    with Store.open(postgres_url) as pg:  # a second open applies nothing twice
        names = [r["name"] for r in pg.db.query("SELECT name FROM _migrations ORDER BY name")]
        assert names == [name for name, _ in pg_schema.MIGRATIONS]


def test_statements_are_translated_for_postgresql() -> None:
    assert translate("SELECT * FROM t WHERE a = ? AND b LIKE '%?%'") == (
        "SELECT * FROM t WHERE a = %s AND b LIKE '%%?%%'"
    )
    assert translate("INSERT OR IGNORE INTO s (a) VALUES (?)") == (
        "INSERT INTO s (a) VALUES (%s) ON CONFLICT DO NOTHING"
    )
    assert translate("SELECT 1 WHERE v IS ?") == "SELECT 1 WHERE v IS NOT DISTINCT FROM %s"
    assert translate("SELECT json_extract(c.comparison, '$.silent') AS s") == (
        "SELECT (c.comparison::jsonb ->> 'silent') AS s"
    )


def test_a_server_that_does_not_answer_is_one_clear_line() -> None:
    with pytest.raises(StoreError) as caught:
        Store.open("postgresql://someone:hunter2@127.0.0.1:1/nothing", timeout=2)
    message = str(caught.value)
    assert message.startswith("cannot open database postgresql://someone@127.0.0.1:1/nothing:")
    assert "hunter2" not in message and "\n" not in message


def test_the_reading_room_cannot_write_to_postgresql(postgres_url: str) -> None:
    with pytest.raises(StoreError, match="older schema"):
        Store.open_for_reading(postgres_url)  # nothing made yet: refused, nothing made
    Store.open(postgres_url).close()
    with Store.open_for_reading(postgres_url) as room, pytest.raises(StoreError, match="read-only"):
        room.sync_policies([PolicyConfig(name="p", url="https://x.example/")])


def test_database_setting_takes_an_address_or_a_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.errors import ConfigError

    path = tmp_path / "config.toml"
    url = "postgresql://monitor:s3cret@db.internal:5432/watch"
    path.write_text(f'[monitor]\ndatabase = "{url}"\n', encoding="utf-8")
    settings = load_config(path).monitor
    assert settings.database == url
    assert settings.database_shown == "postgresql://monitor@db.internal:5432/watch"
    monkeypatch.setenv("MONITOR_DB", url)
    path.write_text('[monitor]\ndatabase = "env:MONITOR_DB"\n', encoding="utf-8")
    assert load_config(path).monitor.database == url
    path.write_text('[monitor]\ndatabase = "env:NOT_SET_HERE"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="NOT_SET_HERE is not set"):
        load_config(path)
    path.write_text('[monitor]\ndatabase = "mysql://u:pw@h/db"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="neither a file nor a postgresql") as caught:
        load_config(path)
    assert "pw" not in str(caught.value)
    path.write_text('[monitor]\ndatabase = "data/monitor.db"\n', encoding="utf-8")
    assert load_config(path).monitor.database == tmp_path / "data" / "monitor.db"


def test_a_schema_that_does_not_exist_is_named_as_such(postgres_url: str) -> None:
    missing = postgres_url.replace("search_path%3D", "search_path%3Dno_such_")
    with pytest.raises(StoreError) as caught:
        Store.open(missing)
    assert "does not exist: create it first (CREATE SCHEMA name)" in str(caught.value)
    assert "LINE 1" not in str(caught.value)


def test_a_claim_is_released_only_by_its_own_check(postgres_url: str) -> None:
    """A check whose claim was taken again (its worker was thought dead) is stored, but
    leaves the newer claim and its schedule alone."""
    with Store.open(postgres_url) as store:
        store.sync_policies([PolicyConfig(name="p", url="https://x.example/p")])
        first, claimed = store.claim_due(["p"], now=at(1), until=at(2), holder="w1", limit=5)
        assert claimed == ["p"] and store.claim_of("p") == first
        assert store.claim_due(["p"], now=at(1), until=at(2), holder="w2", limit=5)[1] == []
        second, again = store.claim_due(["p"], now=at(3), until=at(4), holder="w2", limit=5)
        assert again == ["p"]  # the lease ran out: claimed again
        assert not store.hand_back("p", claim=first)  # a dead job of the older claim
        assert store.policy_state("p")["next_check_at"] == at(4)  # type: ignore[index]
        late = Reschedule(first, lambda failures: at(9))
        store.record_check(check("p", CheckOutcome.ERROR, 3), schedule=late)
        state = store.policy_state("p")
        assert state is not None and (state["claim"], state["next_check_at"]) == (second, at(4))
        own = Reschedule(second, lambda failures: at(20 + failures))
        store.record_check(check("p", CheckOutcome.ERROR, 3), schedule=own)
        state = store.policy_state("p")
        assert state is not None and (state["claim"], state["next_check_at"]) == (None, at(22))
        assert len(store.checks("p")) == 2


def test_a_password_libpq_cannot_decode_is_never_repeated() -> None:
    for url in (
        "postgresql://bob:p%zzsecret@127.0.0.1:1/db",
        "postgresql://bob@127.0.0.1:1/db?password=s3cr%t",
    ):
        with pytest.raises(StoreError) as caught:
            Store.open(url, timeout=2)
        assert "secret" not in str(caught.value) and "s3cr" not in str(caught.value)
