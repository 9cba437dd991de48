from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from monitor.config import load_config, parse_config, parse_duration
from monitor.errors import ConfigError

from .conftest import REPO, run_monitor

VALID = """
[monitor]
interval = "2h"

[[policy]]
name = "a"
url = "https://example.nl/privacy"
tags = ["x"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid() -> None:
    config = load_config(REPO / "config.toml")
    assert [p.name for p in config.policies] == ["pcextreme-privacy", "zooplus-klantenservice"]
    assert config.monitor.allow_private_networks is False
    assert config.interval_of(config.policies[0]) == 12 * 3600
    assert config.interval_of(config.policies[1]) == 6 * 3600


def test_defaults_and_relative_paths(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID))
    assert config.monitor.database == (tmp_path / "monitor.db").resolve()
    assert config.monitor.snapshots == (tmp_path / "snapshots").resolve()
    assert config.monitor.interval == 7200
    assert config.monitor.timeout == 30
    assert config.monitor.max_bytes == 10_000_000
    assert config.policies[0].tags == ("x",)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("90s", 90), ("15m", 900), ("6h", 21600), ("1d", 86400), ("500ms", 0.5), ("1.5h", 5400)],
)
def test_durations(value: str, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["6", "6 hours", "h", "-1h", "0s", ""])
def test_bad_durations(value: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[monitor]\ninterval = "soon"\n', "[monitor]: key 'interval': invalid duration"),
        ('[monitor]\nconcurrency = "16"\n', "[monitor]: key 'concurrency': expected an integer"),
        ("[monitor]\nconcurrency = 0\n", "key 'concurrency': must be at least 1"),
        ("[monitor]\nallow_private_networks = 1\n", "key 'allow_private_networks': expected true"),
        ("[monitor]\nspeed = 3\n", "[monitor]: key 'speed': unknown key"),
        ("[monitr]\n", "config: key 'monitr': unknown key"),
        (
            '[[policy]]\nname = "a"\nurl = "https://x.nl"\nurll = "y"\n',
            "policy 'a': key 'urll': unknown key",
        ),
        ('[[policy]]\nname = "a"\n', "policy 'a': key 'url': is required"),
        (
            '[[policy]]\nname = "a"\nurl = "ftp://x.nl/p"\n',
            "policy 'a': key 'url': URL 'ftp://x.nl/p' must start",
        ),
        (
            '[[policy]]\nname = "a"\nurl = "https://"\n',
            "policy 'a': key 'url': URL 'https://' has no host",
        ),
        ('[[policy]]\nurl = "https://x.nl"\n', "[[policy]] #1: key 'name': is required"),
        ('[[policy]]\nname = "a b"\nurl = "https://x.nl"\n', "key 'name': 'a b' must be letters"),
        (
            '[[policy]]\nname = "a"\nurl = "https://x.nl"\n[[policy]]\nname = "a"\nurl = "https://y.nl"\n',
            "policy 'a': key 'name': duplicate policy name",
        ),
        (
            '[[policy]]\nname = "a"\nurl = "https://x.nl"\ninterval = 5\ntags = [1]\n',
            "policy 'a': key 'tags': must be a list of non-empty strings",
        ),
        ('[[policy]]\nname = "a"\nurl = "https://x.nl"\nlanguage = "Dutch"\n', "key 'language'"),
        (
            '[[webhook]]\nname = "w"\nurl = "https://h.nl"\nmin_severity = "big"\n',
            "webhook 'w': key 'min_severity': must be one of none, cosmetic, minor, material",
        ),
        (
            '[[webhook]]\nname = "w"\nurl = "https://h.nl"\nformat = "xml"\n',
            "webhook 'w': key 'format'",
        ),
        (
            '[[webhook]]\nname = "w"\nurl = "https://h.nl"\nsecret = "env:1X"\n',
            "webhook 'w': key 'secret'",
        ),
        (
            '[[webhook]]\nname = "w"\nurl = "https://h.nl"\npolicies = ["nope"]\n',
            "webhook 'w': key 'policies': names no configured policy: 'nope'",
        ),
        (
            '[[webhook]]\nname = "w"\nurl = "https://h.nl"\nheader = {}\n',
            "webhook 'w': key 'header': unknown key",
        ),
        (
            '[[webhook]]\nname = "w"\nurl = "https://h.nl"\nheaders = {"a b" = "x"}\n',
            "webhook 'w': key 'headers'",
        ),
        (
            '[[webhook]]\nname = "w"\nurl = "https://h.nl"\nmax_age = "soon"\n',
            "webhook 'w': key 'max_age': invalid duration",
        ),
        ("[monitor\n", "invalid TOML"),
        ("[policy]\nname = 'a'\n", "config: key 'policy': expected a list"),
    ],
)
def test_invalid_configs_name_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_webhook_secret_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(
        tmp_path,
        VALID + '[[webhook]]\nname = "w"\nurl = "https://h.nl"\nsecret = "env:HOOK_SECRET"\n',
    )
    monkeypatch.setenv("HOOK_SECRET", "s3cr3t")
    webhook = load_config(path).webhooks[0]
    assert webhook.resolve_secret() == "s3cr3t"
    assert "s3cr3t" not in repr(webhook) and "env:HOOK_SECRET" not in repr(webhook)


@pytest.mark.parametrize("command", [["list"], ["check"], ["history", "a"], ["show", "a"]])
def test_cli_bad_config_is_one_line_exit_2(tmp_path: Path, command: list[str]) -> None:
    path = write(
        tmp_path, VALID.replace('url = "https://example.nl/privacy"', 'url = "example.nl"')
    )
    result = run_monitor("--config", str(path), *command)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and "policy 'a'" in lines[0] and "key 'url'" in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "monitor.db").exists()


def test_cli_config_from_environment(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = write(tmp_path, VALID)
    env = {**os.environ, "MONITOR_CONFIG": str(path)}
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path / "..",
    )
    assert result.returncode == 0, result.stderr
    assert '"name": "a"' in result.stdout


def test_serve_token_and_public_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = VALID.replace("[monitor]", '[monitor]\npublic_url = "https://room.example.org/"', 1)
    config = load_config(write(tmp_path, text + '\n[serve]\ntoken = "env:ROOM_TOKEN"\n'))
    assert config.monitor.public_url == "https://room.example.org"
    assert "token=" not in repr(config.serve)  # kept out of logs and tracebacks
    monkeypatch.delenv("ROOM_TOKEN", raising=False)
    assert config.serve.resolve_token() is None
    monkeypatch.setenv("ROOM_TOKEN", "abc")
    assert config.serve.resolve_token() == "abc"
    plain = load_config(write(tmp_path, VALID + '\n[serve]\ntoken = "0123456789abcdef"\n'))
    assert plain.serve.resolve_token() == "0123456789abcdef"
    assert load_config(write(tmp_path, VALID)).serve.resolve_token() is None


@pytest.mark.parametrize(
    ("extra", "key", "says"),
    [
        ('[serve]\ntoken = ""\n', "token", "is empty"),
        ('[serve]\ntoken = "$ROOM"\n', "token", "env:NAME"),
        ("[serve]\nport = 80\n", "port", "unknown key"),
    ],
)
def test_bad_serve_table(tmp_path: Path, extra: str, key: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, VALID + "\n" + extra))
    assert caught.value.key == key and says in str(caught.value)
    assert "[serve]" in str(caught.value)


@pytest.mark.parametrize(
    "url", ["room.example.org", "https://room.example.org/?x=1", "https://room.example.org/#a"]
)
def test_bad_public_url(tmp_path: Path, url: str) -> None:
    text = VALID.replace("[monitor]", f'[monitor]\npublic_url = "{url}"', 1)
    with pytest.raises(ConfigError, match="public_url"):
        load_config(write(tmp_path, text))


def test_example_serve_section_loads_when_uncommented(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "config.toml").read_text("utf-8")
    text = text.replace("# [serve]", "[serve]").replace("# token = ", "token = ")
    text = text.replace("# public_url = ", "public_url = ")
    monkeypatch.setenv("MONITOR_SERVE_TOKEN", "t")
    config = parse_config(tomllib.loads(text), path=REPO / "config.toml")
    assert config.serve.resolve_token() == "t"
    assert config.monitor.public_url == "https://policies.example.org"


def test_a_name_may_not_end_in_a_newline(tmp_path: Path) -> None:
    text = VALID.replace('name = "a"', 'name = "a\\n"', 1)  # a TOML escape: a real newline
    assert text != VALID
    with pytest.raises(ConfigError, match="name"):
        load_config(write(tmp_path, text))


def test_summary_language(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, VALID)).monitor.summary_in == "en"
    own = VALID.replace("[monitor]", '[monitor]\nsummary_language = "policy"', 1)
    assert load_config(write(tmp_path, own)).monitor.summary_in is None
    bad = VALID.replace("[monitor]", '[monitor]\nsummary_language = "fr"', 1)
    with pytest.raises(ConfigError, match="summary_language.*en, nl, policy"):
        load_config(write(tmp_path, bad))
