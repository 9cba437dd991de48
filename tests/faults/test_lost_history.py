"""A history that was lost or damaged is said so, never silently started again or
written on; a snapshot file that went missing is written again.

A database truncated to 0 bytes used to start a new history (every command
exited 0); 16 KB of garbage in its middle let most commands run and write on
the damaged file; a deleted snapshot file was never noticed, and the next
identical fetch recorded "unchanged" pointing at the missing file, and an orphan
snapshot file (written, never recorded: a crash in between) stayed unnoticed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.config import load_config
from monitor.store import Store

from ..conftest import WriteConfig, run_monitor

PAGE = (
    "<html><head><title>Privacy</title></head><body><h1>Privacyverklaring</h1>"
    + "".join(
        f"<p>Artikel {i}: wij verwerken uw naam, e-mailadres en IP-adres voor doel {i} en "
        f"bewaren ze niet langer dan {i} maanden.</p>"
        for i in range(3000)
    )
    + "</body></html>"
)
WRITERS = [["check"], ["notify"]]
READERS = [["list"], ["status"], ["history", "acme"], ["show", "acme"]]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def checked(httpserver: HTTPServer, write_config: WriteConfig) -> tuple[Path, Path]:
    httpserver.expect_request("/p").respond_with_data(PAGE, content_type="text/html")
    config = write_config({"acme": httpserver.url_for("/p")})
    assert run_monitor("--config", str(config), "check").returncode == 0
    database = Path(load_config(config).monitor.database)
    with sqlite3.connect(database) as db:  # everything in the main file, no WAL beside it
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return config, database


def _one_line(result: object, *needles: str) -> None:
    stderr = getattr(result, "stderr", "")
    assert getattr(result, "returncode", None) == 2, stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr, stderr
    for needle in needles:
        assert needle in stderr, stderr


def test_a_database_truncated_to_nothing_is_not_a_new_history(
    checked: tuple[Path, Path],
) -> None:
    config, database = checked
    database.write_bytes(b"")
    for args in WRITERS + READERS:
        _one_line(run_monitor("--config", str(config), *args), str(database), "empty")
    assert database.stat().st_size == 0  # nothing written


def test_a_damaged_database_is_never_written_on(checked: tuple[Path, Path]) -> None:
    config, database = checked
    size = database.stat().st_size
    assert size > 64 * 1024
    with database.open("r+b") as handle:  # 16 KB of garbage in the middle
        handle.seek(size * 3 // 4 // 4096 * 4096)
        handle.write(bytes(range(256)) * 64)
    damaged = _digest(database)
    for args in WRITERS:
        _one_line(run_monitor("--config", str(config), *args), str(database), "damaged")
    for args in READERS:  # a reader may still show what it can read; it never writes
        result = run_monitor("--config", str(config), *args)
        assert "Traceback" not in result.stderr
        if result.returncode != 0:
            _one_line(result)
    assert _digest(database) == damaged


def test_a_snapshot_that_went_missing_is_written_again(checked: tuple[Path, Path]) -> None:
    config, database = checked
    root = Path(load_config(config).monitor.snapshots)
    (snapshot,) = [p for p in root.rglob("*") if p.is_file()]
    snapshot.unlink()
    assert run_monitor("--config", str(config), "check").returncode == 0  # the same bytes
    assert snapshot.is_file()
    with Store.open(database) as store:
        assert store.integrity_problems(root) == []


def test_a_missing_snapshot_is_written_again_behind_a_304(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    """A server that answers conditional requests with 304 sends the bytes again
    only when asked without its validators: asked so when the snapshot is missing."""
    headers = {"ETag": '"v1"'}
    httpserver.expect_request("/p", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers=headers
    )
    httpserver.expect_request("/p").respond_with_data(
        PAGE, content_type="text/html", headers=headers
    )
    config = write_config({"acme": httpserver.url_for("/p")})
    assert run_monitor("--config", str(config), "check").returncode == 0
    root = Path(load_config(config).monitor.snapshots)
    (snapshot,) = [p for p in root.rglob("*.gz")]
    assert " 304 " in run_monitor("--config", str(config), "check").stdout
    snapshot.unlink()
    again = run_monitor("--config", str(config), "check")
    assert again.returncode == 0, again.stderr
    assert snapshot.is_file()
    with Store.open(load_config(config).monitor.database) as store:
        assert store.integrity_problems(root) == []


def test_a_new_database_is_made_whole(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "monitor.db"
    with Store.open(path) as store:
        assert store.integrity_problems(tmp_path) == []
    assert [p.name for p in path.parent.iterdir()] == ["monitor.db"]  # no temporary left


def test_verify_finds_missing_damaged_and_orphan_snapshots(checked: tuple[Path, Path]) -> None:
    config, database = checked
    root = Path(load_config(config).monitor.snapshots)
    whole = run_monitor("--config", str(config), "verify", "--deep")
    assert whole.returncode == 0 and "store is whole" in whole.stdout, whole.stdout + whole.stderr

    (snapshot,) = [p for p in root.rglob("*.gz")]
    original = snapshot.read_bytes()
    # tampered: a well-formed file whose page says something else
    snapshot.write_bytes(gzip.compress(gzip.decompress(original).replace(b"e", b"3", 1)))
    tampered = run_monitor("--config", str(config), "verify", "--deep")
    assert tampered.returncode == 1 and "damaged (hash mismatch)" in tampered.stdout
    assert "damaged" not in run_monitor("--config", str(config), "verify").stdout  # deep only
    broken = bytearray(original)
    broken[12] ^= 0xFF  # a damaged deflate block: zlib's own error, not a gzip one
    snapshot.write_bytes(bytes(broken))
    damaged = run_monitor("--config", str(config), "verify", "--deep")
    assert damaged.returncode == 1 and "cannot be read" in damaged.stdout, damaged.stderr
    snapshot.write_bytes(original[:-10])  # damaged: a truncated gzip
    orphan = root / "ab" / ("ab" + "0" * 62 + ".gz")
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(original)
    young = run_monitor("--config", str(config), "verify")
    assert "orphan:" not in young.stdout  # may be a check's in flight: its row comes next
    an_hour_ago = time.time() - 7200
    os.utime(orphan, (an_hour_ago, an_hour_ago))
    shallow = run_monitor("--config", str(config), "verify")
    assert shallow.returncode == 1 and f"orphan: {orphan}" in shallow.stdout
    assert "cannot be read" not in shallow.stdout  # only --deep reads them back
    deep = run_monitor("--config", str(config), "verify", "--deep", "--json")
    found = json.loads(deep.stdout)
    assert deep.returncode == 1 and any("cannot be read" in p for p in found["problems"])
    assert found["orphans"] == [str(orphan)]

    snapshot.unlink()
    missing = run_monitor("--config", str(config), "verify")
    assert missing.returncode == 1 and "is recorded but missing" in missing.stdout
    assert "(the page of acme v1)" in missing.stdout  # which history it leaves without its page

    half_made = database.parent / f".{database.name}.new-abc123"  # killed while creating
    half_made.write_bytes(b"")
    os.utime(half_made, (an_hour_ago, an_hour_ago))
    not_ours = database.parent / f".{database.name}.new-dir"  # a folder: never touched
    not_ours.mkdir()
    os.utime(not_ours, (an_hour_ago, an_hour_ago))
    listed = run_monitor("--config", str(config), "verify")
    assert f"orphan: {half_made} (a database left half-made)" in listed.stdout
    assert "new-dir" not in listed.stdout
    cleaned = run_monitor("--config", str(config), "verify", "--clean")
    assert not orphan.exists() and not half_made.exists() and "removed 2" in cleaned.stdout
    assert cleaned.stderr == "" and not_ours.is_dir()  # no IsADirectoryError

    (Path(load_config(config).monitor.database)).rename(root.parent / "elsewhere.db")
    nothing = run_monitor("--config", str(config), "verify")
    assert nothing.returncode == 2 and "no database at" in nothing.stderr
