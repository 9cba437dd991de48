"""One ``monitor run`` per database: a ``flock`` on an SQLite file, an advisory lock
held by a connection of its own on a PostgreSQL database."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monitor.config_checks import display_url
from monitor.errors import MonitorError
from monitor.store import Store

__all__ = ["DaemonLockedError", "daemon_running", "take_lock"]


class DaemonLockedError(MonitorError):
    """Another ``monitor run`` holds the database."""


def take_lock(database: Path | str) -> Callable[[], None]:
    """Lock the database for this daemon's life; what releases it at exit.

    A PostgreSQL database: an advisory lock held by a connection of the daemon's own.
    A file:
    ``flock`` on the file itself, not on a file beside it: the lock belongs to the
    inode, whatever path or hard link names it, and is taken before SQLite opens the
    file (through another name, SQLite would use another WAL file).  SQLite's own
    locks are POSIX record locks, independent of ``flock`` on Linux."""
    if isinstance(database, str):
        from monitor.store.postgres import take_daemon_lock

        if not take_daemon_lock(database, _held):
            raise DaemonLockedError(
                "another `monitor run`, or a `monitor worker`, is running on "
                f"{display_url(database)}"
            )
        return lambda: _held.pop().close()
    if not database.exists():
        Store.open(database).close()  # made whole first
    fd = os.open(database, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _lock_holder(os.fstat(fd)) or "?"
        os.close(fd)
        raise DaemonLockedError(
            f"another `monitor run` (pid {holder}) is already running on {database}"
        ) from None
    except OSError as exc:  # no locks on this file system, say (ENOLCK)
        os.close(fd)
        raise DaemonLockedError(f"cannot lock {database}: {exc.strerror or exc}") from None
    return lambda: os.close(fd)


_held: list[Any] = []  # the connection that holds a PostgreSQL daemon lock


def _lock_holder(info: os.stat_result) -> str | None:
    """The pid holding a ``flock`` on the file of ``info``, from ``/proc/locks``."""
    inode = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        lines = Path("/proc/locks").read_text("ascii").splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == inode:
            return fields[4]
    return None


def daemon_running(database: Path | str) -> bool:
    """Whether a daemon holds the lock of ``database`` right now.  Call it with no
    connection to ``database`` open in this process: closing the descriptor it opens
    drops this process's SQLite locks on the file."""
    if isinstance(database, str):
        from monitor.store.postgres import daemon_lock_held

        return daemon_lock_held(database)
    try:
        fd = os.open(database, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
