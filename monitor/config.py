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
from typing import Any, Union
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.config_browser import browser_options, policy_browser
from monitor.config_checks import (
    SET_BY_MONITOR,
    database_setting,
    display_url,
    is_pipe,
    mask_credentials,
    parse_duration,
    read_config_file,
    request_headers,
    resolve_env,
    secret_problem,
    validate_url,
)
from monitor.config_checks import (
    ConfigReader as _Reader,
)
from monitor.config_email import (
    AppriseConfig,
    EmailConfig,
    SmtpSettings,
    digest_settings,
    parse_email,
    target_wants,
)
from monitor.errors import ConfigError
from monitor.models import Severity
from monitor.net.options import CONFIG_KEYS as FETCH_KEYS
from monitor.net.options import FetchOptions
from monitor.notify.formats import FORMATS

__all__ = [
    "SEVERITIES",
    "AppriseConfig",
    "Config",
    "EmailConfig",
    "MonitorSettings",
    "PolicyConfig",
    "ServeSettings",
    "SmtpSettings",
    "Target",
    "WebhookConfig",
    "default_config_path",
    "load_config",
    "mask_credentials",
    "parse_config",
    "parse_duration",
    "validate_url",
]

SEVERITIES = Severity.names()
SUMMARY_LANGUAGES = ("en", "nl", "policy")
WEBHOOK_FORMATS = tuple(FORMATS)  # the registered body formats, by name


@dataclass(frozen=True, slots=True)
class MonitorSettings:
    """The ``[monitor]`` table. Field defaults are the documented defaults; the fetch
    settings (user_agent, timeout, ...) are one :class:`FetchOptions`, also readable here."""

    database: Path | str = Path("monitor.db")  # a file, or a postgresql:// address
    snapshots: Path = Path("snapshots")
    interval: float = 6 * 3600.0
    failures_before_report: int = 3  # `monitor run` reports a policy after this many in a row
    process_timeout: float = 60.0  # seconds to read and judge one page before giving up
    processes: int = field(default_factory=lambda: os.cpu_count() or 1)  # 1: in this process
    fetch: FetchOptions = field(default_factory=FetchOptions)
    public_url: str | None = None  # the reading room's address: notifications link there
    summary_language: str = "en"  # of the one-sentence summaries: en, nl, or policy (its own)
    timezone: str = "UTC"  # of digest times (an IANA name such as "Europe/Amsterdam")

    @property
    def database_shown(self) -> str:
        """The database as it may be shown: a file, or an address without its password."""
        if isinstance(self.database, str):
            return display_url(self.database)
        return str(self.database)

    @property
    def summary_in(self) -> str | None:
        """The language of change summaries; None: each policy's own."""
        return None if self.summary_language == "policy" else self.summary_language

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
    # Sent to the policy's own host only (values may be env:NAME): a consent cookie, a header.
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    cookies: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    user_agent: str | None = None
    accept_language: str | None = None
    fetcher: str = "http"  # "browser": rendered by Chromium; "auto": the browser when needed
    wait_for: str | None = None  # the browser waits for this selector before reading
    click: tuple[str, ...] = ()  # and presses these (a consent button, "show all")

    def request_headers(self) -> dict[str, str]:
        """The headers this policy's requests carry, ``env:NAME`` values read now;
        :class:`ValueError` naming a variable that is unset or empty."""
        return request_headers(self.headers, self.cookies, self.user_agent, self.accept_language)


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
    digest: str = "off"  # off | daily | weekly
    digest_at: str = "08:00"  # local time ([monitor] timezone) a digest goes out
    allow_private_networks: bool = False  # this receiver may be on a private address

    def wants(self, policy: PolicyConfig, severity: str | None) -> bool:
        """Whether this webhook hears about ``policy`` (and a change of ``severity``)."""
        return target_wants(self, policy, severity)

    def resolve_secret(self) -> str | None:
        """The secret value, reading ``env:NAME`` from the environment; None when there is
        no secret, or its variable is unset or empty (an empty key signs nothing)."""
        return resolve_env(self.secret)

    def secret_problem(self) -> str | None:
        """Why a configured secret cannot sign (its variable unset or empty), or None."""
        if self.secret is None or self.resolve_secret() is not None:
            return None
        return f"secret environment variable {self.secret[4:]} is not set or empty"


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """The ``[serve]`` table. ``token`` is kept as written (``env:NAME`` unresolved)."""

    token: str | None = field(default=None, repr=False)

    def resolve_token(self) -> str | None:
        """The token value (``env:NAME`` read now); None when unset or its variable empty."""
        return resolve_env(self.token)


