"""``monitor worker`` on PostgreSQL: three workers share 1,000 policies on four loopback
hosts; one is SIGKILLed mid-cycle and started again. Every policy is checked once in
the interval, no version or notification is lost or doubled, and no host ever has
more requests in flight than per_host_concurrency (counted at the servers)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

from monitor.store import Store

from .conftest import run_monitor
from .support.hosts import PolicyHosts, policy_page
from .test_notify import Receiver

pytestmark = pytest.mark.slow

POLICIES = 1000
PER_HOST = 3


class Crew:
    """Worker processes of one config, each logging to a file of its own."""

    def __init__(self, config: Path, logs: Path) -> None:
        self.config, self.logs = config, logs
        self.processes: list[subprocess.Popen[str]] = []
        self.files: list[IO[str]] = []

    def start(self) -> subprocess.Popen[str]:
        log = open(self.logs / f"worker-{len(self.processes)}.log", "w", encoding="utf-8")  # noqa: SIM115
        self.files.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(self.config), "-v", "worker",
             "--heartbeat", "1s", "--concurrency", "8", "--shutdown-timeout", "5"],
            stdout=log, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.files:
            log.close()


@contextmanager
def workers(config: Path, logs: Path, count: int) -> Iterator[Crew]:
    crew = Crew(config, logs)
    try:
        for _ in range(count):
            crew.start()
        yield crew
    finally:
        crew.stop()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"not in {timeout:.0f} s: {what}")


def test_three_workers_one_killed_lose_and_double_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    receiver = Receiver()
    receiver.start()
    with PolicyHosts(POLICIES, hosts=4, latency=0.02) as hosts:
        lines = [
            "[monitor]",
            f'database = "{postgres_url}"',
            'interval = "1h"',
            'timeout = "10s"',
            "allow_private_networks = true",
            "processes = 1",
            f"per_host_concurrency = {PER_HOST}",
            "",
            "[[webhook]]",
            'name = "hook"',
            f'url = "{receiver.url}"',
            'min_severity = "cosmetic"',
            "",
        ]
        for name in hosts.bodies:
            lines += ["[[policy]]", f'name = "{name}"', f'url = "{hosts.url(name)}"', ""]
        config = tmp_path / "config.toml"
        config.write_text("\n".join(lines), encoding="utf-8")
        Store.open(postgres_url).close()  # the schema, before three workers race to make it

        with Store.open(postgres_url) as store, workers(config, tmp_path, 3) as crew:

            def versions() -> int:
                return sum(r["versions"] for r in store.status_rows())

            wait_for(lambda: versions() >= POLICIES // 3, 180, "a third of the first versions")
            victim = crew.processes[0]
            # Answers slow down while the worker is killed, so that the fetch seen in
            # flight is still in flight (nothing of its check stored) when the signal lands.
            hosts.latency = 2.0
            wait_for(lambda: hosts.serving(victim.pid), 60, "a fetch of that worker in flight")
            victim.send_signal(signal.SIGKILL)  # mid-cycle, mid-check
            victim.wait(timeout=10)
            hosts.latency = 0.02
            crew.start()
            wait_for(lambda: versions() == POLICIES, 300, "every policy's first version")

            # a material change on 40 pages, checked when they are due again
            changed = list(hosts.bodies)[::25]
            extra = "<p>Wij delen uw locatiegegevens met advertentiepartners zoals Criteo.</p>"
            for name in changed:
                hosts.set_body(name, policy_page(int(name[1:]), extra))
            with store._write() as db:
                db.execute(
                    "UPDATE policies SET next_check_at = ? WHERE name = ANY(?)",
                    ["2000-01-01T00:00:00+00:00", changed],
                )
            wait_for(lambda: versions() == POLICIES + len(changed), 120, "the changed versions")
            wait_for(
                lambda: (
                    len({json.loads(r["body"])["event_id"] for r in receiver.delivered()})
                    >= len(changed)
                ),
                60,
                "their notifications",
            )
            time.sleep(3)  # anything doubled would come now
            checks = Counter(
                r[0] for r in store.db.execute(
                    "SELECT p.name FROM checks c JOIN policies p ON p.id = c.policy_id"
                ).fetchall()
            )  # fmt: skip
            deliveries = store.deliveries(include_delivered=True)
            report = run_monitor("--config", str(config), "status", "--workers", "--json")

    receiver.stop()
    # every policy checked once in the interval, the changed ones once more
    assert {n: c for n, c in checks.items() if c != (2 if n in changed else 1)} == {}
    assert len(checks) == POLICIES
    with Store.open(postgres_url) as store:
        assert store.integrity_problems(tmp_path / "snapshots") == []
        for name in changed:
            assert [v.number for v in store.versions(name)] == [1, 2]
    # one delivery per change, each delivered once
    assert sorted(d["policy"] for d in deliveries) == sorted(changed)
    assert {d["status"] for d in deliveries} == {"delivered"}
    received = Counter(json.loads(r["body"])["event_id"] for r in receiver.delivered())
    assert len(received) == len(changed) and set(received.values()) == {1}
    # no host ever had more requests in flight than the limit, across all workers
    assert max(hosts.most.values()) <= PER_HOST, hosts.most
    assert set(hosts.most.values()) == {PER_HOST}  # and the limit was reached: it held
    # the status names the workers: the killed one silent, the others stopped or running
    found = json.loads(report.stdout)
    states = Counter(w["state"] for w in found["workers"])
    assert sum(states.values()) == 4 and states["running"] == 3, states
    assert found["queue"]["failed"] >= 1  # the killed worker's checks in flight, taken up


def test_a_worker_refuses_what_it_cannot_do(postgres_url: str, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[policy]]\nname = "p"\nurl = "https://example.org/p"\n', encoding="utf-8")
    sqlite = run_monitor("--config", str(config), "worker")
    assert sqlite.returncode == 2 and "with SQLite, run `monitor run`" in sqlite.stderr
    config.write_text(f'[monitor]\ndatabase = "{postgres_url}"\n' + config.read_text("utf-8"))
    bad = run_monitor("--config", str(config), "worker", "--lease", "0s")
    assert bad.returncode == 2 and "--lease/--heartbeat" in bad.stderr
    status = run_monitor("--config", str(config), "status", "--workers", "--json")
    assert status.returncode == 0 and json.loads(status.stdout)["workers"] == []


def test_a_daemon_and_workers_never_run_side_by_side(postgres_url: str, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[monitor]\ndatabase = "{postgres_url}"\n[[policy]]\nname = "p"\n'
        'url = "https://example.org/p"\n',
        encoding="utf-8",
    )
    with workers(config, tmp_path, 1) as crew:
        wait_for(
            lambda: (
                '"state": "running"'
                in run_monitor("--config", str(config), "status", "--workers", "--json").stdout
            ),
            60,
            "the worker's first heartbeat",
        )
        daemon = run_monitor("--config", str(config), "run")
        assert daemon.returncode != 0 and "a `monitor worker`, is running" in daemon.stderr
        crew.processes[0].send_signal(signal.SIGTERM)
        assert crew.processes[0].wait(timeout=60) == 0
    stopped = json.loads(
        run_monitor("--config", str(config), "status", "--workers", "--json").stdout
    )
    assert [w["state"] for w in stopped["workers"]] == ["stopped"]
