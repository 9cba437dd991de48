from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from monitor.errors import SnapshotError
from monitor.snapshots import SnapshotStore, sha256


def test_put_get_roundtrip_compressed_and_deduplicated(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snapshots")
    body = b"<html>" + b"privacy " * 10_000 + b"</html>"
    first = store.put(body)
    assert first.created and first.sha256 == sha256(body) and first.size == len(body)
    path = store.path_of(first.sha256)
    assert path.name == f"{first.sha256}.gz"
    assert path.stat().st_size < len(body) / 10  # compressed
    assert gzip.decompress(path.read_bytes()) == body
    assert store.get(first.sha256) == body
    again = store.put(body)
    assert not again.created and again.path == first.path
    assert [p for p in (tmp_path / "snapshots").rglob("*") if p.is_file()] == [path]


def test_damaged_or_missing_snapshot_is_an_error(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    digest = store.put(b"one").sha256
    store.path_of(digest).write_bytes(gzip.compress(b"two"))
    with pytest.raises(SnapshotError, match="damaged"):
        store.get(digest)
    # putting the original again repairs it
    assert store.put(b"one").created
    assert store.get(digest) == b"one"
    with pytest.raises(SnapshotError, match="missing"):
        store.get("0" * 64)


def test_temporary_files_are_cleaned(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    digest = store.put(b"x").sha256
    leftover = store.path_of(digest).parent / ".tmp-abc"
    leftover.write_bytes(b"half")
    assert store.remove_temporary() == 1
    assert not leftover.exists() and store.exists(digest)


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SnapshotError, match="cannot write snapshot"):
        SnapshotStore(blocker).put(b"x")
