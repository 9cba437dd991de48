"""``monitor webhooks test`` says what happened: "body sent" only when a body was sent."""

from __future__ import annotations

import json
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


def test_nothing_sent_is_never_called_sent(write_config: WriteConfig, receiver: Receiver) -> None:
    path = write_config(
        {},
        monitor='timeout = "2s"',
        extra=f'\n[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\n',
    )
    result = _test_hook(str(path), dict(os.environ))
    assert result.returncode == 1
    assert "non-public address" in result.stdout
    assert "nothing was sent" in result.stdout and "body sent" not in result.stdout
    assert receiver.received == []


@pytest.mark.parametrize("value", [None, "", "  "])
def test_a_secret_that_cannot_sign_is_a_config_error_and_never_a_key(
    write_config: WriteConfig, receiver: Receiver, value: str | None
) -> None:
    """An unset or empty ``env:`` secret: `webhooks test` exits 2 before sending,
    `webhooks list` does not call the webhook signed, and no empty key signs."""
    path = write_config(
        {},
        monitor="allow_private_networks = true",
        extra=f'\n[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\n'
        'secret = "env:HOOK_SECRET_UNDER_TEST"\n',
    )
    env = {k: v for k, v in os.environ.items() if k != "HOOK_SECRET_UNDER_TEST"}
    if value is not None:
        env["HOOK_SECRET_UNDER_TEST"] = value
    result = _test_hook(str(path), env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "HOOK_SECRET_UNDER_TEST is not set or empty; nothing was sent" in result.stderr
    assert receiver.received == []
    listed = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(path), "webhooks", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    (row,) = json.loads(listed.stdout)
    assert row["signed"] is False and "not set or empty" in row["secret_problem"]


def test_an_empty_literal_secret_is_refused(write_config: WriteConfig) -> None:
    path = write_config(
        {}, extra='\n[[webhook]]\nname = "hook"\nurl = "https://example.org/h"\nsecret = ""\n'
    )
    result = _test_hook(str(path), dict(os.environ))
    assert result.returncode == 2 and "secret" in result.stderr and "empty" in result.stderr


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


@pytest.mark.parametrize(
    "secret", ["ENV:HOOK_SECRET", " env:HOOK_SECRET", "$HOOK_SECRET", "${HOOK_SECRET}"]
)
def test_an_environment_variable_misspelled_is_refused_not_used_as_the_key(
    write_config: WriteConfig, secret: str
) -> None:
    path = write_config(
        {},
        extra=f'\n[[webhook]]\nname = "hook"\nurl = "https://example.org/h"\nsecret = "{secret}"\n',
    )
    result = _test_hook(str(path), dict(os.environ))
    assert result.returncode == 2 and "write env:NAME" in result.stderr, result.stderr
