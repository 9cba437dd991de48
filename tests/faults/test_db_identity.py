"""A database is one file under one name, and stays the file that was opened.

A hard link gave the database a second name: ``check`` and ``status`` through
it used another ``-wal`` journal than the daemon, so two histories diverged and
one change was delivered twice under two event ids.  A daemon whose database
was truncated or deleted under it went on writing into a journal no reader
saw.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitor.demo import DEMO_POLICY, SeedServer
from monitor.errors import StoreError
from monitor.store import Store

from ..conftest import WriteConfig, run_monitor
from ..test_daemon import daemon, versions, wait_for
from .test_input import one_line_error


def test_a_database_with_a_second_name_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "monitor.db"
    Store.open(database).close()
    os.link(database, tmp_path / "copy.db")
    for name in (database, tmp_path / "copy.db"):
        with pytest.raises(StoreError, match="hard links"):
            Store.open(name)
    assert not (tmp_path / "copy.db-wal").exists()
    (tmp_path / "copy.db").unlink()
    Store.open(database).close()  # one name again: fine


def test_commands_through_a_hard_link_say_so_in_one_line(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    database = tmp_path / "monitor.db"
    Store.open(database).close()
    linked = tmp_path / "linked.db"
    os.link(database, linked)
    config = write_config(
        {"acme": "https://example.org/privacy"},
        monitor=f'database = "{linked}"',
    )
    for command in (["status"], ["list"], ["check"]):
        one_line_error(run_monitor("--config", str(config), *command), str(linked), "hard links")
    assert not (tmp_path / "linked.db-wal").exists()


def test_a_store_stops_writing_when_its_file_is_replaced(tmp_path: Path) -> None:
    database = tmp_path / "monitor.db"
    with Store.open(database) as store:
        store.heartbeat(pid=1, started_at="2026-01-01T00:00:00+00:00")
        database.rename(tmp_path / "moved.db")
        database.write_bytes(b"")
        with pytest.raises(StoreError, match="deleted, replaced or emptied"):
            store.heartbeat(pid=1, started_at="2026-01-01T00:00:00+00:00")


@pytest.mark.slow
@pytest.mark.parametrize("how", ["truncated", "deleted"])
def test_a_daemon_stops_when_its_database_is_truncated_or_deleted(
    how: str, seed_server: SeedServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    database = tmp_path / "monitor.db"
    config = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor=f'interval = "2s"\ntimeout = "5s"\nallow_private_networks = true\n'
        f'database = "{database}"',
    )
    with daemon(config) as running:
        wait_for(lambda: versions(config, DEMO_POLICY) == 1)
        if how == "truncated":
            os.truncate(database, 0)
        else:
            database.unlink()
        assert running.process.wait(timeout=30) == 2
        log = running.log
    assert "deleted, replaced or emptied while in use" in log
    if how == "truncated":
        assert database.stat().st_size == 0  # nothing written back into it


def test_a_new_database_is_never_made_over_the_journal_of_a_lost_one(tmp_path: Path) -> None:
    """Deleting an emptied database as told, its -wal and -shm stayed: the new file
    read the old journal (an index that no longer fit its table)."""
    database = tmp_path / "monitor.db"
    with Store.open(database) as store:
        store.heartbeat(pid=1, started_at="2026-01-01T00:00:00+00:00")
        keep = Store.open(database)  # a second connection keeps the journal in place
    database.unlink()
    assert (tmp_path / "monitor.db-wal").exists()
    with pytest.raises(StoreError, match="monitor.db-wal.*move"):
        Store.open(database)
    keep.db.conn.close()
    for journal in tmp_path.glob("monitor.db-*"):
        journal.unlink()
    Store.open(database).close()  # moved away: a new history
