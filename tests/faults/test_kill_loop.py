"""SIGKILL a busy daemon again and again while ``monitor check`` races it.

The page changes on every request, so every check of either process stores a
version and queues a webhook delivery.  After every round of kills and
restarts: the store is whole; every change goes from the version just before
it and its comparison describes those two versions; every change's delivery
was POSTed, and a delivery was POSTed twice only where a kill could have
struck between the POST and its record (at most once per kill).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.config import load_config
from monitor.store import Store
from monitor.store.packing import unpack

from ..conftest import WriteConfig, run_monitor
from ..test_notify import Receiver

pytestmark = pytest.mark.slow

ROUNDS = 8
CLAUSES = "".join(
    f"<p>Artikel {i}: wij verwerken uw naam en e-mailadres voor doel {i}.</p>" for i in range(300)
)


def _page(n: int) -> str:
    return (
        f"<html><head><title>Privacy</title></head><body><h1>Privacyverklaring</h1>{CLAUSES}"
        f"<p>Wij bewaren uw gegevens {n} maanden.</p></body></html>"
    )


def test_kills_of_a_daemon_raced_by_checks_lose_nothing_and_repeat_little(
    httpserver: HTTPServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    counter = itertools.count(1)
    lock = threading.Lock()

    def respond(request: Request) -> Response:
        with lock:
            n = next(counter)
        return Response(_page(n), content_type="text/html; charset=utf-8")

    httpserver.expect_request("/p").respond_with_handler(respond)
    receiver = Receiver()
    receiver.start()
    try:
        config = write_config(
            {"acme": httpserver.url_for("/p")},
            monitor='interval = "1s"\ntimeout = "5s"\nallow_private_networks = true',
            extra=f'\n[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\n',
        )
        env = {**os.environ, "NO_COLOR": "1"}
        command = [sys.executable, "-m", "monitor", "--config", str(config)]
        stop = threading.Event()

        def race() -> None:
            while not stop.is_set():
                subprocess.run([*command, "check"], env=env, capture_output=True, timeout=120)

        racer = threading.Thread(target=race)
        racer.start()
        rng = random.Random(int(os.environ.get("MONITOR_CRASH_SEED", "20261205")))
        kills = 0
        try:
            for _ in range(ROUNDS):
                log = (tmp_path / "daemon.log").open("a", encoding="utf-8")
                daemon = subprocess.Popen(
                    [*command, "-v", "run"], env=env, stdout=log, stderr=subprocess.STDOUT
                )
                time.sleep(rng.uniform(1.0, 3.0))
                daemon.send_signal(signal.SIGKILL)
                daemon.wait(timeout=30)
                log.close()
                kills += 1
        finally:
            stop.set()
            racer.join(timeout=180)
        flushed = run_monitor("--config", str(config), "notify", "--flush")
        assert flushed.returncode == 0, flushed.stderr

        settings = load_config(config).monitor
        with Store.open(settings.database) as store:
            assert store.integrity_problems(settings.snapshots) == []
        with sqlite3.connect(settings.database) as db:
            texts = {i: unpack(t) for i, t in db.execute("SELECT id, text FROM versions")}
            numbers = dict(db.execute("SELECT id, number FROM versions"))
            changes = db.execute(
                "SELECT id, old_version_id, new_version_id, comparison FROM changes"
            ).fetchall()
            undelivered = db.execute(
                "SELECT count(*) FROM deliveries WHERE status != 'delivered'"
            ).fetchone()[0]
            queued = dict(
                db.execute("SELECT change_id, event_id FROM deliveries WHERE change_id IS NOT NULL")
            )
        # enough happened to mean something (a loaded machine makes fewer checks per round)
        assert len(changes) >= ROUNDS, len(changes)
        months = re.compile(r"bewaren uw gegevens (\d+) maanden")
        for _, old_id, new_id, comparison in changes:
            assert numbers[old_id] == numbers[new_id] - 1
            (edit,) = [c for c in json.loads(comparison)["changes"] if c["kind"] == "modified"]
            old_n = months.search(texts[old_id]).group(1)  # type: ignore[union-attr]
            new_n = months.search(texts[new_id]).group(1)  # type: ignore[union-attr]
            assert (
                f" {old_n} maanden" in edit["old_text"] and f" {new_n} maanden" in edit["new_text"]
            )
        assert undelivered == 0
        assert {change_id for change_id, *_ in changes} == set(queued)  # each change queued
        posted = Counter(
            json.loads(r["body"])["event_id"]  # type: ignore[arg-type]
            for r in receiver.received
        )
        assert set(queued.values()) <= set(posted)  # every change's event arrived
        twice = sum(count - 1 for count in posted.values())
        assert twice <= kills, (twice, kills)  # a repeat only where a kill struck
    finally:
        receiver.stop()