Target = Union["WebhookConfig", EmailConfig, AppriseConfig]  # a notification target


@dataclass(frozen=True, slots=True)
class Config:
    """A whole configuration file."""

    path: Path
    monitor: MonitorSettings
    policies: tuple[PolicyConfig, ...] = ()
    webhooks: tuple[WebhookConfig, ...] = ()
    serve: ServeSettings = field(default_factory=ServeSettings)
    smtp: SmtpSettings | None = None
    emails: tuple[EmailConfig, ...] = ()
    apprise: tuple[AppriseConfig, ...] = ()

    @property
    def targets(self) -> tuple[Target, ...]:
        """Every notification target: webhooks, then e-mail, then Apprise."""
        return (*self.webhooks, *self.emails, *self.apprise)

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


def _tables(top: _Reader, key: str, kind: type) -> Iterator[_Reader]:
    """A reader for each ``[[key]]`` table, named by its ``name`` (or its position),
    that has already refused keys ``kind`` does not have."""
    for index, table in enumerate(top.get(key, list, []), start=1):
        label = table.get("name") if isinstance(table, dict) else None
        where = f"{key} {label!r}" if isinstance(label, str) else f"[[{key}]] #{index}"
        reader = _Reader(top.path, where, table)
        reader.reject_unknown({f.name for f in fields(kind)})
        yield reader


def _timezone(m: _Reader) -> str:
    name: str = m.get("timezone", str, "UTC")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise m.error(
            "timezone", f"{name!r} is not a time zone such as 'Europe/Amsterdam'"
        ) from None
    return name


def _public_url(m: _Reader) -> str | None:
    """``public_url``: where readers reach the reading room, a base for links."""
    if "public_url" not in m.table:
        return None
    url = m.url("public_url")
    if urlsplit(url).query or "#" in url:
        raise m.error("public_url", "must be a base address, without ?query or #fragment")
    return url.rstrip("/")


def parse_config(data: dict[str, Any], *, path: Path) -> Config:
    """Validate already-parsed TOML data (see :func:`load_config`)."""
    top = _Reader(path, "config", data)
    top.reject_unknown({"monitor", "policy", "webhook", "serve", "smtp", "email", "apprise"})
    base = Path.cwd() if is_pipe(path) else path.parent  # a pipe has no folder of its own

    m = _Reader(path, "[monitor]", data.get("monitor", {}))
    m.reject_unknown({f.name for f in fields(MonitorSettings)} - {"fetch"} | set(FETCH_KEYS))
    defaults, fetch = MonitorSettings(), FetchOptions()
    database = database_setting(m, base)
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
        database=database,
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
            **browser_options(m),
        ),
        failures_before_report=m.positive_int(
            "failures_before_report", defaults.failures_before_report
        ),
        process_timeout=m.duration("process_timeout", None) or defaults.process_timeout,
        processes=m.positive_int("processes", defaults.processes),
        public_url=_public_url(m),
        summary_language=m.get("summary_language", str, "en"),
        timezone=_timezone(m),
    )
    if settings.summary_language not in SUMMARY_LANGUAGES:
        raise m.error("summary_language", f"must be one of {', '.join(SUMMARY_LANGUAGES)}")
    r = _Reader(path, "[serve]", data.get("serve", {}))
    r.reject_unknown({"token"})
    token = r.get("token", str)
    if token is not None and (problem := secret_problem(token, unset="without a token")):
        raise r.error("token", problem)
    if token is not None and not token.startswith("env:") and len(token) < 16:
        raise r.error("token", "is too short: use at least 16 random characters")

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
                headers=r.pairs("headers", refused=SET_BY_MONITOR),
                cookies=r.pairs("cookies", names=r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"),
                user_agent=r.get("user_agent", str),
                accept_language=r.get("accept_language", str),
                **policy_browser(r),
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
        headers = r.pairs("headers")
        webhooks.append(
            WebhookConfig(
                name=name,
                url=r.url("url"),
                secret=secret,
                min_severity=min_severity,
                format=fmt,
                policies=names,
                tags=r.str_list("tags"),
                headers=headers,
                max_age=r.duration("max_age", 3 * 86_400.0) or 3 * 86_400.0,
                **digest_settings(r),
                allow_private_networks=r.get("allow_private_networks", bool, False),
            )
        )

    smtp, emails, apprise = parse_email(top, policy_names=policy_names, taken=seen_webhooks)
    return Config(
        path=path.resolve(),
        monitor=settings,
        policies=tuple(policies),
        webhooks=tuple(webhooks),
        serve=ServeSettings(token=token),
        smtp=smtp,
        emails=emails,
        apprise=apprise,
    )
