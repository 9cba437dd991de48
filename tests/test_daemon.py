"""``monitor run`` as a subprocess against local servers with short intervals."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.config import load_config
from monitor.daemon import backoff
from monitor.demo import DEMO_POLICY, SeedServer, material_edit
from monitor.store import Store

from .conftest import WriteConfig, run_monitor

pytestmark = pytest.mark.slow


class Daemon:
    """A ``monitor run`` subprocess whose log goes to a file (a pipe could fill up)."""

    def __init__(self, config: Path, *extra: str) -> None:
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        self.log_path = config.with_name(f"daemon-{time.monotonic_ns()}.log")
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "-v", "run", *extra],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)

    def poll(self) -> int | None:
        return self.process.poll()

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self._log.close()


@contextmanager
def daemon(config: Path, *extra: str) -> Iterator[Daemon]:
    running = Daemon(config, *extra)
    try:
        yield running
    finally:
        running.close()


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def versions(config: Path, name: str) -> int:
    with Store.open(load_config(config).monitor.database) as store:
        return len(store.versions(name))


def checks(config: Path, name: str) -> list[dict[str, object]]:
    with Store.open(load_config(config).monitor.database) as store:
        return store.checks(name)


def test_backoff_doubles_and_is_capped() -> None:
    assert backoff(60, 0) == 60
    assert [backoff(60, n) for n in (1, 2, 3)] == [120, 240, 480]
    assert backoff(60, 20) == 60 * 32
    assert backoff(21_600, 20) == 21_600 + 86_400


def test_change_is_picked_up_within_an_interval_and_sigterm_exits_0(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='interval = "2s"\ntimeout = "5s"\nallow_private_networks = true',
    )
    with daemon(path) as process:
        wait_for(lambda: versions(path, DEMO_POLICY) == 1)
        status = json.loads(run_monitor("--config", str(path), "status", "--json").stdout)
        assert status[0]["daemon_running"] and status[0]["next_check"]
        second = run_monitor("--config", str(path), "run")  # one daemon per database
        assert second.returncode == 2 and "already running" in second.stderr
        assert run_monitor("--config", str(path), "check", "--json").returncode == 0  # WAL
        seed_server.set_body(DEMO_POLICY, material_edit(seed_server.pages[DEMO_POLICY].body))
        changed_at = time.monotonic()
        wait_for(lambda: versions(path, DEMO_POLICY) == 2, timeout=15)
        assert time.monotonic() - changed_at < 2 * 1.2 + 3  # one interval, jitter, a fetch
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        err = process.log
    assert "outcome=new_version" in err and "daemon stopped" in err
    status = json.loads(run_monitor("--config", str(path), "status", "--json").stdout)
    assert not status[0]["daemon_running"]
    text = run_monitor("--config", str(path), "status").stdout
    assert "daemon not running" in text and DEMO_POLICY in text


def test_sigterm_during_a_slow_check_waits_for_it(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    seed_server.pages[DEMO_POLICY].delay = 3.0
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='interval = "1h"\ntimeout = "10s"\nallow_private_networks = true',
    )
    with daemon(path) as process:
        wait_for(lambda: any(n == DEMO_POLICY for n, _ in seed_server.requests))
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    (check,) = checks(path, DEMO_POLICY)
    assert check["outcome"] == "new_version"  # the check in flight completed and was recorded


def test_sigkill_leaves_a_consistent_store_and_restart_carries_on(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    for page in seed_server.pages.values():
        page.delay = 0.5
    path = write_config(
        {name: seed_server.url(name) for name in seed_server.pages},
        monitor='interval = "1s"\ntimeout = "5s"\nallow_private_networks = true',
    )
    with daemon(path) as process:
        wait_for(lambda: len(seed_server.requests) >= 3)
        process.signal(signal.SIGKILL)
        process.wait(timeout=10)
    config = load_config(path)
    with Store.open(config.monitor.database) as store:
        assert store.integrity_problems(config.monitor.snapshots) == []
    with daemon(path) as process:
        wait_for(lambda: all(versions(path, n) == 1 for n in seed_server.pages), timeout=40)
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    with Store.open(config.monitor.database) as store:
        assert store.integrity_problems(config.monitor.snapshots) == []


def test_a_failing_policy_backs_off_and_is_reported_once(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    httpserver.expect_request("/p").respond_with_data("kapot", status=404)
    path = write_config(
        {"p": httpserver.url_for("/p")},
        monitor='interval = "1s"\ntimeout = "5s"\nallow_private_networks = true\n'
        "failures_before_report = 2",
    )
    with daemon(path) as process:
        wait_for(lambda: len(checks(path, "p")) >= 4, timeout=60)
        times = [
            time.mktime(time.strptime(str(c["started_at"])[:19], "%Y-%m-%dT%H:%M:%S"))
            for c in reversed(checks(path, "p"))
        ]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert gaps[-1] >= gaps[0] + 1  # the gaps grow: backing off
        status = json.loads(run_monitor("--config", str(path), "status", "--json").stdout)
        assert status[0]["consecutive_failures"] >= 4 and status[0]["reported_unreachable_at"]
        process.signal(signal.SIGTERM)
        process.wait(timeout=20)
        err = process.log
    assert err.count("event=policy.unreachable") == 1
    assert err.count("outcome=error") >= 4


def test_sighup_applies_added_and_removed_policies(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    names = sorted(seed_server.pages)
    monitor = 'interval = "1h"\ntimeout = "5s"\nallow_private_networks = true'
    path = write_config({names[0]: seed_server.url(names[0])}, monitor=monitor)
    with daemon(path) as process:
        wait_for(lambda: versions(path, names[0]) == 1)
        write_config({names[1]: seed_server.url(names[1])}, monitor=monitor)
        process.signal(signal.SIGHUP)
        wait_for(lambda: versions(path, names[1]) == 1)
        path.write_text("[monitor\\n", encoding="utf-8")  # a broken config is not applied
        process.signal(signal.SIGHUP)
        time.sleep(1)
        assert process.poll() is None
        process.signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        err = process.log
    assert "1 added, 1 removed" in err and "keeping the running configuration" in err
