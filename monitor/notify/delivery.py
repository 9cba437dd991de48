"""Delivery: a sender that posts the outbox's pending deliveries.

The sender posts pending deliveries oldest first, one target at a time in
order, signs each body (``Monitor-Signature``, see DESIGN.md), retries 408,
429 and 5xx and network failures with exponential backoff and jitter
(honouring ``Retry-After``) until the delivery is older than the webhook's
``max_age``, and gives up at once on other 4xx. Every attempt is recorded. A
crash between a POST and its record repeats that delivery; receivers
deduplicate by ``Monitor-Event-Id``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import random
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from monitor.config import AppriseConfig, Config, EmailConfig, PolicyConfig, Target, WebhookConfig
from monitor.errors import FetchError
from monitor.models import now_iso
from monitor.net.netpolicy import AddressGuard
from monitor.net.tls import parse_retry_after
from monitor.notify.digest import DigestStore, bundle_due_digests
from monitor.notify.formats import render_body
from monitor.store.outbox import sender_host

__all__ = ["FlushStats", "Outbox", "flush", "redact_url", "send_test", "sign"]

logger = logging.getLogger(__name__)


class _RedactUrlPaths(logging.Filter):
    """httpx logs every request's full URL; a webhook URL's path is often its secret."""

    _URL = re.compile(r"(https?://[^/\s\"']+)/[^\s\"']*")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._URL.sub(r"\1/…", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


logging.getLogger("httpx").addFilter(_RedactUrlPaths())

RETRY_BASE = 5.0
RETRY_MAX = 3_600.0


@dataclass(frozen=True, slots=True)
class FlushStats:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    busy: int = 0  # targets left to another sender (another process is delivering to them)


def _timeout(config: Config) -> float:
    return config.monitor.fetch.timeout


def redact_url(url: str) -> str:
    """A webhook URL safe to print: scheme and host only (paths often hold tokens)."""
    parts = urlsplit(url)
    return (
        f"{parts.scheme}://{parts.hostname or '?'}{':' + str(parts.port) if parts.port else ''}/…"
    )


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Monitor-Signature`` value: HMAC-SHA256 over ``"<t>." + body``."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


# -- sending --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: int | None
    error: str | None
    retry: bool
    retry_after: float | None = None
    sent: bool = True  # False when nothing left this process (no secret, address refused)
    delivered: bool | None = None  # e-mail and Apprise say so; a POST by its status

    @property
    def ok(self) -> bool:
        if self.delivered is not None:
            return self.delivered
        return self.status is not None and 200 <= self.status < 300


class Outbox(DigestStore, Protocol):
    """What the sender needs of the store's notification outbox."""

    def pending_targets(self) -> list[str]: ...

    def claim_sender(self, webhook: str, holder: str, *, lease: float) -> bool: ...

    def release_sender(self, webhook: str, holder: str) -> None: ...

    def next_delivery(self, webhook: str) -> dict[str, Any] | None: ...

    def record_attempt(
        self,
        delivery_id: int,
        *,
        status: str,
        http_status: int | None,
        error: str | None,
        duration: float,
        next_attempt_at: str | None,
    ) -> None: ...


def _client(config: Config, *, private: bool = False) -> httpx.AsyncClient:
    """A client bound by the network policy (``private``: one webhook may reach private
    addresses, set on it alone, without opening every policy URL to them)."""
    transport = AddressGuard(
        httpx.AsyncHTTPTransport(retries=0),
        allow_private_networks=config.monitor.allow_private_networks or private,
    )
    timeout = httpx.Timeout(config.monitor.timeout, connect=min(10.0, config.monitor.timeout))
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False)


