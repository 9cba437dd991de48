"""The one exception tree of the monitor.

Every error a user can meet is a :class:`MonitorError`; the CLI prints its
message on one line and exits with status 2 (usage, configuration, input).
Fetch problems are recorded on the check and never stop other policies.

::

    MonitorError
    ├── ConfigError            config.toml is missing, malformed or invalid (names file and key)
    ├── StoreError             the database cannot be opened, migrated or written
    ├── SnapshotError          a snapshot cannot be written or read back intact
    ├── InputError             a file or argument given on the command line is unusable
    └── FetchError             a policy could not be fetched (carries the URL)
        ├── BlockedAddressError   the URL resolves to a private/loopback/link-local address
        ├── TooLargeError         the body exceeded max_bytes
        ├── TooManyRedirectsError the redirect chain was too long or looped
        └── HTTPStatusError       the final response was an error status

A 304 Not Modified is a normal outcome of a check, not an exception.
"""

from __future__ import annotations

__all__ = [
    "BlockedAddressError",
    "ConfigError",
    "FetchError",
    "HTTPStatusError",
    "InputError",
    "MonitorError",
    "SnapshotError",
    "StaleCheckError",
    "StoreError",
    "TooLargeError",
    "TooManyRedirectsError",
]


class MonitorError(Exception):
    """Base class of every error the monitor raises on purpose."""


class ConfigError(MonitorError):
    """The configuration file is missing, malformed or has an invalid value."""

    def __init__(self, path: str, message: str, *, key: str | None = None) -> None:
        self.path = path
        self.key = key
        prefix = f"{path}: " if path else ""
        super().__init__(f"{prefix}{message}")


class StoreError(MonitorError):
    """The database cannot be opened, migrated or written."""


class StaleCheckError(StoreError):
    """Another writer stored a version of the policy while this check judged its page:
    the comparison no longer describes the version the check would be stored against.
    Nothing was written; judge again against the new latest version."""


class SnapshotError(MonitorError):
    """A snapshot cannot be written, or read back with the hash it was stored under."""


class InputError(MonitorError):
    """A file, URL or argument given on the command line cannot be used."""


class FetchError(MonitorError):
    """A policy could not be fetched. ``transient`` errors are worth retrying."""

    def __init__(
        self,
        url: str,
        message: str,
        *,
        status: int | None = None,
        transient: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.url = url
        self.status = status
        self.transient = transient
        self.retry_after = retry_after
        super().__init__(message)


class BlockedAddressError(FetchError):
    """The URL (or a redirect hop) resolves to an address the network policy forbids."""


class TooLargeError(FetchError):
    """The response body is larger than ``max_bytes`` (counted after decompression)."""


class TooManyRedirectsError(FetchError):
    """The redirect chain is longer than allowed, or loops."""


class HTTPStatusError(FetchError):
    """The final response has an error status (4xx or 5xx)."""
