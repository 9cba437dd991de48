"""Digests: for a target with ``digest = "daily"`` or ``"weekly"``, its events wait in
the outbox (``held``) and go out as one message per period, at ``digest_at`` in the
configured time zone (weekly: on Mondays).

A digest is built in one transaction that marks its events ``digested`` and queues
the digest as an ordinary delivery, under an id made of the target and the period:
a crash before it commits leaves the events held (built again, the same, next time);
after, the digest is in the outbox like any event (sent at least once, and never
built twice). The sender calls :func:`bundle_due_digests` before every flush.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from monitor.config import Config, Target
from monitor.models import Severity, now_iso
from monitor.notify.formats import summary_line

__all__ = ["DigestStore", "bundle_due_digests", "digest_payload", "due_moment"]

SEVERITIES = Severity.names()


class DigestStore(Protocol):
    def release_held(self, target: str) -> int: ...

    def held_deliveries(self, target: str, *, before: str) -> list[dict[str, Any]]: ...

    def bundle_digest(
        self, target: str, ids: Sequence[int], *, event_id: str, payload: dict[str, Any]
    ) -> bool: ...


def due_moment(target: Target, zone: ZoneInfo, now: datetime) -> datetime:
    """The latest moment at or before ``now`` a digest of ``target`` was due (UTC)."""
    hour, minute = (int(part) for part in target.digest_at.split(":"))
    local = now.astimezone(zone)
    moment = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if moment > local:
        moment -= timedelta(days=1)
    if target.digest == "weekly":
        moment -= timedelta(days=moment.weekday())  # back to that week's Monday
        moment = moment.replace(hour=hour, minute=minute)  # (the same wall time)
    return moment.astimezone(UTC)


def _rank(item: dict[str, Any]) -> tuple[int, str]:
    severity = item.get("severity")
    return (-(SEVERITIES.index(severity) if severity in SEVERITIES else -1), item["created_at"])


def digest_payload(
    target: str,
    rows: Sequence[dict[str, Any]],
    *,
    until: datetime,
    event_id: str,
    zone: ZoneInfo | None = None,
) -> dict[str, Any]:
    """The digest of the held ``rows``: every change (most severe first) and report."""
    items = []
    for row in rows:
        payload = json.loads(row["payload"])
        changed = payload["event_type"] == "policy.changed"
        items.append(
            {
                "event_type": payload["event_type"],
                "policy": row["policy"],
                "created_at": row["created_at"],
                "severity": payload.get("severity") if changed else None,
                "summary": payload.get("summary") or summary_line(payload),
                "change_url": payload.get("change_url"),
                "diff_command": payload.get("diff_command"),
            }
        )
    items.sort(key=_rank)
    counts = Counter(i["severity"] for i in items if i["severity"])
    return {
        "event_id": event_id,
        "event_type": "digest",
        "created_at": now_iso(),
        "target": target,
        "period_from": min(r["created_at"] for r in rows),
        "period_until": until.isoformat(timespec="seconds"),
        # as the readers' clock says it ([monitor] timezone)
        "period_until_local": until.astimezone(zone or UTC).strftime("%Y-%m-%d %H:%M %Z"),
        "counts": {s: counts[s] for s in reversed(SEVERITIES) if counts[s]},
        "changes": sum(1 for i in items if i["event_type"] == "policy.changed"),
        "items": items,
    }


def bundle_due_digests(config: Config, store: DigestStore, *, now: datetime | None = None) -> int:
    """Build every digest that is due (a target's events held since before its last due
    moment); returns how many were queued."""
    zone = ZoneInfo(config.monitor.timezone)
    moment = now or datetime.now(UTC)
    made = 0
    for target in config.targets:
        if target.digest == "off":
            store.release_held(target.name)  # (its digest was turned off: nothing strands)
            continue
        until = due_moment(target, zone, moment)
        rows = store.held_deliveries(target.name, before=until.isoformat(timespec="seconds"))
        if not rows:
            continue
        event_id = f"digest-{target.name}-{until:%Y%m%dT%H%MZ}"
        payload = digest_payload(target.name, rows, until=until, event_id=event_id, zone=zone)
        if store.bundle_digest(
            target.name, [r["id"] for r in rows], event_id=event_id, payload=payload
        ):
            made += 1
    return made
