"""Raw bodies, stored once each under ``snapshots/`` by their sha256.

A snapshot is written gzip-compressed to a temporary file in the target
folder, flushed to disk and renamed into place, so a crash never leaves half
a file under a final name.  Reading verifies the hash.
"""

from __future__ import annotations

import gzip
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import SnapshotError
from monitor.hashing import sha256

__all__ = ["SnapshotStore", "StoredSnapshot", "sha256"]


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    sha256: str
    size: int
    path: str  # relative to the snapshot root
    created: bool  # False when the same bytes were already stored


class SnapshotStore:
    """The snapshot folder. Only this class reads or writes it."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def relative_path(self, digest: str) -> str:
        return f"{digest[:2]}/{digest}.gz"

    def path_of(self, digest: str) -> Path:
        return self.root / self.relative_path(digest)

    def put(self, body: bytes) -> StoredSnapshot:
        """Store ``body`` unless an intact copy exists already."""
        digest = sha256(body)
        rel = self.relative_path(digest)
        target = self.root / rel
        if target.exists() and self._intact(target, digest):
            return StoredSnapshot(digest, len(body), rel, created=False)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
            try:
                with (
                    os.fdopen(fd, "wb") as raw,
                    gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as gz,
                ):
                    gz.write(body)
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
                _sync_folder(target.parent)  # the rename itself survives a power cut
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise SnapshotError(
                f"cannot write snapshot under {self.root}: {exc.strerror or exc}"
            ) from None
        return StoredSnapshot(digest, len(body), rel, created=True)

    def present(self, digest: str) -> bool:
        """Whether the file of snapshot ``digest`` is there (not whether it is intact)."""
        return self.path_of(digest).is_file()

    def get(self, digest: str) -> bytes:
        """The body stored under ``digest``; raises :class:`SnapshotError` if missing or damaged."""
        path = self.path_of(digest)
        try:
            data = gzip.decompress(path.read_bytes())
        except FileNotFoundError:
            raise SnapshotError(f"snapshot {digest} is missing from {self.root}") from None
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise SnapshotError(f"snapshot {digest} cannot be read: {exc}") from None
        if sha256(data) != digest:
            raise SnapshotError(f"snapshot {digest} is damaged (hash mismatch)")
        return data

    def exists(self, digest: str) -> bool:
        return self.path_of(digest).exists()

    def _intact(self, path: Path, digest: str) -> bool:
        try:
            return sha256(gzip.decompress(path.read_bytes())) == digest
        except (OSError, EOFError, gzip.BadGzipFile):
            return False

    def remove_temporary(self) -> int:
        """Delete temporary files a crash left behind; returns how many.

        Best effort: a file that cannot be deleted (a read-only folder) is harmless
        under its temporary name and stays; a write that needs the folder reports
        the problem as a :class:`SnapshotError`."""
        count = 0
        try:
            leftovers = list(self.root.glob("*/.tmp-*"))
        except OSError:
            return 0
        for tmp in leftovers:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                continue
            count += 1
        return count


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
