"""Apprise targets: a change reaches a service by its Apprise URL (here Apprise's own
``json://`` to a receiver on loopback), through the outbox like any target."""

from __future__ import annotations

import json

import pytest

from monitor.config import load_config
from monitor.demo import DEMO_POLICY, SeedServer

from .conftest import WriteConfig, run_monitor
from .test_notify import Receiver, change, flush_now, pending, receiver  # noqa: F401


def test_a_change_reaches_an_apprise_service(
    write_config: WriteConfig,
    seed_server: SeedServer,
    receiver: Receiver,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = receiver.url.replace("http://", "json://")
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='timeout = "5s"\nallow_private_networks = true',
        extra='\n[[apprise]]\nname = "chat"\nurls = ["env:APPRISE_URL"]\n',
    )
    monkeypatch.setenv("APPRISE_URL", url)
    config = load_config(path)
    change(config, seed_server)
    flush_now(config)
    first = json.loads(receiver.delivered()[0]["body"])  # type: ignore[arg-type]
    assert first["title"].startswith(f"{DEMO_POLICY}: a material change")
    assert "See: monitor diff" in first["message"]
    assert pending(config) == []
    tested = run_monitor("--config", str(path), "notify", "test", "chat")
    assert tested.returncode == 0 and "every service took it" in tested.stdout
    assert len(receiver.delivered()) == 2
    monkeypatch.delenv("APPRISE_URL")
    unset = run_monitor("--config", str(path), "notify", "test", "chat")
    assert unset.returncode == 1 and "APPRISE_URL of an Apprise URL is not set" in unset.stdout
    assert "TOKEN123" not in tested.stdout + tested.stderr + unset.stdout + unset.stderr


def test_a_refusing_service_is_retried(
    write_config: WriteConfig,
    seed_server: SeedServer,
    receiver: Receiver,  # noqa: F811
) -> None:
    url = receiver.url.replace("http://", "json://")
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='timeout = "5s"\nallow_private_networks = true',
        extra=f'\n[[apprise]]\nname = "chat"\nurls = ["{url}"]\n',
    )
    config = load_config(path)
    receiver.script = [(503, {}, 0.0)]
    change(config, seed_server)
    flush_now(config)
    (row,) = pending(config)
    assert row["status"] == "pending" and row["attempts"] == 1
    flush_now(config)
    assert pending(config) == [] and len(receiver.delivered()) == 1
