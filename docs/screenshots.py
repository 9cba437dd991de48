"""Remake the reading-room screenshots in docs/screenshots/ (shown in the README).

Runs the demo into a temporary folder, serves it with ``monitor serve`` and
photographs the main pages in Debian's chromium through Playwright::

    .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent / "screenshots"
PAGES = {
    "overview": "/",
    "policy": "/policies/pcextreme-privacy",
    "change": "/policies/pcextreme-privacy/changes/2",
    "compare": "/policies/pcextreme-privacy/compare?from=2&to=1",
}


def main() -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        monitor = [sys.executable, "-m", "monitor"]
        subprocess.run([*monitor, "demo", "--dir", tmp], check=True, capture_output=True)
        config = str(Path(tmp) / "config.toml")
        room = subprocess.Popen(
            [*monitor, "--config", config, "serve", "--port", "0"],
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert room.stderr is not None
            line = room.stderr.readline()
            found = re.search(r"(http://\S+?)/ ", line)
            if found is None:
                raise SystemExit(f"no reading room: {line}")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1200, "height": 760})
                for name, path in PAGES.items():
                    page.goto(found.group(1) + path)
                    page.screenshot(path=HERE / f"{name}.png")
                    print(HERE / f"{name}.png")
                browser.close()
        finally:
            room.terminate()
            room.wait(10)


if __name__ == "__main__":
    main()
