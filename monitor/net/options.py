"""How the fetcher behaves: one frozen value, the ``[monitor]`` table's fetch settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["CONFIG_KEYS", "DEFAULT_BROWSER", "FetchOptions"]

DEFAULT_BROWSER = "/usr/bin/chromium"  # Debian's Chromium


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How the fetcher behaves. ``config.toml``'s ``[monitor]`` table sets the fields in
    :data:`CONFIG_KEYS` (``MonitorSettings.fetch``); the others are fixed here."""

    user_agent: str = "policy-monitor/0.1"
    timeout: float = 30.0
    max_bytes: int = 10_000_000
    max_redirects: int = 10
    retries: int = 2
    backoff: float = 1.0
    backoff_max: float = 30.0
    concurrency: int = 16
    per_host_concurrency: int = 2
    allow_private_networks: bool = False
    ca_file: Path | None = None  # extra certificate authorities to trust (PEM)
    # The browser fetcher (fetcher = "browser" or "auto"): Debian's Chromium by default.
    browser_path: str = DEFAULT_BROWSER
    browser_concurrency: int = 2  # pages rendered at once (a page costs 100-300 MB)
    browser_timeout: float = 60.0  # one rendering, clicks and screenshot included
    browser_max_bytes: int = 30_000_000  # all of a page's requests together, on the wire
    browser_max_requests: int = 400


# The fields a [monitor] table may set.
CONFIG_KEYS = (
    "user_agent",
    "timeout",
    "max_bytes",
    "concurrency",
    "per_host_concurrency",
    "allow_private_networks",
    "ca_file",
    "browser_path",
    "browser_concurrency",
    "browser_timeout",
    "browser_max_bytes",
    "browser_max_requests",
)
