"""A policy's captures in the Wayback Machine, as captures to replay (``monitor backfill``).

The CDX API lists the captures of a URL (``/cdx/search/cdx?url=...&output=json``); each is
read as archived, unchanged (``/web/TIMESTAMPid_/URL``: the page as the crawler got it,
without the Wayback Machine's toolbar and rewritten links). Captures are thinned before
anything is fetched: redirects, errors and duplicates (``warc/revisit``) are left out, a
capture whose digest repeats the one kept before it is skipped (but the last of such a
run is kept, read from the one before: it says until when the page was so), and at most
one new page is kept per day (or week, month; ``all`` keeps every one). One request at
a time goes to the archive, ``delay`` seconds after the one before ended, across every
policy being backfilled; a 429 or 5xx is retried as any fetch is (after its
Retry-After).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from monitor.config import Config, PolicyConfig
from monitor.errors import BlockedAddressError, FetchError, InputError
from monitor.net.fetch import Fetcher
from monitor.net.options import FetchOptions
from monitor.opening import fetch_options
from monitor.records import Capture
from monitor.replay import Reader

__all__ = [
    "EVERY", "WAYBACK", "Listing", "Polite", "backfill_captures", "list_captures", "read_capture",
    "thin",
]  # fmt: skip

WAYBACK = "https://web.archive.org"
EVERY = ("all", "day", "week", "month")
_FIELDS = ("timestamp", "original", "mimetype", "statuscode", "digest")


class Polite:
    """One request to the archive at a time, each starting ``delay`` seconds after the one
    before it ended, however many policies ask: ``async with polite: ...``."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._ended = float("-inf")
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __aenter__(self) -> None:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:  # listing and replay: two loops
            self._lock, self._loop = asyncio.Lock(), loop
        await self._lock.acquire()
        pause = self._ended + self.delay - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)

    async def __aexit__(self, *exc: object) -> None:
        self._ended = time.monotonic()
        assert self._lock is not None
        self._lock.release()


# The first capture of each day (month) is all the thinning can keep: asking for no more
# keeps a long-archived URL's list small (a popular page has 100,000 captures).
_COLLAPSE = {"day": "timestamp:8", "week": "timestamp:8", "month": "timestamp:6"}


def _cdx_url(base: str, url: str, since: str | None, every: str = "day") -> str:
    query = {
        "url": url,
        "output": "json",
        "fl": ",".join(_FIELDS),
        "filter": "statuscode:200",
    }
    if every in _COLLAPSE:
        query["collapse"] = _COLLAPSE[every]
    if since:
        query["from"] = since[:19].replace("-", "").replace(":", "").replace("T", "")
    return f"{base.rstrip('/')}/cdx/search/cdx?{urlencode(query)}"


def _rows(body: bytes, where: str) -> list[dict[str, str]]:
    if not body.strip():
        return []  # no capture at all: some servers answer nothing
    try:
        table = json.loads(body)
        if table == []:
            return []  # no capture: the Wayback Machine answers an empty array
        header, *rows = table
        fields = [str(f) for f in header]
    except (ValueError, TypeError):
        raise InputError(f"{where}: not a CDX answer (JSON rows expected)") from None
    missing = [f for f in ("timestamp", "original") if f not in fields]
    if missing:
        raise InputError(f"{where}: the CDX answer has no {missing[0]!r} field")
    return [dict(zip(fields, map(str, row), strict=False)) for row in rows]


def _period(timestamp: str, every: str) -> str:
    if every == "day":
        return timestamp[:8]
    if every == "month":
        return timestamp[:6]
    if every == "week":
        year, week, _ = datetime.strptime(timestamp[:8], "%Y%m%d").isocalendar()
        return f"{year}-{week}"
    return timestamp


def _valid(row: dict[str, str]) -> bool:
    return (
        row.get("statuscode", "200") in ("200", "-")
        and row.get("mimetype") not in ("warc/revisit", "unk")
        and len(row["timestamp"]) >= 14
        and row["timestamp"][:14].isdigit()
    )


