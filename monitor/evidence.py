"""A version's evidence for the command line: where its page came from (provenance), the
page's bytes exactly as received (``monitor show --raw``) and the screenshot the browser
took when it was stored (``monitor show --screenshot``)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from monitor.config import Config
from monitor.errors import InputError, SnapshotError
from monitor.records import VersionRecord
from monitor.snapshots import SnapshotStore
from monitor.store import Store

__all__ = ["provenance", "raw_page", "version_json", "write_screenshot"]


def provenance(store: Store, version_id: int) -> dict[str, Any]:
    """Where a version's page came from: the URL asked for and the one answered, when,
    with which status and response headers, the page's sha256, size and type, and the
    fetcher (with a browser's screenshot)."""
    row = store.provenance(version_id)
    return {
        "requested_url": row["requested_url"] or row["url"],
        "final_url": row["final_url"],
        "fetched_at": row["fetched_at"],
        "http_status": row["http_status"],
        "headers": row["headers"],
        "sha256": row["sha256"],
        "size": row["size"],
        "content_type": row["content_type"],
        "fetcher": row["fetcher"] or "http",
        "screenshot_sha256": row["screenshot"],
        # what the check said beside it (an imported page: the capture it was read from)
        "notes": row["notes"].split("\n") if row["notes"] else [],
    }


def version_json(store: Store, version: VersionRecord) -> dict[str, Any]:
    """A version as ``monitor show --json`` prints it."""
    return {
        "policy": version.policy,
        "version": version.number,
        "variant": version.variant,
        "first_seen": version.first_seen,
        "last_seen": version.last_seen,
        "declared_date": version.declared_date,
        "language": version.language,
        "title": version.title,
        "text_hash": version.text_hash,
        "text": version.text,
        "provenance": provenance(store, version.id),
    }


def raw_page(config: Config, name: str, version: VersionRecord) -> bytes:
    """The bytes of the page version ``version`` was read from, exactly as received (and
    checked against their sha256)."""
    if not version.snapshot_sha256:
        raise InputError(f"{name}: version {version.number} has no raw page kept")
    try:
        return SnapshotStore(config.monitor.snapshots).get(version.snapshot_sha256)
    except SnapshotError as exc:
        raise InputError(f"{name}: version {version.number}'s raw page: {exc}") from None


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
    if str(target) == "-":  # standard output (a pipe or file, never a terminal)
        if sys.stdout.isatty():
            raise InputError("--screenshot - writes PNG bytes: send them to a file (> page.png)")
        sys.stdout.buffer.write(png)
        sys.stdout.buffer.flush()
        return len(png)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".screenshot-", dir=folder)
        with os.fdopen(fd, "wb") as out:
            out.write(png)
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return len(png)
