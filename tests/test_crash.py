"""SIGKILL ``monitor check`` at random moments: nothing half-written, the next check carries on."""

from __future__ import annotations

import gzip
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from monitor.config import load_config
from monitor.demo import SeedServer
from monitor.snapshots import sha256
from monitor.store import Store

from .conftest import WriteConfig, run_monitor


def assert_consistent(config_path: Path) -> None:
    config = load_config(config_path)
    with Store.open(config.monitor.database) as store:
        assert store.integrity_problems(config.monitor.snapshots) == []
    for path in config.monitor.snapshots.rglob("*.gz"):  # every final name holds a whole body
        assert sha256(gzip.decompress(path.read_bytes())) == path.name.removesuffix(".gz")


def test_sigkill_during_checks_leaves_a_consistent_store(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    names = sorted(seed_server.pages)
    for index, name in enumerate(names):
        page = seed_server.pages[name]
        page.delay = 0.1 * index  # spread the checks over time
        page.rotate_nonce = True
    path = write_config({n: seed_server.url(n) for n in names})
    rng = random.Random(20261121)
    env = {**os.environ, "NO_COLOR": "1"}
    kills = 0
    for round_ in range(8):
        for name in names:  # a real change on every page, so every check writes
            page = seed_server.pages[name]
            page.body = page.body.replace(b"</body>", f"<p>ronde {round_}</p></body>".encode(), 1)
        process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(path), "check"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        time.sleep(rng.uniform(0.4, 1.6))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=30)
        assert_consistent(path)
    assert kills >= 4, "the kills should land while checks are running"

    result = run_monitor("--config", str(path), "check", "--json")
    assert result.returncode == 0, result.stderr
    assert_consistent(path)
    config = load_config(path)
    with Store.open(config.monitor.database) as store:
        for name in names:
            texts = [v.text for v in store.versions(name)]
            assert texts and "ronde 7" in texts[-1]
            assert len(texts) == len(set(texts))  # no version stored twice
    assert not list(config.monitor.snapshots.rglob(".tmp-*"))
