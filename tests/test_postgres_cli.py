"""The monitor on a PostgreSQL store, as a user runs it: checks, a material change, its
webhook from the outbox, history, diff, status, the reading room's API, one daemon per
database, and ``monitor migrate-store`` from an existing SQLite store."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from monitor.config import load_config
from monitor.demo import DEMO_POLICY, SeedServer, material_edit
from monitor.store import Store

from .conftest import WriteConfig, history_json, run_monitor
from .support.room import serve_room
from .test_daemon import daemon, wait_for
from .test_notify import Receiver

pytestmark = pytest.mark.slow


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    found.start()
    yield found
    found.stop()


def config_with(
    write_config: WriteConfig, seed_server: SeedServer, database: str | None, hook: str = ""
) -> Path:
    monitor = 'timeout = "5s"\nallow_private_networks = true\nprocesses = 1'
    if database is not None:
        monitor += f'\ndatabase = "{database}"'
    extra = f'\n[[webhook]]\nname = "hook"\nurl = "{hook}"\n' if hook else ""
    return write_config(
        {name: seed_server.url(name) for name in seed_server.pages}, monitor=monitor, extra=extra
    )


def ok(*args: str) -> str:
    done = run_monitor(*args)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_a_history_kept_in_postgresql(
    postgres_url: str, seed_server: SeedServer, write_config: WriteConfig, receiver: Receiver
) -> None:
    config = config_with(write_config, seed_server, postgres_url, receiver.url)
    ok("--config", str(config), "check")
    page = seed_server.pages[DEMO_POLICY]
    seed_server.set_body(DEMO_POLICY, material_edit(page.body))
    checked = json.loads(ok("--config", str(config), "check", "--json", DEMO_POLICY))
    assert checked[0]["outcome"] == "new_version"
    assert not receiver.received  # queued in the outbox, in the check's transaction
    ok("--config", str(config), "notify")
    (delivery,) = receiver.delivered()
    assert json.loads(delivery["body"])["policy"]["name"] == DEMO_POLICY  # type: ignore[arg-type]

    versions = history_json(config, DEMO_POLICY)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["change"]["material"] is True  # type: ignore[index]
    diff = run_monitor("--config", str(config), "diff", DEMO_POLICY, "--format", "json")
    assert diff.returncode == 1 and json.loads(diff.stdout)["material"] is True
    assert "advertentiepartners" in ok("--config", str(config), "show", DEMO_POLICY)
    status = ok("--config", str(config), "status")
    assert DEMO_POLICY in status and "never started on this database" in status
    assert "store is whole" in ok("--config", str(config), "verify")

    loaded = load_config(config)
    with serve_room(loaded) as base:  # the reading room reads PostgreSQL, read-only
        found = httpx.get(f"{base}/api/policies/{DEMO_POLICY}/versions", timeout=10).json()
        assert [v["number"] for v in found] == [2, 1]
    with Store.open(postgres_url) as store:
        assert store.integrity_problems(loaded.monitor.snapshots) == []


def test_one_daemon_per_postgresql_database(
    postgres_url: str, seed_server: SeedServer, write_config: WriteConfig
) -> None:
    config = config_with(write_config, seed_server, postgres_url)
    with daemon(config) as first:
        wait_for(lambda: "daemon running" in ok("--config", str(config), "status"))
        second = run_monitor("--config", str(config), "run")
        assert second.returncode != 0
        assert (
            "another `monitor run`, or a `monitor worker`, is running on postgresql://"
            in second.stderr
        )
        renamed = run_monitor("--config", str(config), "rename", DEMO_POLICY, "other")
        assert "the daemon (or a worker) is running" in renamed.stderr
        with Store.open(postgres_url) as store:  # it checks every policy
            wait_for(lambda: all(row["versions"] == 1 for row in store.status_rows()))
        first.signal(signal.SIGTERM)
        assert first.wait(30) == 0
    assert "daemon not running" in ok("--config", str(config), "status")


def test_migrate_store_copies_and_verifies(
    postgres_url: str,
    seed_server: SeedServer,
    write_config: WriteConfig,
    receiver: Receiver,
    tmp_path: Path,
) -> None:
    receiver.script = [(500, {}, 0.0)] * 20  # the change's notification stays pending
    config = config_with(write_config, seed_server, None, receiver.url)
    ok("--config", str(config), "check")
    seed_server.set_body(DEMO_POLICY, material_edit(seed_server.pages[DEMO_POLICY].body))
    ok("--config", str(config), "check")
    ok("--config", str(config), "notify")  # fails: one attempt recorded, still pending
    before = {name: history_json(config, name) for name in seed_server.pages}

    done = run_monitor("--config", str(config), "migrate-store", "--to", postgres_url)
    assert done.returncode == 0, done.stderr
    assert "verified them row by row" in done.stdout
    assert "copied versions: 6 row(s)" in done.stderr
    again = run_monitor("--config", str(config), "migrate-store", "--to", postgres_url)
    assert again.returncode == 2 and "already holds 5 policies" in again.stderr

    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("processes = 1", f'processes = 1\ndatabase = "{postgres_url}"'),
        encoding="utf-8",
    )
    after = {name: history_json(config, name) for name in seed_server.pages}
    assert after == before
    pending = json.loads(ok("--config", str(config), "deliveries", "--json"))
    assert [d["attempts"] for d in pending] == [1]
    receiver.script = []
    retry = str(pending[0]["id"])  # due now, not after the backoff of its failed attempt
    ok("--config", str(config), "deliveries", "--retry", retry)
    ok("--config", str(config), "notify")  # the migrated outbox is sent from PostgreSQL
    assert len(receiver.delivered()) == 1

    # new rows take ids after the copied ones
    body = seed_server.pages[DEMO_POLICY].body
    seed_server.set_body(DEMO_POLICY, body.replace(b"zoals Criteo", b"zoals Criteo en Taboola"))
    checked = json.loads(ok("--config", str(config), "check", "--json", DEMO_POLICY))
    assert checked[0]["outcome"] == "new_version" and checked[0]["version"] == 3


def test_migrate_store_refuses_what_it_cannot_do(
    tmp_path: Path, write_config: WriteConfig, seed_server: SeedServer, monkeypatch
) -> None:
    config = config_with(write_config, seed_server, None)
    bad = run_monitor("--config", str(config), "migrate-store", "--to", "mysql://u:pw@h/db")
    assert bad.returncode == 2 and "is not a postgresql:// address" in bad.stderr
    assert "pw" not in bad.stderr
    path = run_monitor("--config", str(config), "migrate-store", "--to", "other.db")
    assert "--to 'other.db' is not a postgresql:// address" in path.stderr
    unset = run_monitor("--config", str(config), "migrate-store", "--to", "env:NO_SUCH_VAR_HERE")
    assert "NO_SUCH_VAR_HERE is not set" in unset.stderr
    missing = run_monitor(
        "--config", str(config), "migrate-store", "--to", "postgresql://127.0.0.1:1/x"
    )
    assert missing.returncode == 2 and "no database at" in missing.stderr
    ok("--config", str(config), "check", DEMO_POLICY)
    down = run_monitor(
        "--config", str(config), "migrate-store", "--to", "postgresql://user:secret@127.0.0.1:1/x"
    )
    assert down.returncode == 2 and "secret" not in down.stderr
    assert "cannot open database postgresql://user@127.0.0.1:1/x" in down.stderr
