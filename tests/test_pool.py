"""The CPU stages in worker processes (``[monitor] processes``): the same outcomes,
versions and comparisons as in one process; a killed worker loses no check; a
killed monitor leaves no worker behind."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from dataclasses import replace
from pathlib import Path

import pytest

from monitor import judging
from monitor.config import Config, PolicyConfig, load_config
from monitor.demo import DEMO_POLICY, SeedServer, material_edit
from monitor.models import FetchResult
from monitor.outcome import History
from monitor.pipeline import run_checks
from monitor.store import Store

from .conftest import WriteConfig
from .test_check import FAST
from .test_daemon import daemon, versions, wait_for


def _with(config: Config, processes: int, folder: Path) -> Config:
    monitor = replace(
        config.monitor,
        processes=processes,
        database=folder / "monitor.db",
        snapshots=folder / "snapshots",
    )
    return replace(config, monitor=monitor)


def _history(config: Config) -> list[tuple[str, int, str, str | None]]:
    with Store.open(config.monitor.database) as store:
        rows = store.db.execute(
            """SELECT p.name, v.number, v.text_hash, c.severity FROM versions v
               JOIN policies p ON p.id = v.policy_id
               LEFT JOIN changes c ON c.new_version_id = v.id ORDER BY p.name, v.number"""
        ).fetchall()
    return [tuple(row) for row in rows]


def test_worker_processes_judge_as_one_process_does(
    seed_config: Config, seed_server: SeedServer, tmp_path: Path
) -> None:
    one = _with(seed_config, 1, tmp_path / "one")
    two = _with(seed_config, 2, tmp_path / "two")
    outcomes = {}
    for config in (one, two):
        first = run_checks(config, options=FAST)
        page = seed_server.pages[DEMO_POLICY]
        saved = page.body
        page.body = material_edit(saved)
        second = run_checks(config, options=FAST)
        page.body = saved
        outcomes[config.monitor.processes] = (
            sorted((r.policy, str(r.outcome), r.version) for r in first),
            sorted((r.policy, str(r.outcome), r.version, r.severity) for r in second),
        )
    assert outcomes[1] == outcomes[2]
    assert "new_version" in {o for _, o, _, _ in outcomes[2][1]}
    assert _history(one) == _history(two)


def test_a_killed_worker_loses_no_check(seed_config: Config) -> None:
    policy = PolicyConfig(name="p", url="https://example.org/p")
    body = (
        b"<html><body><h1>Privacy</h1><p>We keep your e-mail address 12 months.</p></body></html>"
    )
    fetched = FetchResult(
        url=policy.url,
        final_url=policy.url,
        status=200,
        headers={},
        body=body,
        content_type="text/html",
        encoding="utf-8",
        etag=None,
        last_modified=None,
        elapsed=0.01,
    )
    history = History(latest=None, earlier={}, recent=())

    async def judge_twice_killing_the_workers_between() -> list[str]:
        first = await judging.judged(policy, fetched, history, 30)
        pool = judging._pool
        assert pool is not None and pool._executor is not None
        for worker in list(pool._executor._processes.values()):
            os.kill(worker.pid, signal.SIGKILL)
        time.sleep(0.5)
        second = await judging.judged(policy, fetched, history, 30)
        third = await judging.judged(policy, fetched, history, 30)  # a new pool
        return [str(first.outcome), str(second.outcome), str(third.outcome)]

    with judging.cpu_pool(2):
        assert asyncio.run(judge_twice_killing_the_workers_between()) == ["new_version"] * 3


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.add(int(entry.name))
    return found


@pytest.mark.slow
def test_a_killed_daemon_leaves_no_worker_behind(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    config = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY), "b": seed_server.url(DEMO_POLICY)},
        monitor='interval = "2s"\ntimeout = "5s"\nallow_private_networks = true\nprocesses = 2',
    )
    with daemon(config) as running:
        wait_for(lambda: versions(config, DEMO_POLICY) == 1)
        servers = _children(running.process.pid)
        workers = set().union(*(_children(s) for s in servers))
        assert servers and workers  # the fork server (and a resource tracker), its workers
        running.process.kill()
        running.process.wait(timeout=10)
        wait_for(lambda: not any(Path(f"/proc/{p}").exists() for p in servers | workers), 15)
    assert load_config(config).monitor.processes == 2


def test_workers_that_cannot_start_leave_the_judging_here(
    seed_config: Config,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A working directory deleted under the process: the fork server cannot start, and
    every page is judged in the process instead (it used to be an error per page)."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    results = run_checks(_with(seed_config, 2, tmp_path / "two"), options=FAST)
    assert {str(r.outcome) for r in results} == {"new_version"}
    assert sum("cannot start judging processes" in r.message for r in caplog.records) == 1


def test_workers_start_with_the_judging_modules_loaded() -> None:
    """``monitor.outcome`` imports the stages on first use; the fork server loads them
    beforehand, so that no worker spends its first page's deadline importing them."""
    pool = judging._Pool(1)
    try:
        loaded = pool._ensure().submit(eval, "sorted(__import__('sys').modules)").result(60)
    finally:
        pool.close()
    for module in ("monitor.judge.compare", "monitor.judge.align", "monitor.text.normalize"):
        assert module in loaded, module
