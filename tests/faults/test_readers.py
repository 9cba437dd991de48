"""Commands that only read never wait for a writer, and never write.

While another process holds the database's write lock (a daemon in the middle
of a check), ``list``, ``status``, ``history``, ``show``, ``diff NAME`` and
``feed`` used to wait out the 30 s busy timeout and exit 2, because they first
wrote the configured policies into the database.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.config import load_config

from ..conftest import WriteConfig, run_monitor

PAGE = (
    "<html><head><title>Privacy</title></head><body><h1>Privacyverklaring</h1>"
    "<p>Wij verwerken uw naam en e-mailadres om onze dienst te leveren.</p>"
    "<p>Wij delen uw gegevens niet met derden.</p></body></html>"
)
READERS = [
    ["list"],
    ["status"],
    ["history", "acme"],
    ["show", "acme"],
    ["diff", "acme"],
    ["feed"],
    ["list", "--json"],
    ["history", "newcomer"],
]


def _ok(args: list[str], code: int) -> bool:
    """Exit 0, or 1 for ``diff`` of a material change (its contract)."""
    return code == 0 or (args[0] == "diff" and code == 1)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def checked(httpserver: HTTPServer, write_config: WriteConfig) -> Path:
    httpserver.expect_request("/p").respond_with_data(PAGE, content_type="text/html")
    config = write_config({"acme": httpserver.url_for("/p")})
    assert run_monitor("--config", str(config), "check").returncode == 0
    edited = PAGE.replace("niet met derden", "met adverteerders zoals Criteo")
    httpserver.clear()
    httpserver.expect_request("/p").respond_with_data(edited, content_type="text/html")
    assert run_monitor("--config", str(config), "check").returncode == 0
    # A policy added to the config since: readers show it without writing it.
    text = config.read_text("utf-8")
    config.write_text(text + '\n[[policy]]\nname = "newcomer"\nurl = "https://example.org/p"\n')
    return config


def test_readers_do_not_wait_for_a_writer(checked: Path) -> None:
    database = load_config(checked).monitor.database
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as a checking daemon holds it
    try:
        for args in READERS:
            started = time.monotonic()
            result = run_monitor("--config", str(checked), *args, timeout=25)
            assert _ok(args, result.returncode), (args, result.stderr)
            assert time.monotonic() - started < 20, args  # the busy timeout is 30 s
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_readers_write_nothing(checked: Path) -> None:
    database = Path(load_config(checked).monitor.database)
    before = _digest(database)
    listed = run_monitor("--config", str(checked), "list")
    assert "newcomer" in listed.stdout and "never checked" in listed.stdout
    for args in READERS:
        assert _ok(args, run_monitor("--config", str(checked), *args).returncode), args
    assert _digest(database) == before
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM policies WHERE name = 'newcomer'").fetchone() == (
            0,
        )
