"""``monitor serve`` and ``monitor demo --serve`` as a user runs them: listening,
refusing what is unsafe with one clear line, stopping on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from monitor.cli.serve import is_loopback

from .conftest import WriteConfig, run_monitor

pytestmark = pytest.mark.slow


def _start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """Start ``monitor ARGS`` and wait for the line that says where the room is."""
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "300", **(env or {})},
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 90
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen.append(line)
        found = re.search(r"Reading room at (http://\S+?)/ ", line)
        if found:
            return process, found.group(1)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError("no reading room: " + "".join(seen))


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Ctrl-C: the room stops and the command exits 0; its stdout and the rest of stderr."""
    process.send_signal(signal.SIGINT)
    out, rest = process.communicate(timeout=30)
    assert process.returncode == 0, rest
    return out, rest


@pytest.fixture
def checked(write_config: WriteConfig, seed_server: object) -> Path:
    url = seed_server.url("pcextreme-privacy")  # type: ignore[attr-defined]
    path = write_config({"pcextreme-privacy": url}, extra='\n[serve]\ntoken = "env:ROOM_TOKEN"\n')
    assert run_monitor("--config", str(path), "check").returncode == 0
    return path


def test_serve_with_a_token_and_stop_on_ctrl_c(checked: Path) -> None:
    process, base = _start(
        "--config", str(checked), "serve", "--port", "0", env={"ROOM_TOKEN": "tok-0123456789abcdef"}
    )
    try:
        assert httpx.get(base + "/").status_code == 303  # to the login form
        api = httpx.get(
            base + "/api/policies", headers={"Authorization": "Bearer tok-0123456789abcdef"}
        )
        assert api.status_code == 200 and api.json()[0]["name"] == "pcextreme-privacy"
    finally:
        out, rest = _stop(process)
    assert "Reading room stopped." in rest and "tok-0123456789abcdef" not in out + rest


def test_refusals_are_one_line(checked: Path, tmp_path: Path) -> None:
    unset = run_monitor("--config", str(checked), "serve", env={"ROOM_TOKEN": ""})
    assert unset.returncode == 2 and "ROOM_TOKEN is not set or empty" in unset.stderr
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        port = str(busy.getsockname()[1])
        taken = run_monitor(
            "--config", str(checked), "serve", "--port", port, env={"ROOM_TOKEN": "y" * 16}
        )
    finally:
        busy.close()
    assert taken.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in taken.stderr
    short = run_monitor("--config", str(checked), "serve", env={"ROOM_TOKEN": "x" * 15})
    assert short.returncode == 2 and "too short (15 characters)" in short.stderr
    assert "x" * 15 not in short.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    empty = elsewhere / "config.toml"
    empty.write_text('[[policy]]\nname = "p"\nurl = "https://example.org/privacy"\n', "utf-8")
    missing = run_monitor("--config", str(empty), "serve")
    assert missing.returncode == 2 and "no database at" in missing.stderr
    assert not (elsewhere / "monitor.db").exists()  # serving never makes a database
    for result in (unset, taken, short, missing):
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_serving_beyond_loopback_needs_a_token(write_config: WriteConfig) -> None:
    path = write_config({"p": "https://example.org/privacy"})
    refused = run_monitor("--config", str(path), "serve", "--host", "0.0.0.0")
    assert refused.returncode == 2
    assert "serving on 0.0.0.0 needs [serve] token" in refused.stderr
    assert "--no-auth" in refused.stderr


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("127.8.9.10") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert not is_loopback("example.org") and not is_loopback("::")


def test_demo_serve_says_a_busy_port_before_the_tour() -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        started = time.monotonic()
        result = run_monitor("demo", "--serve", "--port", str(busy.getsockname()[1]))
    finally:
        busy.close()
    assert result.returncode == 2 and "cannot listen on 127.0.0.1:" in result.stderr
    assert "First check" not in result.stdout and time.monotonic() - started < 30


def test_demo_serve_shows_the_caught_change_then_cleans_up() -> None:
    process, base = _start("demo", "--serve", "--port", "0")
    try:
        page = httpx.get(f"{base}/policies/pcextreme-privacy/changes/2")
        assert page.status_code == 200 and "Why it is material" in page.text
    finally:
        out, _ = _stop(process)
    folder = re.search(r"working in (\S+) \(removed afterwards\)", out)
    assert folder is not None, out
    assert not Path(folder.group(1)).exists()


def test_the_room_reads_while_checks_write(checked: Path, seed_server: object) -> None:
    """`monitor check` runs (as the daemon would) while the room is read: every answer
    is whole, and the new version shows up without a restart."""
    import threading

    from monitor.demo import material_edit

    server = seed_server
    page = server.pages["pcextreme-privacy"]  # type: ignore[attr-defined]
    process, base = _start(
        "--config", str(checked), "serve", "--port", "0", env={"ROOM_TOKEN": "r" * 20}
    )
    answers: list[int] = []
    stop = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=base, headers={"Authorization": "Bearer " + "r" * 20}) as c:
            while not stop.is_set():
                for path in ("/api/policies", "/api/changes", "/api/policies/pcextreme-privacy"):
                    answers.append(c.get(path).status_code)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        server.set_body("pcextreme-privacy", material_edit(page.body))  # type: ignore[attr-defined]
        for _ in range(2):
            assert run_monitor("--config", str(checked), "check").returncode == 0
    finally:
        stop.set()
        reader.join(30)
        changes = httpx.get(
            base + "/api/changes", headers={"Authorization": "Bearer " + "r" * 20}
        ).json()
        _stop(process)
    assert len(answers) > 10 and set(answers) == {200}
    assert [c["new_version"] for c in changes] == [2]
