"""Log lines in a file are whole lines, the daemon's log is about checks, and a
traceback cannot drive a terminal.

Under ``-v`` with the log in a file, lines were wrapped at 80 columns (one
check's line became three), APScheduler logged every job run (three lines per
check plus the heartbeat every 5 s), and exception text in a traceback was
printed as it came.
"""

from __future__ import annotations

import logging
import sys

import pytest

from monitor.cli import _VisibleFormatter
from monitor.demo import DEMO_POLICY, SeedServer

from ..conftest import WriteConfig, run_monitor
from ..test_daemon import daemon, versions, wait_for


def test_a_long_log_line_in_a_file_stays_one_line(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    name = "a-policy-with-a-rather-long-name-" + "x" * 60
    config = write_config({name: seed_server.url(DEMO_POLICY)})
    result = run_monitor("--config", str(config), "-v", "check", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "check policy=" in line]
    assert name in line and "outcome=" in line and "duration=" in line
    assert " INFO " in line  # a timestamp and a level: a line a log file can be searched by


def test_a_traceback_shows_control_characters_escaped() -> None:
    try:
        raise ValueError("page said \x1b]0;owned\x07 and \u202eevil")
    except ValueError:
        record = logging.LogRecord("monitor", logging.ERROR, __file__, 1, "failed", None, None)
        record.exc_info = sys.exc_info()
    text = _VisibleFormatter("%(message)s").format(record)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b]0;owned\\x07" in text and "ValueError" in text
    one_line = _VisibleFormatter("%(message)s", one_line=True).format(record)
    assert "\n" not in one_line and "Traceback" in one_line and "ValueError" in one_line


@pytest.mark.slow
def test_the_daemon_log_speaks_of_checks_not_of_jobs(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    config = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='interval = "2s"\ntimeout = "5s"\nallow_private_networks = true',
    )
    with daemon(config) as running:
        wait_for(lambda: versions(config, DEMO_POLICY) == 1)
        wait_for(lambda: running.log.count("check policy=") >= 3)
        running.signal(15)
        assert running.wait(timeout=20) == 0
        log = running.log
    assert "Running job" not in log and "executed successfully" not in log
    assert all(len(line) < 400 for line in log.splitlines())
