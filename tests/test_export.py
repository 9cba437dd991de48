"""`monitor export`: versions and changes as JSON lines, or a git repository with one
commit per version, dated when it was first seen, its change's summary as message."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from monitor.demo import DEMO_POLICY, SeedServer, material_edit

from .conftest import WriteConfig, history_json, run_monitor

OTHER = "zooplus-klantenservice-privacy"


@pytest.fixture
def history(seed_server: SeedServer, write_config: WriteConfig) -> Path:
    """Two policies checked, one changed materially and checked again, the other then
    left out of the configuration (archived)."""
    config = write_config({n: seed_server.url(n) for n in (DEMO_POLICY, OTHER)})
    assert run_monitor("--config", str(config), "check").returncode == 0
    seed_server.set_body(DEMO_POLICY, material_edit(seed_server.pages[DEMO_POLICY].body))
    assert run_monitor("--config", str(config), "check").returncode == 0
    write_config({DEMO_POLICY: seed_server.url(DEMO_POLICY)})
    return config


def test_jsonl_holds_every_version_and_change_archived_policies_too(
    history: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = run_monitor("--config", str(history), "export", "--format", "jsonl", str(out))
    assert done.returncode == 0, done.stderr
    assert "3 version(s) and 1 change(s) of 2 policy(ies)" in done.stdout
    versions = [json.loads(line) for line in (out / "versions.jsonl").read_text().splitlines()]
    assert sorted((v["policy"], v["version"]) for v in versions) == [
        (DEMO_POLICY, 1), (DEMO_POLICY, 2), (OTHER, 1),
    ]  # fmt: skip
    shown = run_monitor("--config", str(history), "show", DEMO_POLICY, "--version", "2").stdout
    (second,) = [v for v in versions if v["policy"] == DEMO_POLICY and v["version"] == 2]
    assert str(second["text"]).rstrip("\n") == shown.rstrip("\n")
    (change,) = [json.loads(line) for line in (out / "changes.jsonl").read_text().splitlines()]
    assert (change["policy"], change["old_version"], change["new_version"]) == (DEMO_POLICY, 1, 2)
    assert change["severity"] == "material" and change["comparison"]["material"] is True


def test_git_has_one_commit_per_version_dated_when_first_seen(
    history: Path, tmp_path: Path
) -> None:
    out = tmp_path / "repo"
    done = run_monitor("--config", str(history), "export", DEMO_POLICY, "--format", "git",
                       str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    log = subprocess.run(
        ["git", "-C", str(out), "log", "--reverse", "--format=%at%x00%B%x01"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    commits = [c.strip("\n").split("\x00") for c in log.split("\x01") if c.strip()]
    assert len(commits) == 2
    versions = history_json(history, DEMO_POLICY)
    for (stamp, _), version in zip(commits, versions, strict=True):
        first_seen = datetime.fromisoformat(str(version["first_seen"]))
        assert int(stamp) == int(first_seen.timestamp())
    assert commits[0][1].startswith(f"{DEMO_POLICY}: version 1, first seen")
    message = commits[1][1]
    assert message.startswith(f"{DEMO_POLICY}: version 2 (material)")
    assert "Policy-Monitor-Severity: material" in message
    assert "- " in message  # the change's reasons
    latest = run_monitor("--config", str(history), "show", DEMO_POLICY).stdout
    assert (out / f"{DEMO_POLICY}.md").read_text("utf-8").rstrip("\n") == latest.rstrip("\n")
    status = subprocess.run(["git", "-C", str(out), "status", "--porcelain"],
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert status.stdout == ""  # the work tree is the last commit


def test_export_refuses_a_folder_with_something_in_it_and_unknown_names(
    history: Path, tmp_path: Path
) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    refused = run_monitor("--config", str(history), "export", str(full))
    assert refused.returncode == 2 and "not an empty folder" in refused.stderr
    assert (full / "keep.txt").read_text() == "mine"
    forgot = run_monitor("--config", str(history), "export", DEMO_POLICY, cwd=tmp_path)
    assert forgot.returncode == 2 and "name the folder too" in forgot.stderr
    assert not (tmp_path / DEMO_POLICY).exists()
    unknown = run_monitor("--config", str(history), "export", "nobody", str(tmp_path / "x"))
    assert unknown.returncode == 2 and "no policy named 'nobody'" in unknown.stderr
    assert not (tmp_path / "x").exists()
