"""The notification outbox: deliveries queued with the check that causes them, and
the sender's reads and writes of them."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.models import now_iso
from monitor.store.base import Executor, StoreBase

__all__ = ["Outbox", "enqueue", "sender_host"]


def sender_host() -> str:
    """This host as a sender's lease names it: the host name and the pid namespace, so
    two containers with one host name never read each other's pids."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        namespace = 0
    return f"{socket.gethostname()}#{namespace}"


def _alive(holder: str) -> bool:
    """Whether the process named in ``holder`` may still run: on another host or pid
    namespace, always (its lease must expire); on this one, while its pid exists."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != sender_host() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def enqueue(db: Executor, events: Sequence[Any], *, change_id: int | None, at: str) -> None:
    """Queue one delivery per event (inside the caller's transaction); a repeat is ignored.
    An event for a target with a digest is ``held`` until its digest is built."""
    for event in events:
        db.execute(
            """INSERT OR IGNORE INTO deliveries (event_id, event_type, webhook, policy,
                   change_id, payload, created_at, next_attempt_at, status)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                event.event_id,
                event.event_type,
                event.webhook,
                event.policy,
                change_id,
                json.dumps(event.payload, ensure_ascii=False),
                at,
                at,
                "held" if getattr(event, "held", False) else "pending",
            ],
        )


class _Raced(Exception):
    """Another process bundled the same held deliveries first (the transaction is undone)."""


class Outbox(StoreBase):
    """The ``deliveries`` and ``delivery_attempts`` tables."""

    def pending_targets(self) -> list[str]:
        rows = self._rows("SELECT DISTINCT webhook FROM deliveries WHERE status = 'pending'")
        return sorted(r["webhook"] for r in rows)

    def claim_sender(self, webhook: str, holder: str, *, lease: float) -> bool:
        """Take (or renew) the right to send to ``webhook`` for ``lease`` seconds; False
        while another sender holds it.  A lease is free once it expired, or when its
        holder is a process of this host that no longer runs (it crashed)."""
        now = datetime.now(UTC)
        until = (now + timedelta(seconds=lease)).isoformat(timespec="seconds")
        with self._write() as db:
            row = db.execute(
                "SELECT holder, until FROM senders WHERE webhook = ?", [webhook]
            ).fetchone()
            if row is not None and row[0] != holder:
                expired = datetime.fromisoformat(row[1]) <= now
                if not expired and _alive(row[0]):
                    return False
            db.execute(
                "INSERT INTO senders (webhook, holder, until) VALUES (?, ?, ?) "
                "ON CONFLICT(webhook) DO UPDATE SET holder = excluded.holder, "
                "until = excluded.until",
                [webhook, holder, until],
            )
        return True

    def release_sender(self, webhook: str, holder: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM senders WHERE webhook = ? AND holder = ?", [webhook, holder])

    def next_delivery(self, webhook: str) -> dict[str, Any] | None:
        """The oldest pending delivery of a target (deliveries go out in order)."""
        rows = self._rows(
            "SELECT * FROM deliveries WHERE webhook = ? AND status = 'pending' ORDER BY id LIMIT 1",
            [webhook],
        )
        return rows[0] if rows else None

    def release_held(self, target: str) -> int:
        """Send on their own the events ``target`` held for a digest it no longer has."""
        with self._write() as db:
            return int(
                db.execute(
                    "UPDATE deliveries SET status = 'pending', next_attempt_at = ? "
                    "WHERE webhook = ? AND status = 'held'",
                    [now_iso(), target],
                ).rowcount
            )

    def held_deliveries(self, target: str, *, before: str) -> list[dict[str, Any]]:
        """The events of ``target`` waiting for its digest, queued before ``before``."""
        return self._rows(
            """SELECT * FROM deliveries WHERE webhook = ? AND status = 'held'
               AND created_at < ? ORDER BY id""",
            [target, before],
        )

    def bundle_digest(
        self, target: str, ids: Sequence[int], *, event_id: str, payload: dict[str, Any]
    ) -> bool:
        """In one transaction: mark the held deliveries ``ids`` digested and queue the digest
        ``event_id``. False (nothing done) when another process bundled them first."""
        now = now_iso()
        marks = ", ".join("?" for _ in ids)
        try:
            with self._write() as db:
                taken = db.execute(
                    f"""UPDATE deliveries SET status = 'digested', last_error = ?
                        WHERE webhook = ? AND status = 'held' AND id IN ({marks})""",
                    [f"in {event_id}", target, *ids],
                ).rowcount
                if taken != len(ids):
                    raise _Raced()
                db.execute(
                    """INSERT OR IGNORE INTO deliveries (event_id, event_type, webhook, policy,
                           payload, created_at, next_attempt_at)
                       VALUES (?, 'digest', ?, '*', ?, ?, ?)""",
                    [event_id, target, json.dumps(payload, ensure_ascii=False), now, now],
                )
        except _Raced:
            return False
        return True

    def record_attempt(
        self,
        delivery_id: int,
        *,
        status: str,
        http_status: int | None,
        error: str | None,
        duration: float,
        next_attempt_at: str | None,
    ) -> None:
        now = now_iso()
        with self._write() as db:
            db.execute(
                """INSERT INTO delivery_attempts (delivery_id, at, http_status, error, duration_ms)
                   VALUES (?, ?, ?, ?, ?)""",
                [delivery_id, now, http_status, error, round(duration * 1000)],
            )
            db.execute(  # only a pending one: a late sender never undoes a delivery
                """UPDATE deliveries SET status = ?, attempts = attempts + 1, last_status = ?,
                       last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                       delivered_at = CASE WHEN ? = 'delivered' THEN ? END
                   WHERE id = ? AND status = 'pending'""",
                [status, http_status, error, next_attempt_at, status, now, delivery_id],
            )

    def deliveries(self, *, include_delivered: bool = False) -> list[dict[str, Any]]:
        where = "" if include_delivered else "WHERE status NOT IN ('delivered', 'digested')"
        return self._rows(
            f"""SELECT id, event_id, event_type, webhook, policy, status, attempts, created_at,
                       next_attempt_at, delivered_at, last_status, last_error
                FROM deliveries {where} ORDER BY id"""
        )

    def delivery_attempts(self, delivery_id: int) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id", [delivery_id]
        )

    def retry_delivery(self, delivery_id: int) -> bool:
        """Requeue a delivery (failed or waiting) to go out at the next flush."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, "
                "created_at = ? WHERE id = ? AND status != 'delivered'",
                [now_iso(), now_iso(), delivery_id],
            )
            return bool(cursor.rowcount)
