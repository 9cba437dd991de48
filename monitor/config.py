"""``config.toml`` → frozen dataclasses.

Everything is validated at load time: unknown keys, wrong types, bad
durations, bad URLs and duplicate names raise :class:`ConfigError` naming the
file, the table (``policy 'name'``) and the key.  Relative paths are resolved
against the folder of the config file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from monitor.config_checks import (
    check_css_selector,
    is_pipe,
    mask_credentials,
    parse_duration,
    read_config_file,
    secret_problem,
    validate_url,
)
from monitor.errors import ConfigError
from monitor.models import Severity
from monitor.net.options import CONFIG_KEYS as FETCH_KEYS
from monitor.net.options import FetchOptions
from monitor.notify.formats import FORMATS

__all__ = [
    "SEVERITIES",
    "Config",
    "MonitorSettings",
    "PolicyConfig",
    "WebhookConfig",
    "default_config_path",
    "load_config",
    "mask_credentials",
    "parse_config",
    "parse_duration",
    "validate_url",
]

SEVERITIES = Severity.names()
WEBHOOK_FORMATS = tuple(FORMATS)  # the registered body formats, by name
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True, slots=True)
class MonitorSettings:
    """The ``[monitor]`` table. Field defaults are the documented defaults; the fetch
    settings (user_agent, timeout, ...) are one :class:`FetchOptions`, also readable here."""

    database: Path = Path("monitor.db")
    snapshots: Path = Path("snapshots")
    interval: float = 6 * 3600.0
    failures_before_report: int = 3  # `monitor run` reports a policy after this many in a row
    process_timeout: float = 60.0  # seconds to read and judge one page before giving up
    processes: int = field(default_factory=lambda: os.cpu_count() or 1)  # 1: in this process
    fetch: FetchOptions = field(default_factory=FetchOptions)

    @property
    def user_agent(self) -> str:
        return self.fetch.user_agent

    @property
    def timeout(self) -> float:
        return self.fetch.timeout

    @property
    def max_bytes(self) -> int:
        return self.fetch.max_bytes

    @property
    def allow_private_networks(self) -> bool:
        return self.fetch.allow_private_networks


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    """One ``[[policy]]`` table: a monitored document."""

    name: str
    url: str
    language: str | None = None
    select: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    interval: float | None = None
    tags: tuple[str, ...] = ()
    verify_tls: bool = True  # false accepts any certificate for this policy (widens the risk)


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """One ``[[webhook]]`` table. ``secret`` is kept as written (``env:NAME`` unresolved)."""

    name: str
    url: str
    secret: str | None = field(default=None, repr=False)
    min_severity: str = "material"
    format: str = "json"
    policies: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    max_age: float = 3 * 86_400.0  # give up on a delivery older than this

    def wants(self, policy: PolicyConfig, severity: str | None) -> bool:
        """Whether this webhook hears about ``policy`` (and a change of ``severity``)."""
        if self.policies and policy.name not in self.policies:
            return False
        if self.tags and not set(self.tags) & set(policy.tags):
            return False
        if severity is None:
            return True
        return SEVERITIES.index(severity) >= SEVERITIES.index(self.min_severity)

    def resolve_secret(self) -> str | None:
        """The secret value, reading ``env:NAME`` from the environment; None when there is
        no secret, or its variable is unset or empty (an empty key signs nothing)."""
        if self.secret is None or not self.secret.startswith("env:"):
            return self.secret
        value = os.environ.get(self.secret[4:], "")
        return value if value.strip() else None

    def secret_problem(self) -> str | None:
        """Why a configured secret cannot sign (its variable unset or empty), or None."""
        if self.secret is None or self.resolve_secret() is not None:
            return None
        return f"secret environment variable {self.secret[4:]} is not set or empty"


@dataclass(frozen=True, slots=True)
class Config:
    """A whole configuration file."""

    path: Path
    monitor: MonitorSettings
    policies: tuple[PolicyConfig, ...] = ()
    webhooks: tuple[WebhookConfig, ...] = ()

    def policy(self, name: str) -> PolicyConfig | None:
        return next((p for p in self.policies if p.name == name), None)

    def interval_of(self, policy: PolicyConfig) -> float:
        return policy.interval if policy.interval is not None else self.monitor.interval


def default_config_path() -> Path:
    """``$MONITOR_CONFIG`` if set, else ``./config.toml``."""
    return Path(os.environ.get("MONITOR_CONFIG") or "config.toml")


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; every problem is a one-line :class:`ConfigError`."""
    path = Path(path)
    raw = read_config_file(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(str(path), "config file is not valid UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"invalid TOML: {exc}") from None
    return parse_config(data, path=path)


class _Reader:
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

    def url(self, key: str) -> str:
        value = self.required_str(key)
        try:
            return validate_url(value.strip())
        except ValueError as exc:
            raise self.error(key, str(exc)) from None

    def name(self) -> str:
        value = self.required_str("name")
        if not _NAME.match(value):
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


def _tables(top: _Reader, key: str, kind: type) -> Iterator[_Reader]:
    """A reader for each ``[[key]]`` table, named by its ``name`` (or its position),
    that has already refused keys ``kind`` does not have."""
    for index, table in enumerate(top.get(key, list, []), start=1):
        label = table.get("name") if isinstance(table, dict) else None
        where = f"{key} {label!r}" if isinstance(label, str) else f"[[{key}]] #{index}"
        reader = _Reader(top.path, where, table)
        reader.reject_unknown({f.name for f in fields(kind)})
        yield reader


def parse_config(data: dict[str, Any], *, path: Path) -> Config:
    """Validate already-parsed TOML data (see :func:`load_config`)."""
    top = _Reader(path, "config", data)
    top.reject_unknown({"monitor", "policy", "webhook"})
    base = Path.cwd() if is_pipe(path) else path.parent  # a pipe has no folder of its own

    m = _Reader(path, "[monitor]", data.get("monitor", {}))
    m.reject_unknown({f.name for f in fields(MonitorSettings)} - {"fetch"} | set(FETCH_KEYS))
    defaults, fetch = MonitorSettings(), FetchOptions()
    database = m.get("database", str, str(defaults.database))
    snapshots = m.get("snapshots", str, str(defaults.snapshots))
    max_bytes = m.positive_int("max_bytes", fetch.max_bytes)
    ca_file = m.get("ca_file", str)
    if ca_file is not None:
        if not (base / ca_file).is_file():
            raise m.error("ca_file", f"no such file: {base / ca_file}")
        ca_file = (base / ca_file).resolve()
    user_agent = m.get("user_agent", str, fetch.user_agent)  # read in the documented order
    interval = m.duration("interval", defaults.interval) or defaults.interval
    settings = MonitorSettings(
        database=(base / database).resolve(),
        snapshots=(base / snapshots).resolve(),
        interval=interval,
        fetch=FetchOptions(
            user_agent=user_agent,
            timeout=m.duration("timeout", fetch.timeout) or fetch.timeout,
            concurrency=m.positive_int("concurrency", fetch.concurrency),
            per_host_concurrency=m.positive_int("per_host_concurrency", fetch.per_host_concurrency),
            max_bytes=max_bytes,
            allow_private_networks=m.get("allow_private_networks", bool, False),
            ca_file=ca_file,
        ),
        failures_before_report=m.positive_int(
            "failures_before_report", defaults.failures_before_report
        ),
        process_timeout=m.duration("process_timeout", None) or defaults.process_timeout,
        processes=m.positive_int("processes", defaults.processes),
    )

    policies: list[PolicyConfig] = []
    seen_policies: set[str] = set()
    for r in _tables(top, "policy", PolicyConfig):
        name = r.name()
        if name in seen_policies:
            raise r.error("name", "duplicate policy name")
        seen_policies.add(name)
        language = r.get("language", str)
        if language is not None and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", language):
            raise r.error("language", f"{language!r} is not a language code such as 'nl' or 'en'")
        policies.append(
            PolicyConfig(
                name=name,
                url=r.url("url"),
                language=language,
                select=r.selectors("select"),
                remove=r.selectors("remove"),
                interval=r.duration("interval", None),
                tags=r.str_list("tags"),
                verify_tls=r.get("verify_tls", bool, True),
            )
        )

    webhooks: list[WebhookConfig] = []
    policy_names = {p.name for p in policies}
    seen_webhooks: set[str] = set()
    for r in _tables(top, "webhook", WebhookConfig):
        name = r.name()
        if name in seen_webhooks:
            raise r.error("name", "duplicate webhook name")
        seen_webhooks.add(name)
        secret = r.get("secret", str)
        if secret is not None and (problem := secret_problem(secret)):
            raise r.error("secret", problem)
        min_severity = r.get("min_severity", str, "material")
        if min_severity not in SEVERITIES:
            raise r.error("min_severity", f"must be one of {', '.join(SEVERITIES)}")
        fmt = r.get("format", str, "json")
        if fmt not in WEBHOOK_FORMATS:
            raise r.error("format", f"must be one of {', '.join(WEBHOOK_FORMATS)}")
        names = r.str_list("policies")
        missing = [n for n in names if n not in policy_names]
        if missing:
            raise r.error("policies", f"names no configured policy: {missing[0]!r}")
        raw_headers = r.get("headers", dict, {})
        for key, value in raw_headers.items():
            if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9-]+", key):
                raise r.error("headers", f"{key!r} must be a header name with a string value")
        webhooks.append(
            WebhookConfig(
                name=name,
                url=r.url("url"),
                secret=secret,
                min_severity=min_severity,
                format=fmt,
                policies=names,
                tags=r.str_list("tags"),
                headers=tuple(sorted(raw_headers.items())),
                max_age=r.duration("max_age", 3 * 86_400.0) or 3 * 86_400.0,
            )
        )

    return Config(
        path=path.resolve(),
        monitor=settings,
        policies=tuple(policies),
        webhooks=tuple(webhooks),
    )
