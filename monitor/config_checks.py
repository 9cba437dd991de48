"""Checks of single ``config.toml`` values: durations and URLs (``ValueError`` on error);
reading the file itself (a regular file of a sane size); and :class:`ConfigReader`,
which pulls typed values out of one table, naming the table and key on error."""

from __future__ import annotations

import os
import re
import select
import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitor.errors import ConfigError

__all__ = [
    "MAX_CONFIG_BYTES",
    "NAME_PATTERN",
    "SET_BY_MONITOR",
    "ConfigReader",
    "check_css_selector",
    "database_setting",
    "display_url",
    "from_env",
    "is_pipe",
    "is_postgres",
    "mask_credentials",
    "parse_duration",
    "read_config_file",
    "request_headers",
    "resolve_env",
    "secret_problem",
    "validate_url",
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def parse_duration(value: str, *, allow_zero: bool = False) -> float:
    """``"90s"`` → 90.0 seconds. Units: ms, s, m, h, d, w. Raises ``ValueError``.
    With ``allow_zero``, zero is a duration too (``"0"`` needs no unit)."""
    if allow_zero and value.strip() == "0":
        return 0.0
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f'invalid duration {value!r} (use e.g. "90s", "15m", "6h", "1d")')
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds == 0 and not allow_zero:  # (the pattern takes no sign)
        raise ValueError(f"duration {value!r} must be greater than zero")
    return seconds


def mask_credentials(value: str) -> str:
    """``value`` with any ``user:password@`` in its authority shown as ``***@``."""
    return re.sub(r"^([^:/?#]*://)[^/?#]*@", r"\1***@", value)


def display_url(url: str) -> str:
    """``url`` as it may be shown: without its password, in the authority or in the query
    (``?password=``); the user, host, port, path and other parameters stay. A value
    with no scheme (a file) is shown as it is."""
    if "://" not in url:
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return re.sub(r"^([^:/?#]*://)[^/?#]*@", r"\1***@", url).split("?")[0]
    user = f"{parts.username}@" if parts.username else ""
    if ":" in host:
        host = f"[{host}]"
    query = "&".join(
        p for p in parts.query.split("&") if p and "pass" not in p.partition("=")[0].lower()
    )
    return f"{parts.scheme}://{user}{host}{port}{parts.path}" + (f"?{query}" if query else "")


def is_postgres(database: object) -> bool:
    """Whether a ``database`` setting names a PostgreSQL server rather than a file."""
    return isinstance(database, str) and database.startswith(("postgresql://", "postgres://"))


def from_env(value: str) -> str:
    """``value``, or the variable ``env:NAME`` names, read now; ``ValueError`` saying why
    not (a misspelt ``env:``, a variable unset or empty)."""
    if not value.startswith("env:"):
        return value
    if problem := secret_problem(value):
        raise ValueError(problem)
    found = resolve_env(value)
    if found is None:
        raise ValueError(f"environment variable {value[4:]} is not set or empty")
    return found.strip()


def database_setting(m: ConfigReader, base: Path) -> Path | str:
    """The ``database`` setting: a file (relative to the config's folder) or a
    ``postgresql://`` address, given as it is or read from ``env:NAME``."""
    try:
        value = from_env(m.get("database", str, "monitor.db"))
    except ValueError as exc:
        raise m.error("database", str(exc)) from None
    if is_postgres(value):
        return value
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", value):
        raise m.error(
            "database",
            f"{display_url(value)!r} is neither a file nor a postgresql:// address",
        )
    return (base / value).resolve()


def resolve_env(value: str | None) -> str | None:
    """A secret as written, or the variable ``env:NAME`` names read now; None when there
    is none, or its variable is unset or empty."""
    if value is None or not value.startswith("env:"):
        return value
    found = os.environ.get(value[4:], "")
    return found if found.strip() else None


# Request headers a policy's `headers` may not set (the fetcher's own, or a table of their own).
SET_BY_MONITOR = frozenset(
    "host cookie user-agent accept-language if-none-match if-modified-since content-length "
    "accept-encoding connection transfer-encoding".split()
)