async def _post(
    client: httpx.AsyncClient,
    webhook: WebhookConfig,
    event_id: str,
    body: bytes,
    user_agent: str,
    timeout: float,
) -> _Outcome:
    headers = {
        **dict(webhook.headers),
        "Content-Type": "application/json",
        "User-Agent": user_agent,
        "Monitor-Event-Id": event_id,
    }
    if webhook.secret is not None:
        secret = webhook.resolve_secret()
        if secret is None:
            error = webhook.secret_problem() or "no secret"
            return _Outcome(None, error, retry=True, sent=False)
        headers["Monitor-Signature"] = sign(secret, int(time.time()), body)
    try:
        # The whole POST within the timeout (httpx bounds each read, not the request), so
        # it always ends well inside the sender's lease.
        async with asyncio.timeout(timeout):
            response = await client.post(webhook.url, content=body, headers=headers)
    except FetchError as exc:  # the network policy refused the address
        return _Outcome(None, str(exc), retry=False, sent=False)
    except (httpx.TimeoutException, TimeoutError):
        return _Outcome(None, "timed out", retry=True)
    except httpx.TransportError as exc:
        return _Outcome(None, f"connection failed: {type(exc).__name__}", retry=True)
    status = response.status_code
    if 200 <= status < 300:
        return _Outcome(status, None, retry=False)
    retry = status in (408, 429) or status >= 500
    return _Outcome(
        status,
        f"HTTP {status}",
        retry=retry,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


async def flush(config: Config, store: Outbox, *, force: bool = False) -> FlushStats:
    """Send every due delivery (all pending ones with ``force``), target by target in order."""
    webhooks = {t.name: t for t in config.targets}
    await asyncio.to_thread(bundle_due_digests, config, store)
    async with _client(config) as client, _client(config, private=True) as private:
        results = await asyncio.gather(
            *(
                _flush_target(
                    private if _private(webhooks[name]) else client,
                    config,
                    store,
                    webhooks[name],
                    force=force,
                )
                for name in await asyncio.to_thread(store.pending_targets)
                if name in webhooks
            )
        )
    return FlushStats(
        delivered=sum(r.delivered for r in results),
        retrying=sum(r.retrying for r in results),
        failed=sum(r.failed for r in results),
        busy=sum(r.busy for r in results),
    )


def _private(target: Target) -> bool:
    return isinstance(target, WebhookConfig) and target.allow_private_networks


async def _flush_target(
    client: httpx.AsyncClient,
    config: Config,
    store: Outbox,
    webhook: Target,
    *,
    force: bool,
) -> FlushStats:
    # One sender per target at a time, across processes: a second flush (the daemon's
    # timer beside a flush after a change, or `monitor notify`) leaves it to the first.
    holder = f"{sender_host()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    lease = 2 * _timeout(config) + 60  # a POST ends within the timeout, well inside it
    if not await asyncio.to_thread(store.claim_sender, webhook.name, holder, lease=lease):
        return FlushStats(busy=1)
    try:
        return await _send_in_order(client, config, store, webhook, holder, lease, force=force)
    finally:
        await asyncio.to_thread(store.release_sender, webhook.name, holder)


async def _send_in_order(
    client: httpx.AsyncClient,
    config: Config,
    store: Outbox,
    webhook: Target,
    holder: str,
    lease: float,
    *,
    force: bool,
) -> FlushStats:
    delivered = retrying = failed = 0
    while True:
        if not await asyncio.to_thread(store.claim_sender, webhook.name, holder, lease=lease):
            break  # the lease was lost (this process stalled past it): the next sender goes on
        row = await asyncio.to_thread(store.next_delivery, webhook.name)
        if row is None:
            break
        now = datetime.now(UTC)
        if not force and datetime.fromisoformat(row["next_attempt_at"]) > now:
            break  # the oldest is waiting: later ones wait behind it, in order
        started = time.monotonic()
        outcome = await _deliver(client, config, webhook, row)
        duration = time.monotonic() - started
        attempts = row["attempts"] + 1
        age = (now - datetime.fromisoformat(row["created_at"])).total_seconds()
        if outcome.ok:
            status, next_at = "delivered", None
            delivered += 1
        elif outcome.retry and age < webhook.max_age:
            delay = min(RETRY_BASE * 2 ** (attempts - 1), RETRY_MAX) * random.uniform(0.5, 1.5)
            if outcome.retry_after is not None:
                delay = max(delay, min(outcome.retry_after, RETRY_MAX))
            status, next_at = "pending", (now + timedelta(seconds=delay)).isoformat()
            retrying += 1
        else:
            status, next_at = "failed", None
            failed += 1
        await asyncio.to_thread(
            store.record_attempt,
            row["id"],
            status=status,
            http_status=outcome.status,
            error=outcome.error,
            duration=duration,
            next_attempt_at=next_at,
        )
        logger.info(
            "delivery id=%s webhook=%s event=%s outcome=%s http=%s attempts=%d%s",
            row["id"],
            webhook.name,
            row["event_type"],
            status,
            outcome.status,
            attempts,
            f" error={outcome.error!r}" if outcome.error else "",
        )
        if status == "pending":
            break  # keep order: nothing after it goes out before it
    return FlushStats(delivered, retrying, failed)


async def _deliver(
    client: httpx.AsyncClient,
    config: Config,
    target: Target,
    row: dict[str, Any],
) -> _Outcome:
    """One attempt at one delivery: a signed POST, or an e-mail through [smtp]."""
    payload = json.loads(row["payload"])
    if isinstance(target, AppriseConfig):
        from monitor.notify.services import send_apprise

        delivered, problem, again = await send_apprise(target, payload)
        return _Outcome(None, problem, retry=again, delivered=delivered)
    if isinstance(target, EmailConfig):
        from monitor.notify.mail import build_message, send_message

        code, error, retry = await send_message(
            config, target, build_message(config, target, payload)
        )
        return _Outcome(code, error, retry=retry, delivered=error is None)
    body = render_body(target.format, payload)
    return await _post(
        client, target, row["event_id"], body, config.monitor.user_agent, _timeout(config)
    )


async def send_test(config: Config, name: str) -> tuple[int | None, str | None, str | None]:
    """Post a sample signed event to webhook ``name``: (HTTP status, error, excerpt of the
    body sent); the excerpt is None when nothing was sent (no secret, address refused)."""
    webhook = next(w for w in config.webhooks if w.name == name)
    sample = PolicyConfig(name="example-policy", url="https://www.example.org/privacy")
    event_id = str(uuid.uuid4())
    payload: dict[str, Any] = {
        "event_id": event_id,
        "event_type": "policy.test",
        "created_at": now_iso(),
        "policy": {"name": sample.name, "url": sample.url, "tags": []},
        "message": "a test event from `monitor webhooks test`",
    }
    body = render_body(webhook.format, payload)
    async with _client(config, private=webhook.allow_private_networks) as client:
        outcome = await _post(
            client, webhook, event_id, body, config.monitor.user_agent, _timeout(config)
        )
    return outcome.status, outcome.error, body.decode("utf-8")[:300] if outcome.sent else None


async def send_test_email(config: Config, name: str) -> tuple[int | None, str | None]:
    """Send a sample event to e-mail target ``name``: (SMTP code, error or None)."""
    from monitor.notify.mail import build_message, send_message

    email = next(e for e in config.emails if e.name == name)
    payload = sample_event()
    code, error, _retry = await send_message(config, email, build_message(config, email, payload))
    return code, error


def sample_event() -> dict[str, Any]:
    """The event ``monitor notify test`` sends."""
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": "policy.test",
        "created_at": now_iso(),
        "policy": {"name": "example-policy", "url": "https://www.example.org/privacy", "tags": []},
        "message": "a test event from `monitor notify test`",
    }
