"""A check's fetch: plainly (``fetcher = "http"``), rendered by the browser
(``"browser"``), or plainly first and rendered when the plain page is a shell, a
block page or a consent wall (``"auto"``), which then starts with what worked last."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from monitor.config import PolicyConfig
from monitor.errors import FetchError
from monitor.models import FetchResult
from monitor.net.browser import BrowserMissing
from monitor.net.fetch import Fetcher

__all__ = ["fetch_page"]

logger = logging.getLogger(__name__)

# What sites answer clients they take for robots (a browser may be let through).
BOT_SHY = frozenset({401, 403, 406, 429, 503})


async def fetch_page(
    policy: PolicyConfig,
    fetcher: Fetcher,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    remembered: str | None = None,
    using: str | None = None,
) -> FetchResult:
    """The page of ``policy``; :class:`FetchError` when it cannot be had.

    ``remembered``: the fetcher of the policy's last good check (``auto`` starts with
    it); ``using``: this fetcher and no other (a confirming second fetch).
    """
    try:
        own = policy.request_headers()
    except ValueError as exc:  # an env:NAME value that is not set
        raise FetchError(policy.url, str(exc)) from None
    how = using or policy.fetcher
    if how in ("http", "archive"):  # archive: a replayed page, read again as it was kept
        return await fetcher.fetch(
            policy.url, etag=etag, last_modified=last_modified,
            verify_tls=policy.verify_tls, headers=own,
        )  # fmt: skip
    if how == "browser":
        return await _render(policy, fetcher, own)
    if remembered == "browser":
        try:
            rendered = await _render(policy, fetcher, own)
        except FetchError as exc:
            logger.info("%s: the browser failed (%s); fetching plainly", policy.name, exc)
        else:
            if await _shell(policy, rendered) is None:
                return rendered
    return await _auto(policy, fetcher, own, etag, last_modified)


async def _auto(
    policy: PolicyConfig,
    fetcher: Fetcher,
    own: dict[str, str],
    etag: str | None,
    last_modified: str | None,
) -> FetchResult:
    """Plainly; the browser when the plain page is not one it can read."""
    plain: FetchResult | None = None
    failure: FetchError | None = None
    try:
        plain = await fetcher.fetch(
            policy.url, etag=etag, last_modified=last_modified,
            verify_tls=policy.verify_tls, headers=own,
        )  # fmt: skip
    except FetchError as exc:
        if exc.status not in BOT_SHY:
            raise
        reason: str | None = f"HTTP {exc.status}"
        failure = exc
    else:
        reason = await _shell(policy, plain)
        if reason is None:
            return plain
    try:
        rendered = await _render(policy, fetcher, own)
    except FetchError as exc:
        if isinstance(exc, BrowserMissing):
            logger.warning("%s: %s", policy.name, exc)
        note = f"the plain fetch gave {reason}; the browser did no better ({exc})"
        return _noted(plain, failure, note)
    still = await _shell(policy, rendered)
    if still is not None:
        note = f"the plain fetch gave {reason}; so did the browser ({still})"
        return _noted(plain, failure, note) if plain is not None else rendered
    note = f"rendered by the browser: the plain fetch gave {reason}"
    return replace(rendered, notes=(note, *rendered.notes))


def _noted(plain: FetchResult | None, failure: FetchError | None, note: str) -> FetchResult:
    if plain is None:
        assert failure is not None
        raise FetchError(failure.url, f"{failure} ({note})", status=failure.status,
                         transient=failure.transient)  # fmt: skip
    return replace(plain, notes=(*plain.notes, note))


async def _render(policy: PolicyConfig, fetcher: Fetcher, own: dict[str, str]) -> FetchResult:
    return await fetcher.render(
        policy.url,
        verify_tls=policy.verify_tls,
        headers=own,
        wait_for=policy.wait_for,
        click=policy.click,
    )


async def _shell(policy: PolicyConfig, fetched: FetchResult) -> str | None:
    """:func:`shell_reason`, off the event loop (it reads the whole page)."""
    return await asyncio.to_thread(
        _shell_reason, fetched, select=policy.select, remove=policy.remove,
        language=policy.language,
    )  # fmt: skip


def _shell_reason(fetched: FetchResult, **settings: Any) -> str | None:
    """The judging modules load here, in the worker thread, on the first ``auto`` policy:
    never in a run without one, never on the event loop."""
    from monitor.judge.shell import shell_reason

    return shell_reason(fetched, **settings)
