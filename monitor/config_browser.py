"""The browser fetcher's settings: ``[monitor]`` keys (``browser_path``, limits) and a
policy's ``fetcher``, ``wait_for`` and ``click``."""

from __future__ import annotations

from typing import Any

from monitor.config_checks import ConfigReader
from monitor.net.options import FetchOptions

__all__ = ["FETCHERS", "MAX_CLICKS", "browser_options", "policy_browser"]

FETCHERS = ("http", "browser", "auto")
MAX_CLICKS = 5  # `click` selectors a policy may name (each waits at most CLICK_TIMEOUT)
_MAX_SELECTOR = 500  # characters


def browser_options(m: ConfigReader) -> dict[str, Any]:
    """The ``[monitor]`` table's browser settings, as :class:`FetchOptions` fields."""
    fetch = FetchOptions()
    path = m.get("browser_path", str, fetch.browser_path)
    if not path.strip():
        raise m.error("browser_path", "must be the path of a Chromium executable")
    return {
        "browser_path": path,
        "browser_concurrency": m.positive_int("browser_concurrency", fetch.browser_concurrency),
        "browser_timeout": m.duration("browser_timeout", fetch.browser_timeout)
        or fetch.browser_timeout,
        "browser_max_bytes": m.positive_int("browser_max_bytes", fetch.browser_max_bytes),
        "browser_max_requests": m.positive_int("browser_max_requests", fetch.browser_max_requests),
    }


def policy_browser(r: ConfigReader) -> dict[str, Any]:
    """A ``[[policy]]`` table's ``fetcher``, ``wait_for`` and ``click``."""
    fetcher = r.get("fetcher", str, "http")
    if fetcher not in FETCHERS:
        raise r.error("fetcher", f"must be one of {', '.join(FETCHERS)}")
    wait_for = r.get("wait_for", str)
    if wait_for is not None and not wait_for.strip():
        raise r.error("wait_for", "must be a selector, such as 'main article'")
    click = r.str_list("click")
    if len(click) > MAX_CLICKS:
        raise r.error("click", f"names {len(click)} selectors; at most {MAX_CLICKS}")
    for key, value in [("wait_for", wait_for or ""), *(("click", c) for c in click)]:
        if len(value) > _MAX_SELECTOR:
            raise r.error(key, f"a selector longer than {_MAX_SELECTOR} characters")
    if fetcher == "http" and (wait_for or click):
        key = "wait_for" if wait_for else "click"
        raise r.error(key, 'applies to the browser: set fetcher = "browser" (or "auto")')
    return {"fetcher": fetcher, "wait_for": wait_for, "click": click}
