"""A history outlives its config entry: archived policies, `monitor rename`, the advice
when a new name has an old URL; and a version's evidence (`show --raw`, `--json`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from monitor.demo import DEMO_POLICY, SeedServer, material_edit

from .conftest import WriteConfig, run_monitor

OTHER = "zooplus-klantenservice-privacy"


def _json(config: Path, *args: str) -> object:
    result = run_monitor("--config", str(config), *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _rename_in_config(config: Path, old: str, new: str) -> None:
    config.write_text(config.read_text("utf-8").replace(f'"{old}"', f'"{new}"'), "utf-8")


def test_a_policy_left_out_of_the_config_is_archived_not_lost(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    config = write_config({n: seed_server.url(n) for n in (DEMO_POLICY, OTHER)})
    assert run_monitor("--config", str(config), "check").returncode == 0
    write_config({DEMO_POLICY: seed_server.url(DEMO_POLICY)})
    listed = _json(config, "list")
    assert [row["name"] for row in listed] == [DEMO_POLICY]  # type: ignore[index]
    everything = {row["name"]: row for row in _json(config, "list", "--all")}  # type: ignore[union-attr]
    assert everything[OTHER]["archived"] and everything[OTHER]["versions"] == 1
    assert not everything[DEMO_POLICY]["archived"]
    table = run_monitor("--config", str(config), "list", "--all").stdout
    assert f"{OTHER} (archived)" in table
    assert len(_json(config, "history", OTHER)) == 1  # type: ignore[arg-type]
    shown = run_monitor("--config", str(config), "show", OTHER)
    assert shown.returncode == 0 and shown.stdout.strip()
    missing = run_monitor("--config", str(config), "history", "nobody")
    assert missing.returncode == 2 and "or its database" in missing.stderr


def test_rename_moves_the_history_and_a_new_name_for_an_old_url_is_pointed_at_it(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    config = write_config({DEMO_POLICY: seed_server.url(DEMO_POLICY)})
    assert run_monitor("--config", str(config), "check").returncode == 0
    seed_server.set_body(DEMO_POLICY, material_edit(seed_server.pages[DEMO_POLICY].body))
    assert run_monitor("--config", str(config), "check").returncode == 0
    _rename_in_config(config, DEMO_POLICY, "pcextreme-nl")
    # Checked under the new name first: the check says what to do ...
    checked = run_monitor("--config", str(config), "check")
    advice = f"run: monitor rename {DEMO_POLICY} pcextreme-nl --replace"
    assert advice in checked.stderr
    # ... and the rename will not merge two histories unless told to drop the new one.
    refused = run_monitor("--config", str(config), "rename", DEMO_POLICY, "pcextreme-nl")
    assert refused.returncode == 2 and "--replace" in refused.stderr
    assert "(1 version(s) and 1 check(s))" in refused.stderr
    moved = run_monitor("--config", str(config), "rename", DEMO_POLICY, "pcextreme-nl", "--replace")
    assert moved.returncode == 0, moved.stderr
    assert "2 version(s)" in moved.stdout
    assert "dropped the history pcextreme-nl had of its own: 1 version(s), 1 check(s)" in (
        moved.stderr
    )
    assert len(_json(config, "history", "pcextreme-nl")) == 2  # type: ignore[arg-type]
    again = run_monitor("--config", str(config), "check", "--json")
    assert json.loads(again.stdout)[0]["outcome"] in ("unchanged", "not_modified")
    assert advice not in again.stderr
    names = [row["name"] for row in _json(config, "list", "--all")]  # type: ignore[union-attr]
    assert names == ["pcextreme-nl"]


def test_rename_before_the_first_check_under_the_new_name(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    config = write_config({DEMO_POLICY: seed_server.url(DEMO_POLICY)})
    assert run_monitor("--config", str(config), "check").returncode == 0
    moved = run_monitor("--config", str(config), "rename", DEMO_POLICY, "pcextreme-nl")
    assert moved.returncode == 0
    assert "config.toml still names" in moved.stderr  # the config is the user's to edit
    _rename_in_config(config, DEMO_POLICY, "pcextreme-nl")
    result = json.loads(run_monitor("--config", str(config), "check", "--json").stdout)[0]
    assert result["version"] == 1 and result["outcome"] in ("unchanged", "not_modified")
    bad = run_monitor("--config", str(config), "rename", "pcextreme-nl", "no spaces")
    assert bad.returncode == 2 and "not a policy name" in bad.stderr
    long = run_monitor("--config", str(config), "rename", "zooplus-nl", "a" * 300)
    assert long.returncode == 2 and "at most 100 characters" in long.stderr
    unknown = run_monitor("--config", str(config), "rename", "nobody", "somebody")
    assert unknown.returncode == 2 and "no policy named 'nobody'" in unknown.stderr


def test_show_raw_is_the_page_as_received_and_json_says_where_it_came_from(
    seed_server: SeedServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config({DEMO_POLICY: seed_server.url(DEMO_POLICY)})
    assert run_monitor("--config", str(config), "check").returncode == 0
    raw = tmp_path / "page.html"
    with raw.open("wb") as out:
        import subprocess
        import sys

        done = subprocess.run(
            [sys.executable, "-m", "monitor", "--config", str(config), "show", DEMO_POLICY,
             "--raw"], stdout=out, stderr=subprocess.PIPE, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = raw.read_bytes()
    assert page.startswith(b"<!DOCTYPE html>")  # the served page (with its per-fetch noise)
    shown = _json(config, "show", DEMO_POLICY)
    assert isinstance(shown, dict)
    where = shown["provenance"]
    assert where["requested_url"] == seed_server.url(DEMO_POLICY)
    assert where["final_url"] == seed_server.url(DEMO_POLICY)
    assert where["http_status"] == 200 and where["fetcher"] == "http"
    assert where["sha256"] == hashlib.sha256(page).hexdigest()
    assert where["size"] == len(page)
    assert where["headers"]["content-type"].startswith("text/html")
    assert shown["text"] and shown["version"] == 1
    (row,) = _json(config, "history", DEMO_POLICY)  # type: ignore[misc]
    assert row["provenance"]["sha256"] == where["sha256"]
    both = run_monitor("--config", str(config), "show", DEMO_POLICY, "--raw", "--json")
    assert both.returncode == 2 and "one at a time" in both.stderr