def thin(rows: Sequence[dict[str, str]], every: str = "day") -> list[dict[str, str]]:
    """The captures worth replaying, oldest first: pages answered 200 (not revisits), the
    first of each period whose digest differs from the one kept before it, and the last
    capture of each run of the same digest (it says until when the page was so; read
    from the one before it, it costs no request)."""
    ordered = sorted((r for r in rows if _valid(r)), key=lambda r: r["timestamp"])
    kept: list[dict[str, str]] = []
    fetched: dict[str, str] | None = None  # the last kept capture with bytes of its own
    for i, row in enumerate(ordered):
        digest = row.get("digest")
        if kept and digest and digest == kept[-1].get("digest"):
            following = ordered[i + 1] if i + 1 < len(ordered) else None
            if following is None or following.get("digest") != digest:
                kept.append(row)  # the end of the run
            continue
        if fetched is not None and _period(row["timestamp"], every) == _period(
            fetched["timestamp"], every
        ):
            continue
        kept.append(row)
        fetched = row
    return kept


def _capture(policy: str, base: str, row: dict[str, str]) -> Capture:
    stamp = row["timestamp"][:14]
    at = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return Capture(
        policy=policy,
        at=at.isoformat(timespec="seconds"),
        ref=f"wayback:{stamp}:{row.get('digest', '')}",
        url=row["original"],
        content_type=row.get("mimetype", ""),
        path=f"{base.rstrip('/')}/web/{stamp}id_/{row['original']}",
    )


async def list_captures(
    fetcher: Fetcher,
    policy: str,
    url: str,
    *,
    base: str = WAYBACK,
    since: str | None = None,
    every: str = "day",
    polite: Polite | None = None,
) -> list[Capture]:
    """The thinned captures of ``url`` (fetched on or after ``since``, UTC ISO)."""
    where = _cdx_url(base, url, since, every)
    try:
        async with polite or Polite(0):
            answer = await fetcher.fetch(where)
    except BlockedAddressError:
        raise InputError(
            f"the archive {base} is on a private or local address: set "
            "allow_private_networks = true in [monitor] to use one on this network"
        ) from None
    except FetchError as exc:
        raise InputError(f"the capture list of {url} could not be had: {exc}") from None
    rows = _rows(answer.body, f"{base} (captures of {url})")
    captures = [_capture(policy, base, row) for row in thin(rows, every)]
    return [c for c in captures if not since or c.at >= since]


async def read_capture(capture: Capture, fetcher: Fetcher, polite: Polite | None = None) -> bytes:
    """A capture's page as archived (a :class:`FetchError` when it cannot be had)."""
    async with polite or Polite(0):
        return (await fetcher.fetch(capture.path)).body


@dataclass
class Listing:
    """What ``monitor backfill`` replays: each policy's captures, and how to read them."""

    captures: dict[str, list[Capture]]
    options: FetchOptions
    read: Reader


def backfill_captures(
    config: Config,
    policies: Sequence[PolicyConfig],
    *,
    base: str = WAYBACK,
    since: str | None = None,
    every: str = "day",
    delay: float = 1.0,
) -> Listing:
    """List the thinned captures of each policy (with the config's fetch settings: the
    address guard, time limits and retries), spaced ``delay`` seconds apart."""
    options = fetch_options(config)
    polite = Polite(delay)

    async def listing() -> dict[str, list[Capture]]:
        async with Fetcher(options) as fetcher:
            return {
                p.name: await list_captures(
                    fetcher, p.name, p.url, base=base, since=since, every=every, polite=polite
                )
                for p in policies
            }

    last: dict[str, tuple[str, bytes]] = {}  # per policy: the digest and bytes read last

    async def read(capture: Capture, fetcher: Fetcher) -> bytes:
        digest = capture.ref.rsplit(":", 1)[1]
        seen = last.get(capture.policy)
        if seen is not None and digest and seen[0] == digest:
            return seen[1]  # the same bytes: the end of a run costs no request
        body = await read_capture(capture, fetcher, polite)
        last[capture.policy] = (digest, body)
        return body

    return Listing(asyncio.run(listing()), options, read)
