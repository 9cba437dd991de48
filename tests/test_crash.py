"""SIGKILL ``monitor check`` at random moments: nothing half-written, the next check carries on."""

from __future__ import annotations

import gzip
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.bundled import seeds_dir
from monitor.config import load_config
from monitor.demo import SeedServer
from monitor.snapshots import sha256
from monitor.store import Store

from .conftest import WriteConfig, run_monitor

pytestmark = pytest.mark.faults  # part of the fault-injection suite (pytest -m faults)


def edit_policy(page: bytes, prefix: str) -> bytes:
    """Put ``prefix`` in front of the first seed sentence found in the page's markup."""
    charset = "cp1252" if b"windows-1252" in page[:2000] else "utf-8"
    html = page.decode(charset)
    for text in (seeds_dir() / "text").glob("*.txt"):
        for line in text.read_text("utf-8").splitlines():
            start = line.strip().lstrip("•").strip()[:40]
            if len(line) > 80 and re.search(r">\s*" + re.escape(start), html):
                return html.replace(start, prefix + start, 1).encode(charset)
    raise AssertionError("no seed sentence to edit")


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
    originals = {name: seed_server.pages[name].body for name in names}
    for index, name in enumerate(names):
        page = seed_server.pages[name]
        page.delay = 0.1 * index  # spread the checks over time
        page.rotate_nonce = True
    path = write_config({n: seed_server.url(n) for n in names})
    rng = random.Random(int(os.environ.get("MONITOR_CRASH_SEED", "20261121")))
    env = {**os.environ, "NO_COLOR": "1"}
    kills = 0
    rounds = int(os.environ.get("MONITOR_CRASH_ROUNDS", "8"))  # more on demand
    for round_ in range(rounds):
        for name in names:  # a real change to every policy text, so every check writes
            seed_server.pages[name].body = edit_policy(originals[name], f"ronde {round_}: ")
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
    assert kills >= rounds // 2, "the kills should land while checks are running"

    result = run_monitor("--config", str(path), "check", "--json")
    assert result.returncode == 0, result.stderr
    assert_consistent(path)
    config = load_config(path)
    with Store.open(config.monitor.database) as store:
        for name in names:
            texts = [v.text for v in store.versions(name)]
            assert texts and f"ronde {rounds - 1}: " in texts[-1]
            assert len(texts) == len(set(texts))  # no version stored twice
    assert not list(config.monitor.snapshots.rglob(".tmp-*"))
