"""TLS and HTTP details of the plain fetcher (and webhook delivery): the certificate
authorities trusted, a verification failure told apart, and ``Retry-After``."""

from __future__ import annotations

import email.utils
import ssl
import time
from datetime import UTC
from pathlib import Path

import certifi

from monitor.errors import FetchError

__all__ = ["certificate_error", "parse_retry_after", "tls_context"]


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """The public certificate authorities (certifi), plus ``ca_file`` when given."""
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise FetchError(str(ca_file), f"cannot load ca_file {ca_file}: {exc}") from None
    return context


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else time.time()
    return max(0.0, when.timestamp() - current)


def certificate_error(exc: BaseException) -> str | None:
    """The verification failure behind a connection error, if that is what it was."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return None
        inner = getattr(seen, "certificate_error", None)  # aiohttp keeps ssl's error here
        if isinstance(inner, BaseException):
            seen = inner
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or seen.reason or seen)
        seen = seen.__cause__ or seen.__context__
    return None
