"""SIGHUP with a config that came through a pipe keeps the running configuration.

``monitor --config <(envsubst < config.tmpl) run`` worked until the first
SIGHUP: the reload read the now empty pipe as a config without policies,
logged "1 removed" and monitoring silently stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from monitor.demo import DEMO_POLICY, SeedServer

from ..test_daemon import checks, daemon, wait_for

pytestmark = pytest.mark.slow


def test_sighup_keeps_a_config_read_from_a_pipe(tmp_path: Path, seed_server: SeedServer) -> None:
    text = (
        "[monitor]\n"
        f'database = "{tmp_path / "monitor.db"}"\n'
        'interval = "2s"\ntimeout = "5s"\nallow_private_networks = true\n\n'
        f'[[policy]]\nname = "{DEMO_POLICY}"\nurl = "{seed_server.url(DEMO_POLICY)}"\n'
    )
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f'printf "%s" "$0" > "{fifo}"', text])
    # What the store is read through afterwards: the same settings, in a regular file.
    plain = tmp_path / "plain.toml"
    plain.write_text(text, encoding="utf-8")
    with daemon(fifo) as process:
        writer.wait(timeout=30)
        wait_for(lambda: len(checks(plain, DEMO_POLICY)) >= 1)
        process.signal(signal.SIGHUP)
        before = len(checks(plain, DEMO_POLICY))
        # Still scheduled: the interval is 2 s, so more checks follow the signal.
        wait_for(lambda: len(checks(plain, DEMO_POLICY)) >= before + 2)
        assert process.poll() is None
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        log = process.log
    assert "came through a pipe" in log
    assert "removed" not in log


def test_sighup_does_not_move_a_running_daemon_to_another_database(
    tmp_path: Path, seed_server: SeedServer
) -> None:
    """A reload naming another database was applied in part: the daemon said "1 added"
    and went on writing to the old one."""
    config = tmp_path / "config.toml"

    def write(database: str) -> None:
        config.write_text(
            "[monitor]\n"
            f'database = "{tmp_path / database}"\n'
            'interval = "2s"\ntimeout = "5s"\nallow_private_networks = true\n\n'
            f'[[policy]]\nname = "{DEMO_POLICY}"\nurl = "{seed_server.url(DEMO_POLICY)}"\n',
            encoding="utf-8",
        )

    write("first.db")
    with daemon(config) as process:
        wait_for(lambda: (tmp_path / "first.db").exists() and len(checks(config, DEMO_POLICY)) >= 1)
        write("second.db")
        process.signal(signal.SIGHUP)
        wait_for(lambda: "takes a restart" in process.log)
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    assert not (tmp_path / "second.db").exists()
