"""`monitor import ota`: Open Terms Archive declarations become [[policy]] tables; what
does not map is said in one line each."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.demo import DEMO_POLICY, SeedServer

from .conftest import WriteConfig, run_monitor


@pytest.fixture
def declarations(tmp_path: Path, seed_server: SeedServer) -> Path:
    folder = tmp_path / "declarations"
    folder.mkdir()
    acme = {
        "name": "Acme Corp",
        "terms": {
            "Privacy Policy": {
                "fetch": seed_server.url(DEMO_POLICY),
                "remove": [".advert"],
                "executeClientScripts": False,
            },
            "Terms of Service": {
                "combine": [
                    {"fetch": "https://acme.example/terms", "select": "#terms"},
                    {"fetch": "https://acme.example/terms-annex"},
                ],
                "filter": ["removeTrackingLinks"],
            },
            "Cookies Policy": {
                "fetch": "https://acme.example/cookies",
                "select": ["main", {"startBefore": "#start", "endBefore": "#end"}],
                "executeClientScripts": True,
            },
        },
    }
    (folder / "Acme.json").write_text(json.dumps(acme), "utf-8")
    (folder / "Acme.history.json").write_text("{}", "utf-8")
    (folder / "Other.json").write_text(
        json.dumps({"name": "Other", "documents": {"Privacy Policy": {"fetch": "ftp://x.org/p"}}}),
        "utf-8",
    )
    (folder / "Broken.json").write_text("{not json", "utf-8")
    return folder


def test_dry_run_prints_tables_and_names_what_does_not_map(
    declarations: Path, write_config: WriteConfig
) -> None:
    config = write_config({})
    before = config.read_text("utf-8")
    done = run_monitor("--config", str(config), "import", "ota", str(declarations), "--dry-run")
    assert done.returncode == 0, done.stderr
    tables = tomllib.loads(done.stdout)["policy"]
    by_name = {t["name"]: t for t in tables}
    assert set(by_name) == {
        "acme-privacy-policy", "acme-terms-of-service-1", "acme-terms-of-service-2",
        "acme-cookies-policy",
    }  # fmt: skip
    assert by_name["acme-privacy-policy"]["remove"] == [".advert"]
    assert "fetcher" not in by_name["acme-privacy-policy"]
    assert by_name["acme-cookies-policy"]["fetcher"] == "browser"
    assert by_name["acme-cookies-policy"]["select"] == ["main"]
    assert by_name["acme-terms-of-service-1"]["select"] == ["#terms"]
    assert by_name["acme-privacy-policy"]["tags"] == ["ota", "privacy-policy", "acme-corp"]
    lines = done.stderr.strip().splitlines()
    assert all(line.startswith("not mapped: ") for line in lines)
    said = "\n".join(lines)
    assert "combines 2 documents" in said
    assert "filter removeTrackingLinks" in said
    assert 'range {"startBefore": "#start", "endBefore": "#end"}' in said
    assert "Broken.json: not a declaration" in said
    assert "Other.json: Privacy Policy" in said and "not imported" in said
    assert config.read_text("utf-8") == before  # a dry run changes nothing


def test_import_adds_the_policies_once_and_they_check(
    declarations: Path, write_config: WriteConfig
) -> None:
    config = write_config({})
    done = run_monitor("--config", str(config), "import", "ota", str(declarations),
                       "--service", "Acme")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "added 4 policy(ies) from 1 service(s)" in done.stdout
    loaded = load_config(config)
    assert len(loaded.policies) == 4
    again = run_monitor("--config", str(config), "import", "ota", str(declarations),
                        "--service", "Acme")  # fmt: skip
    assert "added 0 policy(ies)" in again.stdout
    assert again.stderr.count("skipped: ") == 4
    checked = run_monitor("--config", str(config), "check", "acme-privacy-policy", "--json")
    assert json.loads(checked.stdout)[0]["outcome"] == "new_version"
    unknown = run_monitor("--config", str(config), "import", "ota", str(declarations),
                          "--service", "Nobody")  # fmt: skip
    assert unknown.returncode == 2 and "no declaration of 'Nobody'" in unknown.stderr
