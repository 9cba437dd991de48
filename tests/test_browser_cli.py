"""The browser fetcher as a user meets it: the configuration, `monitor check`, the
screenshot through `monitor show --screenshot` and in the reading room."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from monitor.config import load_config
from monitor.errors import ConfigError

from .conftest import run_monitor
from .support.pages import POLICY_TEXT, PageServer, page_server
from .support.room import serve_room

pytestmark = pytest.mark.skipif(
    not os.path.exists("/usr/bin/chromium"), reason="Debian's chromium is not installed"
)
SCRIPTED = (
    "<main id='root'></main><script>document.getElementById('root').innerHTML = {!r};</script>"
)


@pytest.fixture
def pages() -> Iterator[PageServer]:
    with page_server() as server:
        yield server


def _write(tmp_path: Path, url: str, policy: str = 'fetcher = "browser"') -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[monitor]\ntimeout = "10s"\nallow_private_networks = true\nbrowser_timeout = "20s"\n\n'
        f'[[policy]]\nname = "shop"\nurl = "{url}"\n{policy}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_check_show_screenshot_and_the_reading_room(pages: PageServer, tmp_path: Path) -> None:
    pages.page("/policy", SCRIPTED.format(POLICY_TEXT))
    config_path = _write(tmp_path, pages.url("/policy"))
    first = run_monitor("--config", str(config_path), "check", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "new_version" in first.stdout or "new version" in first.stdout
    changed = POLICY_TEXT.replace("zeven jaar", "twintig jaar") + "<p>We delen je locatie.</p>"
    pages.page("/policy", SCRIPTED.format(changed))
    second = run_monitor("--config", str(config_path), "check", cwd=tmp_path)
    assert second.returncode == 0, second.stderr

    out = tmp_path / "v1.png"
    shown = run_monitor(
        "--config", str(config_path), "show", "shop", "--version", "1", "--screenshot", str(out),
        cwd=tmp_path,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    assert "version 1's screenshot" in shown.stderr
    piped = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config_path), "show", "shop",
         "--screenshot", "-"], capture_output=True, check=False,
    )  # fmt: skip
    assert piped.returncode == 0 and piped.stdout.startswith(b"\x89PNG")
    (listed,) = json.loads(run_monitor("--config", str(config_path), "list", "--json").stdout)
    assert listed["last_fetcher"] == "browser"
    text = run_monitor("--config", str(config_path), "show", "shop", cwd=tmp_path)
    assert "twintig jaar" in text.stdout

    config = load_config(config_path)
    with serve_room(config) as base, httpx.Client(base_url=base, timeout=30) as client:
        version = client.get("/policies/shop/versions/2")
        assert version.status_code == 200
        assert "/policies/shop/screenshots/" in version.text
        src = version.text.split('<img src="')[1].split('"')[0]
        image = client.get(src)
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")
        change = client.get("/policies/shop/changes/2")
        assert "as the browser showed it" in change.text
        raw = src.replace("/screenshots/", "/snapshots/")
        assert client.get(raw).status_code == 200  # also downloadable with the snapshots
        # A page's raw snapshot is no screenshot.
        page_digest = change.text.split("/snapshots/")[1].split('"')[0]
        assert client.get(f"/policies/shop/screenshots/{page_digest}").status_code == 404


def test_a_plain_policy_has_no_screenshot_to_show(pages: PageServer, tmp_path: Path) -> None:
    pages.page("/policy", POLICY_TEXT)
    config_path = _write(tmp_path, pages.url("/policy"), policy="")
    assert run_monitor("--config", str(config_path), "check", cwd=tmp_path).returncode == 0
    shown = run_monitor(
        "--config", str(config_path), "show", "shop", "--screenshot", str(tmp_path / "x.png"),
        cwd=tmp_path,
    )  # fmt: skip
    assert shown.returncode != 0
    assert "has no screenshot" in shown.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ('fetcher = "chrome"', "key 'fetcher': must be one of http, browser, auto"),
        ('wait_for = "main"', "'wait_for': applies to the browser: set fetcher = \"browser\""),
        ('fetcher = "browser"\nclick = ["a", "b", "c", "d", "e", "f"]', "at most 5"),
        ('fetcher = "auto"\nwait_for = ""', "'wait_for': must be a selector"),
    ],
)
def test_browser_settings_are_checked(tmp_path: Path, policy: str, message: str) -> None:
    path = _write(tmp_path, "https://example.org/privacy", policy=policy)
    with pytest.raises(ConfigError, match="shop") as caught:
        load_config(path)
    assert message in str(caught.value)


def test_monitor_browser_keys_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[monitor]\nbrowser_path = "/opt/chromium/chrome"\nbrowser_concurrency = 1\n'
        'browser_timeout = "2m"\nbrowser_max_bytes = 1000000\nbrowser_max_requests = 50\n',
        encoding="utf-8",
    )
    fetch = load_config(path).monitor.fetch
    assert (fetch.browser_path, fetch.browser_concurrency, fetch.browser_timeout) == (
        "/opt/chromium/chrome", 1, 120.0,
    )  # fmt: skip
    assert (fetch.browser_max_bytes, fetch.browser_max_requests) == (1_000_000, 50)
