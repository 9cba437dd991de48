"""At least once, not "often twice": one sender per webhook at a time.

Two flushes of the outbox running at once (the daemon's timer beside the flush
after a change, or ``monitor notify --flush`` beside the daemon) used to POST
the same delivery twice within a second, with no crash at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from monitor.config import Config, load_config
from monitor.models import now_iso
from monitor.notify.delivery import flush
from monitor.notify.events import Event
from monitor.store import Store
from monitor.store.outbox import enqueue

from ..conftest import WriteConfig
from ..test_notify import Receiver

COUNT = 40


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.script = [(200, {}, 0.02)] * COUNT * 3  # a receiver that takes a moment
    r.start()
    yield r
    r.stop()


@pytest.fixture
def queued(write_config: WriteConfig, receiver: Receiver) -> Config:
    path = write_config(
        {"acme": "https://example.org/privacy"},
        monitor='timeout = "5s"\nallow_private_networks = true',
        extra=f'\n[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\n',
    )
    config = load_config(path)
    with Store.open(config.monitor.database) as store:
        store.sync_policies(config.policies)
        events = [
            Event(f"event-{i:03d}", "policy.test", "hook", "acme", {"n": i}) for i in range(COUNT)
        ]
        with store._write() as db:  # as a check queues them, in its transaction
            enqueue(db, events, change_id=None, at=now_iso())
    return config


def _posted(receiver: Receiver) -> list[int]:
    return [json.loads(r["body"])["n"] for r in receiver.received]  # type: ignore[arg-type]


def test_two_flushes_in_one_process_post_each_delivery_once(
    queued: Config, receiver: Receiver
) -> None:
    async def both() -> None:
        with Store.open(queued.monitor.database) as a, Store.open(queued.monitor.database) as b:
            await asyncio.gather(flush(queued, a), flush(queued, b), flush(queued, a))
            await flush(queued, a)  # whatever a sender that stood aside left

    asyncio.run(both())
    assert _posted(receiver) == list(range(COUNT))  # each once, in order


def test_flushes_in_several_processes_post_each_delivery_once(
    queued: Config, receiver: Receiver
) -> None:
    command = [sys.executable, "-m", "monitor", "--config", str(queued.path), "notify", "--flush"]
    senders = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    for sender in senders:
        _, err = sender.communicate(timeout=120)
        assert sender.returncode == 0, err
    with Store.open(queued.monitor.database) as store:
        asyncio.run(flush(queued, store))
    assert _posted(receiver) == list(range(COUNT))


def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_timeout(
    write_config: WriteConfig,
) -> None:
    """httpx bounds each read, not the request: an answer trickled a byte at a time kept
    a POST going far past the timeout, and so past the sender's lease."""

    class Trickle(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Length", "40")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(40):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.25)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = write_config(
            {"acme": "https://example.org/privacy"},
            monitor='timeout = "1s"\nallow_private_networks = true',
            extra=f'\n[[webhook]]\nname = "hook"\nurl = "http://127.0.0.1:{server.server_port}/"\n',
        )
        config = load_config(path)
        with Store.open(config.monitor.database) as store:
            store.sync_policies(config.policies)
            with store._write() as db:
                enqueue(db, [Event("e-1", "policy.test", "hook", "acme", {"n": 1})],
                        change_id=None, at=now_iso())  # fmt: skip
            started = time.monotonic()
            stats = asyncio.run(flush(config, store, force=True))
            elapsed = time.monotonic() - started
            (row,) = store.deliveries()
        assert stats.retrying == 1 and row["last_error"] == "timed out"
        assert elapsed < 5  # the trickle would take 10 s; the timeout is 1 s
    finally:
        server.shutdown()
        server.server_close()
