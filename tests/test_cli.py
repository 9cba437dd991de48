"""The ``monitor`` command end to end, as a user runs it (subprocesses)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from monitor.cli import COMMANDS as LAZY_COMMANDS
from monitor.cli import cli
from monitor.demo import DEMO_POLICY, SeedServer

from .conftest import REPO, WriteConfig, run_monitor

COMMANDS = sorted(LAZY_COMMANDS)


@pytest.fixture
def config_path(seed_server: SeedServer, write_config: WriteConfig) -> Path:
    return write_config({name: seed_server.url(name) for name in seed_server.pages})


def test_check_list_history_show(config_path: Path, seed_server: SeedServer) -> None:
    cfg = ("--config", str(config_path))
    first = run_monitor(*cfg, "check")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("new_version") == 5 and DEMO_POLICY in first.stdout

    rows = json.loads(run_monitor(*cfg, "check", "--json").stdout)
    assert {r["outcome"] for r in rows} <= {"unchanged", "not_modified"}
    assert {r["version"] for r in rows} == {1}

    listing = json.loads(run_monitor(*cfg, "list", "--json").stdout)
    assert [r["name"] for r in listing] == sorted(seed_server.pages)
    assert all(r["versions"] == 1 and r["last_check"] for r in listing)
    table = run_monitor(*cfg, "list").stdout
    assert all(name in table for name in seed_server.pages)

    history = json.loads(run_monitor(*cfg, "history", DEMO_POLICY, "--json").stdout)
    assert [h["version"] for h in history] == [1]
    assert re.match(r"\d{4}-\d\d-\d\dT", history[0]["first_seen"])

    text = run_monitor(*cfg, "show", DEMO_POLICY)
    assert text.returncode == 0 and "Wet Bescherming Persoonsgegevens" in text.stdout
    assert run_monitor(*cfg, "show", DEMO_POLICY, "--version", "1").stdout == text.stdout


def test_check_named_policy_only(config_path: Path) -> None:
    result = run_monitor("--config", str(config_path), "check", DEMO_POLICY, "--json")
    assert [r["policy"] for r in json.loads(result.stdout)] == [DEMO_POLICY]


def test_check_exits_0_when_a_policy_fails(
    write_config: WriteConfig, seed_server: SeedServer
) -> None:
    path = write_config({"ok": seed_server.url(DEMO_POLICY), "missing": seed_server.url("nope")})
    result = run_monitor("--config", str(path), "check", "--json")
    assert result.returncode == 0
    rows = {r["policy"]: r for r in json.loads(result.stdout)}
    assert rows["ok"]["outcome"] == "new_version"
    assert rows["missing"]["outcome"] == "error" and rows["missing"]["http_status"] == 404


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "nope"], "no policy named 'nope'"),
        (["history", "nope"], "no policy named 'nope'"),
        (["check", "nope"], "no policy named 'nope'"),
        (["show", DEMO_POLICY, "--version", "7"], f"{DEMO_POLICY}: has no version 7"),
        (["show", DEMO_POLICY, "--version", "x"], "'x' is not a valid integer"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["check", "--bogus"], "No such option '--bogus'"),
    ],
)
def test_errors_are_one_line_exit_2(config_path: Path, args: list[str], message: str) -> None:
    result = run_monitor("--config", str(config_path), *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file(tmp_path: Path) -> None:
    result = run_monitor("--config", str(tmp_path / "nope.toml"), "list")
    assert result.returncode == 2 and "config file not found" in result.stderr


def test_init_writes_a_valid_config(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    assert run_monitor("init", str(target)).returncode == 0
    assert target.read_text(encoding="utf-8") == (REPO / "config.toml").read_text(encoding="utf-8")
    again = run_monitor("init", str(target))
    assert again.returncode == 2 and "exists already" in again.stderr
    assert run_monitor("--config", str(target), "list", "--json").returncode == 0


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command: str) -> None:
    result = run_monitor(command, "--help")
    assert result.returncode == 0
    assert "Example:" in result.stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"monitor {command}" in readme or f"`{command}`" in readme


def test_demo_catches_the_change_and_leaves_nothing(tmp_path: Path) -> None:
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("policy-monitor-demo-*"))
    result = run_monitor("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("new_version") == 5 + 1  # five first versions, then the one change
    assert "not_modified" in out and "unchanged" in out
    assert "+ Locatiegegevens" in out and "advertentiepartners zoals Criteo" in out
    assert "severity: material" in out and 'new recipient: "criteo"' in out
    assert list(tmp_path.iterdir()) == []
    assert set(Path(tempfile.gettempdir()).glob("policy-monitor-demo-*")) == before


def test_demo_keeps_its_work_when_asked(tmp_path: Path) -> None:
    result = run_monitor("demo", "--dir", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    history = run_monitor(
        "--config", str(tmp_path / "run" / "config.toml"), "history", DEMO_POLICY, "--json"
    )
    assert [h["version"] for h in json.loads(history.stdout)] == [1, 2]


def test_the_listed_summaries_are_the_commands_own_and_none_is_missing() -> None:
    """`monitor --help` lists summaries kept beside the lazy command table: they must
    say what each command's own help says, and every command defined is listed."""
    import importlib

    import click

    context = click.Context(cli)
    for name, (_module, _attribute, summary) in LAZY_COMMANDS.items():
        command = cli.get_command(context, name)
        assert command is not None and command.name in (name, name + "_")
        assert " ".join((command.help or "").split("\n\n")[0].split()) == summary
    import pkgutil

    import monitor.cli

    modules = [m.name for m in pkgutil.iter_modules(monitor.cli.__path__) if m.name != "common"]
    assert {"diff", "service", "serve"} <= set(modules)
    commands = [
        value
        for module in modules
        for value in vars(importlib.import_module(f"monitor.cli.{module}")).values()
        if isinstance(value, click.Command)
    ]
    inner = {
        id(sub)
        for group in commands
        if isinstance(group, click.Group)
        for sub in group.commands.values()
    }
    assert {c.name for c in commands if id(c) not in inner} == set(LAZY_COMMANDS)
