"""E-mail: an event as a message (a plain-text and an HTML part from the same values,
the summary as its subject) and sending it through the ``[smtp]`` server.

Page text is data: the HTML part is rendered with Jinja2's autoescaping, links are
only http(s), and control characters are shown, never sent. Each message has a
Message-ID made of its event and target, so a resend after a crash is
recognisable as the same message. The server's address obeys the network policy
unless ``[smtp] allow_private_networks`` (or ``[monitor]``'s) is set.
"""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader

from monitor.config import Config, EmailConfig, SmtpSettings
from monitor.net.netpolicy import address_allowed
from monitor.notify.formats import short_line, summary_line
from monitor.output.safe import safe_href, visible

__all__ = ["build_message", "send_message"]

MAX_SUBJECT = 150
# CRLF line ends; headers are not folded below SMTP's 998-character limit (the standard
# library's folding of a long subject can leave a leading space in it).
_POLICY = SMTP.clone(max_line_length=998)
Attempt = tuple[int | None, str | None, bool]  # (SMTP reply code, error or None, retry)


@cache
def _templates(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("monitor.notify", "templates"),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = safe_href
    return env


def _shown(value: Any) -> Any:
    """``value`` with every control character of every string shown, never sent."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    return value


def _subject(text: str) -> str:
    """The first sentence of ``text``, cut at a word (never inside a quote) when long."""
    return short_line(text, MAX_SUBJECT)


def build_message(config: Config, email: EmailConfig, payload: dict[str, Any]) -> EmailMessage:
    """The message of one event for ``email`` (``config.smtp`` must be set)."""
    assert config.smtp is not None
    values = _shown(payload)
    if payload["event_type"] == "digest":
        values["header"] = visible(summary_line(payload))
        subject, name = values["header"], "digest"
    elif payload["event_type"] == "policy.changed":
        values["facts"] = [f for f in ("silent", "date_only", "backdated") if payload.get(f)]
        subject, name = values.get("summary") or summary_line(payload), "change"
    else:
        values["text"] = visible(summary_line(payload))
        subject, name = values["text"], "status"
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = _subject(subject)
    message["From"] = config.smtp.sender
    message["To"] = ", ".join(email.to)
    if email.cc:
        message["Cc"] = ", ".join(email.cc)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{payload['event_id']}.{email.name}@policy-monitor>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_templates(False).get_template(f"{name}.txt").render(values))
    html = _templates(True).get_template(f"{name}.html").render(values)
    message.add_alternative(html, subtype="html")
    return message


def _context(config: Config) -> ssl.SSLContext:
    ca_file = config.monitor.fetch.ca_file
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


def _refused_address(smtp: SmtpSettings, allow: bool) -> str | None:
    """Why the server's address is refused by the network policy, or None."""
    if allow:
        return None
    try:
        infos = socket.getaddrinfo(smtp.host, smtp.port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"cannot resolve SMTP host {smtp.host!r}: {exc}"
    for info in infos:
        address = str(info[4][0])
        if not address_allowed(address):
            return (
                f"refusing SMTP host {smtp.host!r}: it resolves to the non-public address "
                f"{address} (set allow_private_networks in [smtp] for an internal server)"
            )
    return None


def _send(config: Config, email: EmailConfig, message: EmailMessage) -> Attempt:
    """``(SMTP reply code, error or None, whether to retry)``; blocking, run in a thread."""
    smtp = config.smtp
    assert smtp is not None
    allow = smtp.allow_private_networks or config.monitor.allow_private_networks
    refused = _refused_address(smtp, allow)
    if refused is not None:
        return None, refused, False
    password = smtp.resolve_password()
    if smtp.password is not None and password is None:
        return None, f"SMTP password variable {smtp.password[4:]} is not set or empty", True
    client: smtplib.SMTP
    try:
        if smtp.tls == "ssl":
            client = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=_context(config)
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.tls == "starttls":
                client.starttls(context=_context(config))
            if smtp.username is not None and password is not None:
                client.login(smtp.username, password)
            client.send_message(message, from_addr=smtp.sender, to_addrs=[*email.to, *email.cc])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        temporary = all(400 <= code < 500 for code in codes)
        return max(codes), f"every recipient refused (SMTP {', '.join(map(str, codes))})", temporary
    except smtplib.SMTPResponseException as exc:
        text = visible(
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return exc.smtp_code, f"SMTP {exc.smtp_code}: {text[:200]}", 400 <= exc.smtp_code < 500
    except TimeoutError:
        return None, "timed out", True
    except (OSError, smtplib.SMTPException) as exc:
        return None, f"connection failed: {type(exc).__name__}: {visible(str(exc))[:200]}", True
    return 250, None, False


async def send_message(config: Config, email: EmailConfig, message: EmailMessage) -> Attempt:
    """Send ``message`` to ``email``'s recipients: ``(SMTP code, error, retry)``."""
    return await asyncio.to_thread(_send, config, email, message)
