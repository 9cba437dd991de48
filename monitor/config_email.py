"""The e-mail and Apprise part of ``config.toml``: the ``[smtp]`` server, and the
``[[email]]`` and ``[[apprise]]`` targets.

Each is a notification target like a ``[[webhook]]`` (the same ``min_severity``,
``policies``, ``tags``, ``max_age`` and digests, through the same outbox). E-mail
goes through the ``[smtp]`` server, which every e-mail target needs; an Apprise
target through the URLs of its services (``tgram://``, ``discord://``,
``mailto://``...), with the optional ``apprise`` package.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from monitor.config_checks import ConfigReader, resolve_env, secret_problem
from monitor.models import Severity

__all__ = [
    "DIGESTS",
    "AppriseConfig",
    "EmailConfig",
    "SmtpSettings",
    "digest_settings",
    "parse_email",
    "target_wants",
]

SEVERITIES = Severity.names()
TLS_MODES = ("starttls", "ssl", "none")
_DEFAULT_PORT = {"starttls": 587, "ssl": 465, "none": 25}
# Enough of an address to refuse typos; the server has the last word.
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """The ``[smtp]`` table. ``password`` is kept as written (``env:NAME`` unresolved)."""

    host: str
    sender: str  # the From address (``from`` in the file)
    port: int = 587
    tls: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    allow_private_networks: bool = False  # this server may be on a private address

    def resolve_password(self) -> str | None:
        return resolve_env(self.password)


@dataclass(frozen=True, slots=True)
class EmailConfig:
    """One ``[[email]]`` table: who gets which changes by e-mail."""

    name: str
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    min_severity: str = "material"
    policies: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    max_age: float = 3 * 86_400.0
    digest: str = "off"  # off | daily | weekly
    digest_at: str = "08:00"  # local time ([monitor] timezone) a digest goes out

    def wants(self, policy: Any, severity: str | None) -> bool:
        """Whether this target hears about ``policy`` (and a change of ``severity``)."""
        return target_wants(self, policy, severity)


@dataclass(frozen=True, slots=True)
class AppriseConfig:
    """One ``[[apprise]]`` table. ``urls`` are kept as written (``env:NAME`` unresolved)."""

    name: str
    urls: tuple[str, ...] = field(repr=False)
    min_severity: str = "material"
    policies: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    max_age: float = 3 * 86_400.0
    digest: str = "off"
    digest_at: str = "08:00"

    def wants(self, policy: Any, severity: str | None) -> bool:
        """Whether this target hears about ``policy`` (and a change of ``severity``)."""
        return target_wants(self, policy, severity)

    def resolve_urls(self) -> tuple[list[str], str | None]:
        """The URLs (``env:NAME`` read now), and why one is missing (or None)."""
        found = []
        for url in self.urls:
            value = resolve_env(url)
            if value is None:
                return [], f"environment variable {url[4:]} of an Apprise URL is not set or empty"
            found.append(value)
        return found, None


def target_wants(target: Any, policy: Any, severity: str | None) -> bool:
    """Whether a notification target hears about ``policy`` (and a change of
    ``severity``): its ``policies``, ``tags`` and ``min_severity`` filters."""
    if target.policies and policy.name not in target.policies:
        return False
    if target.tags and not set(target.tags) & set(policy.tags):
        return False
    if severity is None:
        return True
    return SEVERITIES.index(severity) >= SEVERITIES.index(target.min_severity)


def _addresses(r: ConfigReader, key: str, *, required: bool = False) -> tuple[str, ...]:
    found = r.str_list(key)
    if required and not found:
        raise r.error(key, "is required: one address or a list of them")
    for address in found:
        if not _ADDRESS.match(address.strip()):
            raise r.error(key, f"{address!r} is not an e-mail address")
    return tuple(a.strip() for a in found)


def _smtp(r: ConfigReader) -> SmtpSettings:
    r.reject_unknown({f.name for f in fields(SmtpSettings)} - {"sender"} | {"from"})
    host = r.required_str("host").strip()
    if not host or any(c.isspace() or c in "/@" for c in host):
        raise r.error("host", f"{host!r} is not a host name or address")
    sender = r.required_str("from").strip()
    if not _ADDRESS.match(sender):
        raise r.error("from", f"{sender!r} is not an e-mail address")
    tls = r.get("tls", str, "starttls")
    if tls not in TLS_MODES:
        raise r.error("tls", f"must be one of {', '.join(TLS_MODES)}")
    port = r.positive_int("port", _DEFAULT_PORT[tls])
    if port > 65535:
        raise r.error("port", "must be a port number (1-65535)")
    password = r.get("password", str)
    if password is not None and (problem := secret_problem(password, unset="to send without")):
        raise r.error("password", problem)
    username = r.get("username", str)
    if password is not None and tls == "none":
        raise r.error("password", 'would be sent in the clear with tls = "none"')
    if password is not None and username is None:
        raise r.error("password", "needs a username beside it")
    return SmtpSettings(
        host=host,
        sender=sender,
        port=port,
        tls=tls,
        username=username,
        password=password,
        timeout=r.duration("timeout", 30.0) or 30.0,
        allow_private_networks=r.get("allow_private_networks", bool, False),
    )


def parse_email(
    top: ConfigReader, *, policy_names: set[str], taken: set[str]
) -> tuple[SmtpSettings | None, tuple[EmailConfig, ...], tuple[AppriseConfig, ...]]:
    """``[smtp]``, the ``[[email]]`` and the ``[[apprise]]`` tables; ``taken``: the
    webhook names (a target's name is unique among all targets)."""
    smtp = None
    if "smtp" in top.table:
        smtp = _smtp(ConfigReader(top.path, "[smtp]", top.table["smtp"]))
    emails: list[EmailConfig] = []
    for r, common in _targets(top, "email", EmailConfig, policy_names, taken):
        if smtp is None:
            raise r.error(None, "e-mail needs an [smtp] table with the server to send through")
        to, cc = _addresses(r, "to", required=True), _addresses(r, "cc")
        emails.append(EmailConfig(to=to, cc=cc, **common))
    apprise: list[AppriseConfig] = []
    for r, common in _targets(top, "apprise", AppriseConfig, policy_names, taken):
        urls = r.str_list("urls")
        if not urls:
            raise r.error("urls", "is required: one Apprise URL or a list of them")
        for url in urls:
            if url.startswith("env:") and (problem := secret_problem(url)):
                raise r.error("urls", problem)
            if not url.startswith("env:") and "://" not in url:
                raise r.error("urls", "each must be an Apprise URL (tgram://...) or env:NAME")
        apprise.append(AppriseConfig(urls=urls, **common))
    return smtp, tuple(emails), tuple(apprise)


def _targets(
    top: ConfigReader, key: str, kind: type, policy_names: set[str], taken: set[str]
) -> Iterator[tuple[ConfigReader, dict[str, Any]]]:
    """A reader for each ``[[key]]`` table, with the values every target has: its name
    (unique among all targets), filters, ``max_age`` and digest."""
    for index, table in enumerate(top.get(key, list, []), start=1):
        label = table.get("name") if isinstance(table, dict) else None
        where = f"{key} {label!r}" if isinstance(label, str) else f"[[{key}]] #{index}"
        r = ConfigReader(top.path, where, table)
        r.reject_unknown({f.name for f in fields(kind)})
        name = r.name()
        if name in taken:
            raise r.error(
                "name", "duplicate target name (webhooks, e-mails and Apprise share names)"
            )
        taken.add(name)
        min_severity = r.get("min_severity", str, "material")
        if min_severity not in SEVERITIES:
            raise r.error("min_severity", f"must be one of {', '.join(SEVERITIES)}")
        names = r.str_list("policies")
        missing = [n for n in names if n not in policy_names]
        if missing:
            raise r.error("policies", f"names no configured policy: {missing[0]!r}")
        yield (
            r,
            {
                "name": name,
                "min_severity": min_severity,
                "policies": names,
                "tags": r.str_list("tags"),
                "max_age": r.duration("max_age", 3 * 86_400.0) or 3 * 86_400.0,
                **digest_settings(r),
            },
        )


DIGESTS = ("off", "daily", "weekly")


def digest_settings(r: ConfigReader) -> dict[str, str]:
    """``digest`` and ``digest_at`` of a target table (webhook or e-mail)."""
    digest = r.get("digest", str, "off")
    if digest not in DIGESTS:
        raise r.error("digest", f"must be one of {', '.join(DIGESTS)}")
    if "digest_at" in r.table and digest == "off":
        raise r.error("digest_at", 'goes with digest = "daily" or "weekly"')
    at = r.get("digest_at", str, "08:00")
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        raise r.error("digest_at", f'{at!r} is not a time of day such as "08:00"')
    return {"digest": digest, "digest_at": at}
