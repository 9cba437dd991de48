"""One daemon per database, whatever name the database goes by.

The lock used to be a file beside the database: a second ``monitor run`` on a
hard link to the database (or after the lock file was deleted) ran alongside
the first.  The lock is now on the database file itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from monitor.demo import DEMO_POLICY, SeedServer

from ..conftest import WriteConfig, run_monitor
from ..test_daemon import daemon, versions, wait_for


def _config(write_config: WriteConfig, seed_server: SeedServer, database: Path) -> Path:
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor=f'interval = "2s"\ntimeout = "5s"\nallow_private_networks = true\n'
        f'database = "{database}"\nsnapshots = "{database.parent / "snapshots"}"',
    )
    return path


def test_a_second_daemon_through_a_hard_link_or_a_symlink_is_refused(
    seed_server: SeedServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    database = tmp_path / "monitor.db"
    first = _config(write_config, seed_server, database)
    with daemon(first) as running:
        wait_for(lambda: versions(first, DEMO_POLICY) == 1)
        for other in (tmp_path / "other" / "linked.db", tmp_path / "other" / "symlinked.db"):
            other.parent.mkdir(exist_ok=True)
            if other.name == "linked.db":
                os.link(database, other)
            else:
                other.symlink_to(database)
            config = other.with_suffix(".toml")
            config.write_text(
                _config(write_config, seed_server, other).read_text("utf-8"), encoding="utf-8"
            )
            second = run_monitor("--config", str(config), "run", timeout=60)
            assert second.returncode == 2, second.stderr
            assert "already running" in second.stderr and str(running.process.pid) in second.stderr
            status = run_monitor("--config", str(config), "status", "--json")
            if other.name == "linked.db":
                # Read through a second name, SQLite would keep a second journal: refused.
                assert status.returncode == 2 and "hard links" in status.stderr
                other.unlink()  # one name again, for the symlink's turn
            else:
                assert json.loads(status.stdout)[0]["daemon_running"]
        for leftover in tmp_path.glob("*.lock"):  # no lock file to delete any more
            leftover.unlink()
        again = run_monitor("--config", str(first), "run", timeout=60)
        assert again.returncode == 2 and "already running" in again.stderr
        assert running.poll() is None
