"""Where ``monitor diff`` reads its two sides from: files, URLs or stored versions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.errors import FetchError, InputError
from monitor.models import Document
from monitor.text.normalize import normalize

if TYPE_CHECKING:  # a diff of two files needs neither the network nor the database
    from monitor.models import FetchResult
    from monitor.net.options import FetchOptions
    from monitor.records import VersionRecord
    from monitor.store import Store

__all__ = ["FetchOptions", "is_url", "load_document", "pick_versions"]

MAX_FILE_BYTES = 50_000_000


def is_url(spec: str) -> bool:
    return bool(re.match(r"^https?://", spec, re.IGNORECASE))


def load_document(
    spec: str, *, language: str | None, options: FetchOptions | None = None
) -> Document:
    """A file path or an http(s) URL (fetched with ``options``, default settings when
    absent), normalised. Errors are :class:`InputError`."""
    if is_url(spec):
        try:
            from monitor.config import validate_url  # its imports are not a diff's

            validate_url(spec)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        import asyncio

        from monitor.net.options import FetchOptions

        try:
            fetched = asyncio.run(_fetch(spec, options or FetchOptions()))
        except FetchError as exc:
            raise InputError(f"cannot fetch {spec}: {exc}") from None
        return normalize(
            fetched.body,
            content_type=fetched.content_type,
            encoding=fetched.encoding,
            source=spec,
            language=language,
            filename=fetched.final_url,
        )
    path = Path(spec)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{spec}: file is larger than {MAX_FILE_BYTES:,} bytes")
        body = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"{spec}: no such file (give a file, an http(s) URL or a policy name)"
        ) from None
    except IsADirectoryError:
        raise InputError(f"{spec}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{spec}: cannot read: {exc.strerror}") from None
    return normalize(body, source=spec, language=language, filename=path.name)


async def _fetch(url: str, options: FetchOptions) -> FetchResult:
    from monitor.net.fetch import Fetcher

    async with Fetcher(options) as fetcher:
        return await fetcher.fetch(url)


def pick_versions(
    store: Store, policy: str, start: str | None, end: str | None
) -> tuple[VersionRecord, VersionRecord]:
    """The two versions ``--from``/``--to`` name: a version number or a date (YYYY-MM-DD).

    A date names the version in force at the end of that day. Defaults: the
    latest version, and the one before the ``--to`` version in its variant (a URL
    that serves several documents in turn keeps a line of versions per variant).
    """
    versions = store.versions(policy)
    if len(versions) < 2 and not (start and end):
        raise InputError(f"{policy}: {len(versions)} version(s) stored; a diff needs two")
    new = _resolve(versions, end, policy, "--to") if end else versions[-1]
    if start:
        old = _resolve(versions, start, policy, "--from")
    else:
        earlier = [v for v in versions if v.number < new.number and v.variant == new.variant]
        if not earlier:
            others = [v for v in versions if v.variant != new.variant and v.number < new.number]
            hint = (
                f" (compare it with another variant: monitor diff {policy} "
                f"--from {others[-1].number} --to {new.number})"
                if others
                else ""
            )
            raise InputError(
                f"{policy}: version {new.number} is the first"
                f"{f' of variant {new.variant}' if new.variant != 1 else ''}; nothing before it"
                + hint
            )
        old = earlier[-1]
    return old, new


def _resolve(versions: list[VersionRecord], spec: str, policy: str, option: str) -> VersionRecord:
    if spec.isdigit():
        for version in versions:
            if version.number == int(spec):
                return version
        raise InputError(f"{option} {spec}: {policy} has versions 1 to {len(versions)}")
    try:
        day = date.fromisoformat(spec)
    except ValueError:
        raise InputError(
            f"{option} {spec!r}: give a version number or a date (YYYY-MM-DD)"
        ) from None
    in_force = [v for v in versions if v.first_seen[:10] <= day.isoformat()]
    if not in_force:
        raise InputError(f"{option} {spec}: {policy} had no version yet on that day")
    return in_force[-1]
