"""The daemon and the browser: one browser process for all checks, started again when
it dies; none left behind when the daemon is killed."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from .support.pages import POLICY_TEXT, page_server
from .test_daemon import checks, daemon, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="no Debian chromium"),
]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_one_browser_restarted_when_it_dies_and_gone_with_the_daemon(tmp_path: Path) -> None:
    from .support.pages import chromium_below

    with page_server() as pages:
        pages.page("/policy", f"<main id='r'></main><script>r.innerHTML = {POLICY_TEXT!r}</script>")
        path = tmp_path / "config.toml"
        path.write_text(
            '[monitor]\ninterval = "1s"\ntimeout = "10s"\nallow_private_networks = true\n\n'
            f'[[policy]]\nname = "shop"\nurl = "{pages.url("/policy")}"\nfetcher = "browser"\n',
            encoding="utf-8",
        )
        with daemon(path) as process:
            wait_for(lambda: len(checks(path, "shop")) >= 3, timeout=60)
            browsers = chromium_below(process.process.pid, main_only=True)
            assert len(browsers) == 1  # one browser for every check so far
            os.kill(browsers[0], signal.SIGKILL)
            seen = len(checks(path, "shop"))
            wait_for(lambda: len(checks(path, "shop")) >= seen + 2, timeout=60)
            assert "the browser process died; starting a new one" in process.log
            outcomes = [c["outcome"] for c in checks(path, "shop")]
            assert outcomes[0] == "unchanged" and outcomes[-1] == "new_version"
            everything = chromium_below(process.process.pid)
            assert len(chromium_below(process.process.pid, main_only=True)) == 1
            process.process.kill()
            process.wait(timeout=10)
            deadline = time.monotonic() + 15
            while any(_alive(pid) for pid in everything) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not [pid for pid in everything if _alive(pid)]
