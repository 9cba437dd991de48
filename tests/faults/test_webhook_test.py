"""``monitor webhooks test`` says what happened: "body sent" only when a body was sent."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from ..conftest import WriteConfig
from ..test_notify import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


def _test_hook(config: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", "--config", config, "webhooks", "test", "hook"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("monitor", "secret", "why"),
    [
        ("allow_private_networks = true", 'secret = "env:UNSET_HOOK_SECRET"', "is not set"),
        ('timeout = "2s"', "", "non-public address"),
    ],
)
def test_nothing_sent_is_never_called_sent(
    write_config: WriteConfig, receiver: Receiver, monitor: str, secret: str, why: str
) -> None:
    path = write_config(
        {},
        monitor=monitor,
        extra=f'\n[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\n{secret}\n',
    )
    env = {k: v for k, v in os.environ.items() if k != "UNSET_HOOK_SECRET"}
    result = _test_hook(str(path), env)
    assert result.returncode == 1
    assert why in result.stdout
    assert "nothing was sent" in result.stdout and "body sent" not in result.stdout
    assert receiver.received == []


def test_a_body_sent_is_shown(write_config: WriteConfig, receiver: Receiver) -> None:
    path = write_config(
        {},
        monitor="allow_private_networks = true",
        extra=f'\n[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\n',
    )
    result = _test_hook(str(path), dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "HTTP 200" in result.stdout and "body sent: {" in result.stdout
    assert len(receiver.received) == 1
