"""Checks of one policy racing each other (``monitor check`` beside the daemon).

With a page that changes on every request, about half of the changes used to be
stored against another old version than the latest one before them: the
comparison was made against the latest version read before the fetch, while
another process stored a newer one, so the history read v5 -> v6, v5 -> v7.
Now a check whose latest version moved meanwhile is judged again against it,
and every change goes from the version just before it.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.config import load_config
from monitor.models import CheckOutcome
from monitor.pipeline import check_policy, open_fetcher
from monitor.records import CheckResult
from monitor.snapshots import SnapshotStore
from monitor.store import Store
from monitor.store.packing import unpack

from ..conftest import WriteConfig

CLAUSES = "".join(
    f"<p>Artikel {i}: wij verwerken uw naam en e-mailadres voor doel {i}.</p>" for i in range(2000)
)


def _page(n: int) -> str:
    return (
        f"<html><head><title>Privacy</title></head><body><h1>Privacyverklaring</h1>{CLAUSES}"
        f"<p>Wij bewaren uw gegevens {n} maanden en delen ze met partner{n} B.V.</p>"
        "</body></html>"
    )


def test_racing_checks_store_each_change_against_the_version_it_was_judged_against(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    counter = itertools.count(1)
    lock = threading.Lock()

    def respond(request: Request) -> Response:
        with lock:
            n = next(counter)
        time.sleep(0.05)
        return Response(_page(n), content_type="text/html; charset=utf-8")

    httpserver.expect_request("/p").respond_with_handler(respond)
    config = write_config(
        {"acme": httpserver.url_for("/p")}, monitor='timeout = "10s"\nallow_private_networks = true'
    )
    command = [sys.executable, "-m", "monitor", "--config", str(config), "check"]
    script = "import subprocess, sys\nfor _ in range(12):\n    subprocess.run(sys.argv[1:])\n"
    racers = [
        subprocess.Popen([sys.executable, "-c", script, *command], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        for _ in range(4)
    ]  # fmt: skip
    for racer in racers:
        assert racer.wait(timeout=600) == 0

    database = Path(load_config(config).monitor.database)
    with sqlite3.connect(database) as db:
        versions = {i: unpack(t) for i, t in db.execute("SELECT id, text FROM versions")}
        numbers = dict(db.execute("SELECT id, number FROM versions"))
        changes = db.execute(
            "SELECT old_version_id, new_version_id, comparison FROM changes"
        ).fetchall()
    assert len(changes) >= 10, len(changes)
    months = re.compile(r"bewaren uw gegevens (\d+) maanden")
    for old_id, new_id, comparison in changes:
        # Each change is from the version just before it, as its comparison says.
        assert numbers[old_id] == numbers[new_id] - 1, (numbers[old_id], numbers[new_id])
        old_n = months.search(versions[old_id]).group(1)  # type: ignore[union-attr]
        new_n = months.search(versions[new_id]).group(1)  # type: ignore[union-attr]
        described = json.loads(comparison)
        (edit,) = [c for c in described["changes"] if c["kind"] == "modified"]
        assert f" {old_n} maanden" in edit["old_text"], (old_id, new_id, edit["old_text"])
        assert f" {new_n} maanden" in edit["new_text"], (old_id, new_id, edit["new_text"])


def test_cleaning_temporary_files_never_takes_one_in_flight(tmp_path: Path) -> None:
    """``remove_temporary`` (run when a command opens the snapshot folder) used to
    delete another process's snapshot while it was being written."""
    store = SnapshotStore(tmp_path / "snapshots")
    store.put(b"seed")
    folder = next((tmp_path / "snapshots").iterdir())
    in_flight, abandoned = folder / ".tmp-writing", folder / ".tmp-left-by-a-crash"
    in_flight.write_bytes(b"half")
    abandoned.write_bytes(b"half")
    with in_flight.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as a live writer holds it
        assert store.remove_temporary() == 1
        assert in_flight.exists() and not abandoned.exists()
    assert store.remove_temporary() == 1  # its writer is gone now
    assert not in_flight.exists()

    # Writers and a cleaner at full speed: every write lands, whole.
    stop = threading.Event()

    def clean() -> None:
        while not stop.is_set():
            store.remove_temporary()

    cleaner = threading.Thread(target=clean)
    cleaner.start()
    try:
        bodies = [os.urandom(2048) + bytes([i % 256]) for i in range(300)]
        for body in bodies:
            store.put(body)
    finally:
        stop.set()
        cleaner.join()
    for body in bodies:
        assert store.get(hashlib.sha256(body).hexdigest()) == body


@pytest.fixture
def threaded_server() -> Iterator[HTTPServer]:
    server = HTTPServer(threaded=True)  # a slow answer must not hold up the next request
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_a_shortcut_that_raced_a_new_version_is_checked_again_in_full(
    threaded_server: HTTPServer, write_config: WriteConfig
) -> None:
    """A check that took a shortcut (the same bytes as the last processed body) after
    another process stored a version in between used to record "unchanged" and point
    the policy's last body back at the old page: every later fetch of that page took
    the shortcut again, and a lasting rollback was never stored."""
    p1, p2 = _page(1), _page(2)
    served = iter([(p1, 0.0), (p1, 1.0), (p2, 0.0)])  # then p1, forever

    def respond(request: Request) -> Response:
        body, delay = next(served, (p1, 0.0))
        time.sleep(delay)
        return Response(body, content_type="text/html; charset=utf-8")

    threaded_server.expect_request("/p").respond_with_handler(respond)
    path = write_config({"acme": threaded_server.url_for("/p")})
    config = load_config(path)
    (policy,) = config.policies

    async def race() -> list[CheckResult]:
        with Store.open(config.monitor.database) as store:
            store.sync_policies(config.policies)
            snapshots = SnapshotStore(config.monitor.snapshots)
            async with open_fetcher(config) as fetcher:

                async def check(pause: float) -> CheckResult:
                    await asyncio.sleep(pause)
                    return await check_policy(
                        policy, fetcher=fetcher, store=store, snapshots=snapshots, config=config
                    )

                first = await check(0)
                slow_p1, fast_p2 = await asyncio.gather(check(0), check(0.3))
                later = [await check(0) for _ in range(4)]
                return [first, slow_p1, fast_p2, *later]

    results = asyncio.run(race())
    outcomes = [r.outcome for r in results]
    # v1's text again after v2 was stored meanwhile: flapping, not "unchanged"
    assert outcomes[:3] == [
        CheckOutcome.NEW_VERSION,
        CheckOutcome.FLAPPING,
        CheckOutcome.NEW_VERSION,
    ]
    with Store.open(config.monitor.database) as store:
        latest = store.latest_version("acme")
    assert latest is not None and latest.number == 3 and " 1 maanden" in latest.text
