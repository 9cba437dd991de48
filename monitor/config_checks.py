"""Checks of single ``config.toml`` values: durations and URLs (``ValueError`` on error);
and reading the file itself (a regular file of a sane size)."""

from __future__ import annotations

import os
import re
import select
import stat
from pathlib import Path
from urllib.parse import urlsplit

from monitor.errors import ConfigError

__all__ = [
    "MAX_CONFIG_BYTES",
    "check_css_selector",
    "is_pipe",
    "mask_credentials",
    "parse_duration",
    "read_config_file",
    "secret_problem",
    "validate_url",
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def parse_duration(value: str) -> float:
    """``"90s"`` → 90.0 seconds. Units: ms, s, m, h, d, w. Raises ``ValueError``."""
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f'invalid duration {value!r} (use e.g. "90s", "15m", "6h", "1d")')
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"duration {value!r} must be greater than zero")
    return seconds


def mask_credentials(value: str) -> str:
    """``value`` with any ``user:password@`` in its authority shown as ``***@``."""
    return re.sub(r"^([^:/?#]*://)[^/?#]*@", r"\1***@", value)


def secret_problem(secret: str) -> str | None:
    """Why a webhook ``secret`` as written cannot be meant (None when it can): empty, or
    an environment variable asked for in a spelling other than ``env:NAME`` (which
    would otherwise sign with the visible string itself)."""
    if not secret.strip():
        return "is empty (leave it out for unsigned webhooks)"
    if secret.startswith("env:"):
        if not re.fullmatch(r"env:[A-Za-z_][A-Za-z0-9_]*", secret):
            return "env: must be followed by an environment variable name"
        return None
    if re.match(r"\s*env\s*:", secret, re.IGNORECASE) or re.fullmatch(r"\$\{?\w+\}?", secret):
        return "looks like an environment variable: write env:NAME to read one"
    return None


def is_pipe(path: Path) -> bool:
    """Whether ``path`` is a pipe (``--config <(...)``): relative paths in it are then
    relative to the current directory."""
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


def check_css_selector(value: str) -> None:
    """Compile a CSS selector (raises on a bad one); lxml's cssselect loads only here."""
    from lxml.cssselect import CSSSelector

    CSSSelector(value)


def validate_url(value: str) -> str:
    """Accept absolute http(s) URLs with a host and no credentials; raise ``ValueError``
    otherwise (the message never repeats a password)."""
    shown = mask_credentials(value)
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
    except ValueError as exc:
        raise ValueError(f"URL {shown!r} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"URL {shown!r} must start with http:// or https://")
    if "@" in parts.netloc:
        raise ValueError(
            f"URL {shown!r} carries credentials (user:password@); they would be sent to "
            "every server it redirects to and shown in output, so they are refused"
        )
    if not hostname:
        raise ValueError(f"URL {shown!r} has no host")
    if any(c.isspace() for c in value):
        raise ValueError(f"URL {shown!r} contains white space")
    import httpx  # the fetcher's own parser; loaded only when a URL is checked

    try:
        httpx.URL(value)
    except httpx.InvalidURL as exc:
        raise ValueError(f"URL {shown!r} is not a valid URL ({exc})") from None
    return value


MAX_CONFIG_BYTES = 64 * 1024 * 1024  # far beyond any real config (100,000 policies: ~15 MB)


def read_config_file(path: Path) -> bytes:
    """The bytes of a config file: a regular file, or a pipe (``--config <(envsubst ...)``)
    read until its end within ``PIPE_WAIT`` seconds of silence; at most
    ``MAX_CONFIG_BYTES`` either way.  Never a device, and never a wait without end."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang; a regular file ignores it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ConfigError(
            str(path), "config file not found (create one with `monitor init`)"
        ) from None
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read config file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISFIFO(info.st_mode):
            raw = _read_pipe(fd, path)
        elif not stat.S_ISREG(info.st_mode):
            raise ConfigError(str(path), "config file is not a regular file or a pipe")
        elif info.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(
                str(path), f"config file is {info.st_size:,} bytes, over {MAX_CONFIG_BYTES:,}"
            )
        else:
            with os.fdopen(os.dup(fd), "rb") as handle:
                raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read config file: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_CONFIG_BYTES:  # grew while read
        raise ConfigError(str(path), f"config file is over {MAX_CONFIG_BYTES:,} bytes")
    return raw


PIPE_WAIT = 10.0  # seconds a pipe may stay silent before its config is given up on


def _read_pipe(fd: int, path: Path) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_CONFIG_BYTES:
        ready, _, _ = select.select([fd], [], [], PIPE_WAIT)
        if not ready:
            raise ConfigError(str(path), f"the pipe sent nothing for {PIPE_WAIT:g} s")
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            continue
        if not chunk:
            break  # its writer closed it (or there was none)
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