def request_headers(
    headers: tuple[tuple[str, str], ...],
    cookies: tuple[tuple[str, str], ...],
    user_agent: str | None,
    accept_language: str | None,
) -> dict[str, str]:
    """A policy's own request headers (see ``PolicyConfig.request_headers``)."""
    found = {
        k: v for k, v in (("User-Agent", user_agent), ("Accept-Language", accept_language)) if v
    }
    jar = []
    for table, (name, value) in [*(("h", p) for p in headers), *(("c", p) for p in cookies)]:
        resolved = resolve_env(value)
        if resolved is None:
            raise ValueError(f"environment variable {value[4:]} of {name!r} is not set or empty")
        if table == "h":
            found[name] = resolved
        else:
            jar.append(f"{name}={resolved}")
    if jar:
        found["Cookie"] = "; ".join(jar)
    return found


def secret_problem(secret: str, *, unset: str = "for unsigned webhooks") -> str | None:
    """Why a webhook ``secret`` as written cannot be meant (None when it can): empty, or
    an environment variable asked for in a spelling other than ``env:NAME`` (which
    would otherwise sign with the visible string itself)."""
    if not secret.strip():
        return f"is empty (leave it out {unset})"
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


NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class ConfigReader:
    """Pulls typed values out of one TOML table, naming the table and key on error."""

    def __init__(self, path: Path, where: str, table: Any) -> None:
        self.path = path
        self.where = where
        if not isinstance(table, dict):
            raise self.error(None, f"must be a table, not {type(table).__name__}")
        self.table: dict[str, Any] = table

    def error(self, key: str | None, message: str) -> ConfigError:
        location = self.where + (f": key '{key}'" if key else "")
        return ConfigError(str(self.path), f"{location}: {message}", key=key)

    def reject_unknown(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.table) - allowed)
        if unknown:
            raise self.error(unknown[0], f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        if key not in self.table:
            return default
        value = self.table[key]
        # bool is an int in Python; never accept it where a number is meant.
        if isinstance(value, bool) and kind is not bool:
            raise self.error(key, f"expected {_kind_name(kind)}, got a boolean")
        if not isinstance(value, kind):
            raise self.error(key, f"expected {_kind_name(kind)}, got {type(value).__name__}")
        return value

    def required_str(self, key: str) -> str:
        value = self.get(key, str)
        if value is None:
            raise self.error(key, "is required")
        if not value.strip():
            raise self.error(key, "must not be empty")
        return str(value)

    def duration(self, key: str, default: float | None) -> float | None:
        value = self.get(key, (str, int, float))
        if value is None:
            return default
        if isinstance(value, (int, float)):
            if value <= 0:
                raise self.error(key, "must be greater than zero")
            return float(value)
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise self.error(key, str(exc)) from None

    def positive_int(self, key: str, default: int) -> int:
        value = self.get(key, int, default)
        if value < 1:
            raise self.error(key, "must be at least 1")
        return int(value)

    def selectors(self, key: str) -> tuple[str, ...]:
        values = self.str_list(key)
        for value in values:
            try:
                check_css_selector(value)
            except Exception as exc:  # cssselect's SelectorError tree
                raise self.error(key, f"invalid CSS selector {value!r}: {exc}") from None
        return values

    def str_list(self, key: str) -> tuple[str, ...]:
        value = self.get(key, (list, str))
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        for item in items:
            if not isinstance(item, str) or not item.strip():
                raise self.error(key, "must be a list of non-empty strings")
        return tuple(items)

    def pairs(
        self, key: str, *, names: str = r"[A-Za-z0-9-]+", refused: frozenset[str] = frozenset()
    ) -> tuple[tuple[str, str], ...]:
        """A table of string values (``headers = {X-Team = "privacy"}``), sorted; a value
        may be ``env:NAME``. Names must match ``names`` and not be in ``refused``."""
        table = self.get(key, dict, {})
        for name, value in table.items():
            if not isinstance(value, str) or not re.fullmatch(names, name):
                raise self.error(key, f"{name!r} must be a name with a string value")
            if name.lower() in refused:
                raise self.error(key, f"{name!r} is set by the monitor itself")
            if any(ord(c) < 32 or ord(c) == 127 for c in value) or (
                value.startswith("env:") and secret_problem(value)
            ):
                raise self.error(key, f"the value of {name!r} is not usable as written")
        return tuple(sorted(table.items()))

    def url(self, key: str) -> str:
        value = self.required_str(key)
        try:
            return validate_url(value.strip())
        except ValueError as exc:
            raise self.error(key, str(exc)) from None

    def name(self) -> str:
        value = self.required_str("name")
        if not NAME_PATTERN.fullmatch(value):
            raise self.error(
                "name", f"{value!r} must be letters, digits, '.', '_' or '-' (at most 100)"
            )
        return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)
