"""``monitor verify``: is the store whole?  The database's own check, the version
lines, every recorded snapshot file (read back and hashed with ``deep``), and the
snapshot files nothing records (orphans: a crash between writing a snapshot and
recording its check leaves one; harmless, but space), and the half-made database
files a crash while creating one leaves."""

from __future__ import annotations

import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from monitor.config import Config
from monitor.errors import InputError, SnapshotError
from monitor.snapshots import SnapshotStore
from monitor.store import Store

__all__ = ["ORPHAN_AGE", "Verification", "verify_store"]

ORPHAN_AGE = 3600.0  # seconds: a younger unrecorded file may be a check's in flight


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)
    removed: int = 0  # orphans and abandoned temporary files deleted (``clean``)
    snapshots: int = 0  # recorded snapshots looked at


def verify_store(config: Config, *, deep: bool = False, clean: bool = False) -> Verification:
    """What is wrong with the store of ``config``. Orphans are unrecorded snapshot files
    older than ``ORPHAN_AGE``; with ``clean`` they and abandoned temporary files are
    deleted (and counted)."""
    root = Path(config.monitor.snapshots)
    database = config.monitor.database
    if isinstance(database, Path) and not database.is_file():
        raise InputError(f"no database at {database} (nothing has been checked with this config)")
    snapshots = SnapshotStore(root)
    found = Verification()
    with Store.open(database) as store:
        found.problems = store.integrity_problems(root)
        rows = store.snapshot_rows()
    found.snapshots = len(rows)
    if deep:
        for row in rows:
            if not snapshots.present(row["sha256"]):
                continue  # already said: recorded but missing
            try:
                snapshots.get(row["sha256"])
            except SnapshotError as exc:
                found.problems.append(str(exc))
    recorded = {row["path"] for row in rows}
    now = time.time()
    for path in sorted(root.glob("*/*.gz")) if root.is_dir() else ():
        relative = path.relative_to(root).as_posix()
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:
            continue
        if relative in recorded or age < ORPHAN_AGE:
            continue  # a younger file may be a check's in flight (its row comes next)
        if clean and _still_orphan(database, relative):
            path.unlink(missing_ok=True)
            found.removed += 1
        else:
            found.orphans.append(path)
    # A process killed while it made a new database leaves its temporary file beside it.
    made = database.parent.glob(f".{database.name}.new-*") if isinstance(database, Path) else ()
    for path in sorted(made):
        try:
            info = path.lstat()  # the leftover itself, never what a link points to
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < ORPHAN_AGE:
            continue  # not one this monitor made, or a database being made right now
        if clean:
            path.unlink(missing_ok=True)
            found.removed += 1
        else:
            found.orphans.append(path)
    if clean:
        found.removed += snapshots.remove_temporary()
    return found


def _still_orphan(database: Path | str, relative: str) -> bool:
    """Whether no check has recorded the snapshot at ``relative`` by now (a check may
    have reused the file since the rows were read: it touches a file it reuses)."""
    with Store.open(database) as store:
        return all(row["path"] != relative for row in store.snapshot_rows())
