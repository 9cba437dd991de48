"""A version's evidence for the command line: the screenshot the browser took when it
was stored (``monitor show --screenshot``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from monitor.config import Config
from monitor.errors import InputError, SnapshotError
from monitor.snapshots import SnapshotStore
from monitor.store import Store

__all__ = ["write_screenshot"]


def write_screenshot(config: Config, store: Store, name: str, number: int, target: Path) -> int:
    """Write the PNG screenshot of version ``number`` of ``name`` to ``target`` (whole or
    not at all); return its size. :class:`InputError` when there is none."""
    digest = store.screenshot_of(name, number)
    if digest is None:
        raise InputError(
            f"{name}: version {number} has no screenshot (only pages read with "
            'fetcher = "browser", or "auto" when it used the browser, have one)'
        )
    try:
        png = SnapshotStore(config.monitor.snapshots).get(digest)
    except SnapshotError as exc:
        raise InputError(f"{name}: version {number}'s screenshot: {exc}") from None
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".screenshot-", dir=folder)
        with os.fdopen(fd, "wb") as out:
            out.write(png)
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return len(png)
