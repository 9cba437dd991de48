"""``monitor diff`` end to end: files, URLs and stored versions, all four formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.demo import DEMO_POLICY, SeedServer, material_edit

from .conftest import WriteConfig, run_monitor


@pytest.fixture
def pair(tmp_path: Path, seed_server: SeedServer) -> tuple[Path, Path]:
    body = seed_server.pages[DEMO_POLICY].body
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_bytes(body)
    new.write_bytes(material_edit(body))
    return old, new


def test_files_in_every_format(pair: tuple[Path, Path]) -> None:
    old, new = pair
    text = run_monitor("diff", str(old), str(new))
    assert text.returncode == 1, text.stderr
    assert (
        "severity: material" in text.stdout
        and "[-zullen-]" in text.stdout
        and "{+kunnen+}" in text.stdout
    )
    result = json.loads(run_monitor("diff", str(old), str(new), "--format", "json").stdout)
    assert result["material"] is True and result["counts"]["added"] == 1
    assert result["old"]["source"] == str(old) and result["old"]["declared_date"] == "2015-03-04"
    markdown = run_monitor("diff", str(old), str(new), "--format", "markdown")
    assert markdown.returncode == 1 and "**Severity: material**" in markdown.stdout
    html = run_monitor("diff", str(old), str(new), "--format", "html")
    assert (
        html.returncode == 1
        and html.stdout.startswith("<!DOCTYPE html>")
        and "<del>" in html.stdout
    )


def test_no_material_change_exits_0(pair: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = pair
    same = run_monitor("diff", str(old), str(old), "--format", "json")
    assert same.returncode == 0 and json.loads(same.stdout)["severity"] == "none"
    md_old, md_new = tmp_path / "a.md", tmp_path / "b.md"
    md_old.write_text(
        "# P\n\nWij bewaren je gegevens 12 maanden.\n\nWe gebruiken je naam.\n", "utf-8"
    )
    md_new.write_text(
        "# P\n\nWij bewaren je gegevens 12 maanden.\n\nWij gebruiken je naam.\n", "utf-8"
    )
    minor = run_monitor("diff", str(md_old), str(md_new), "--format", "json")
    assert minor.returncode == 0 and json.loads(minor.stdout)["severity"] == "minor"


def test_text_and_pdf_inputs(tmp_path: Path) -> None:
    from .test_normalize import _pdf

    (tmp_path / "a.pdf").write_bytes(_pdf("Wij bewaren uw gegevens maximaal 12 maanden."))
    (tmp_path / "b.txt").write_text("Wij bewaren uw gegevens maximaal 36 maanden.\n", "utf-8")
    result = run_monitor(
        "diff", str(tmp_path / "a.pdf"), str(tmp_path / "b.txt"), "--format", "json"
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["categories"] == ["data_retention"]


def test_urls_obey_the_network_policy(seed_server: SeedServer, pair: tuple[Path, Path]) -> None:
    old, _ = pair
    url = seed_server.url(DEMO_POLICY)
    refused = run_monitor("diff", str(old), url)
    assert refused.returncode == 2 and "non-public address" in refused.stderr
    assert refused.stderr.count("\n") == 1
    allowed = run_monitor("diff", str(old), url, "--allow-private-networks", "--format", "json")
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["new"]["source"] == url


def test_stored_versions(seed_server: SeedServer, write_config: WriteConfig) -> None:
    path = write_config({DEMO_POLICY: seed_server.url(DEMO_POLICY)})
    cfg = ("--config", str(path))
    assert run_monitor(*cfg, "check").returncode == 0
    one = run_monitor(*cfg, "diff", DEMO_POLICY)
    assert one.returncode == 2 and "1 version(s) stored; a diff needs two" in one.stderr
    page = seed_server.pages[DEMO_POLICY]
    seed_server.set_body(DEMO_POLICY, material_edit(page.body))
    assert run_monitor(*cfg, "check").returncode == 0
    latest = run_monitor(*cfg, "diff", DEMO_POLICY, "--format", "json")
    assert latest.returncode == 1
    result = json.loads(latest.stdout)
    assert result["old"]["source"] == f"{DEMO_POLICY} version 1"
    assert result["new"]["source"] == f"{DEMO_POLICY} version 2"
    numbered = run_monitor(
        *cfg, "diff", DEMO_POLICY, "--from", "1", "--to", "2", "--format", "json"
    )
    assert json.loads(numbered.stdout) == result
    dated = run_monitor(
        *cfg, "diff", DEMO_POLICY, "--from", "1", "--to", "2999-01-01", "--format", "json"
    )
    assert json.loads(dated.stdout)["counts"] == result["counts"]
    backwards = run_monitor(
        *cfg, "diff", DEMO_POLICY, "--from", "2", "--to", "1", "--format", "json"
    )
    assert json.loads(backwards.stdout)["counts"]["removed"] == result["counts"]["added"]
    for args, message in [
        (["--from", "9"], "--from 9: pcextreme-privacy has versions 1 to 2"),
        (["--to", "yesterday"], "give a version number or a date"),
        (["--to", "1990-01-01"], "had no version yet on that day"),
    ]:
        bad = run_monitor(*cfg, "diff", DEMO_POLICY, *args)
        assert bad.returncode == 2 and message in bad.stderr, bad.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope.html", "other.html"], "nope.html: no such file"),
        (["."], "no policy named '.'"),
        (["a.html", "b.html", "--from", "1"], "--from/--to go with the POLICY form"),
        (["a.html", "b.html", "--format", "pdf"], "'pdf' is not one of"),
    ],
)
def test_errors(tmp_path: Path, write_config: WriteConfig, args: list[str], message: str) -> None:
    path = write_config({})
    result = run_monitor("--config", str(path), "diff", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_hostile_policy_text_is_escaped_in_html(tmp_path: Path) -> None:
    old, new = tmp_path / "a.md", tmp_path / "b.md"
    old.write_text("# P\n\nWij bewaren je gegevens 12 maanden.\n", "utf-8")
    new.write_text(
        '# P\n\nWij bewaren je gegevens 24 maanden. <script>alert(1)</script> "><img src=x onerror=alert(1)>\n',
        "utf-8",
    )
    html = run_monitor("diff", str(old), str(new), "--format", "html").stdout
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "default-src 'none'" in html


def test_urls_are_fetched_with_the_configured_settings(
    httpserver: HTTPServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    old = "<html><body><main><p>Wij bewaren je gegevens 12 maanden.</p></main></body></html>"
    new = "<html><body><main><p>Wij bewaren je gegevens 36 maanden.</p></main></body></html>"
    httpserver.expect_request("/old").respond_with_data(old, content_type="text/html")
    httpserver.expect_request("/new").respond_with_data(new, content_type="text/html")
    urls = (httpserver.url_for("/old"), httpserver.url_for("/new"))
    path = write_config(
        {}, monitor='user_agent = "diff-agent/7 (+ops@example.nl)"\nallow_private_networks = true'
    )
    # allow_private_networks comes from the configuration: no flag given
    result = run_monitor("--config", str(path), "diff", *urls, "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    agents = {request.headers.get("User-Agent") for request, _ in httpserver.log}
    assert agents == {"diff-agent/7 (+ops@example.nl)"}

    # without a configuration: the defaults (private addresses refused unless the flag)
    elsewhere = tmp_path / "elsewhere"  # no config.toml here
    elsewhere.mkdir()
    refused = run_monitor("diff", *urls, cwd=elsewhere)
    assert refused.returncode == 2 and "non-public address" in refused.stderr
    httpserver.clear_log()
    allowed = run_monitor("diff", *urls, "--allow-private-networks", cwd=elsewhere)
    assert allowed.returncode == 1, allowed.stderr
    agents = {request.headers.get("User-Agent") for request, _ in httpserver.log}
    assert agents == {"policy-monitor/0.1"}


def test_lang_must_be_a_language_code(tmp_path: Path) -> None:
    old, new = tmp_path / "a.md", tmp_path / "b.md"
    old.write_text("# P\n\nWij bewaren 12 maanden.\n", encoding="utf-8")
    new.write_text("# P\n\nWij bewaren 24 maanden.\n", encoding="utf-8")
    bad = run_monitor("diff", str(old), str(new), "--lang", "english")
    assert bad.returncode == 2 and "not a two-letter language code" in bad.stderr
    good = run_monitor("diff", str(old), str(new), "--lang", "nl-NL", "--format", "json")
    assert good.returncode == 1 and json.loads(good.stdout)["new"]["language"] == "nl"
