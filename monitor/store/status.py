"""The schedule, the daemon's heartbeat, and the status, feed and integrity queries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from monitor.models import now_iso
from monitor.store.base import StoreBase

__all__ = ["StatusQueries"]


class StatusQueries(StoreBase):
    """The schedule and heartbeat, and what ``status``, ``feed`` and crash checks read."""

    # -- scheduling and the daemon ------------------------------------------------

    def set_schedule(
        self,
        policy: str,
        *,
        next_check_at: str,
    ) -> None:
        """When the daemon checks ``policy`` next."""
        with self._write() as db:
            db.execute(
                "UPDATE policies SET next_check_at = ? WHERE name = ?", [next_check_at, policy]
            )

    def changes_for_feed(
        self, *, policies: Sequence[str], limit: int = 100
    ) -> list[dict[str, Any]]:
        """Material changes of the given policies, newest first, with their comparison."""
        if not policies:
            return []
        marks = ", ".join("?" for _ in policies)
        rows = self._rows(
            f"""SELECT c.id, c.created_at, c.comparison, p.name AS policy, p.url,
                       o.number AS old_version, n.number AS new_version
                FROM changes c JOIN policies p ON p.id = c.policy_id
                JOIN versions o ON o.id = c.old_version_id
                JOIN versions n ON n.id = c.new_version_id
                WHERE c.severity = 'material' AND p.name IN ({marks})
                ORDER BY c.id DESC LIMIT ?""",
            [*policies, limit],
        )
        for row in rows:
            row["comparison"] = json.loads(row["comparison"])
        return rows

    def heartbeat(self, *, pid: int, started_at: str, stopped: bool = False) -> None:
        now = now_iso()
        with self._write() as db:
            db.execute(
                """INSERT INTO daemon (id, pid, started_at, heartbeat_at, stopped_at)
                   VALUES (1, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET pid = excluded.pid,
                     started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,
                     stopped_at = excluded.stopped_at""",
                [pid, started_at, now, now if stopped else None],
            )

    def daemon_state(self) -> dict[str, Any] | None:
        rows = self._rows("SELECT pid, started_at, heartbeat_at, stopped_at FROM daemon")
        return rows[0] if rows else None

    def status_rows(self) -> list[dict[str, Any]]:
        """One row per policy: last check, outcome, next check, failures, versions."""
        return self._rows(
            """SELECT p.name, c.started_at AS last_check, c.outcome AS last_outcome,
                      c.error AS last_error, p.next_check_at AS next_check,
                      p.consecutive_failures, p.failure_reported_at,
                      (SELECT COUNT(*) FROM versions v WHERE v.policy_id = p.id) AS versions
               FROM policies p
               LEFT JOIN checks c ON c.id = (SELECT MAX(id) FROM checks WHERE policy_id = p.id)
               ORDER BY p.name"""
        )

    def snapshot_rows(self) -> list[dict[str, Any]]:
        """Every recorded snapshot: its ``sha256`` and ``path`` (relative to the folder)."""
        return self._rows("SELECT sha256, path FROM snapshots ORDER BY sha256")

    def integrity_problems(self, snapshot_root: Path) -> list[str]:
        """Consistency checks used after crashes: returns what is wrong (empty = consistent)."""
        problems: list[str] = []
        for row in [] if self.postgres else self._rows("PRAGMA integrity_check"):
            value = next(iter(row.values()))
            if value != "ok":
                problems.append(f"sqlite: {value}")
        for row in self._rows("SELECT sha256, path FROM snapshots"):
            if not (snapshot_root / row["path"]).exists():
                problems.append(
                    f"snapshot {row['sha256']} is recorded but missing"
                    + self._used_by(row["sha256"])
                )
        for row in self._rows(
            """SELECT policy_id FROM versions GROUP BY policy_id
               HAVING COUNT(*) != MAX(number)"""
        ):
            problems.append(f"policy {row['policy_id']} has gaps in its version numbers")
        for row in self._rows(
            """SELECT a.id FROM versions a JOIN versions b
               ON a.policy_id = b.policy_id AND b.number = a.number + 1
               WHERE a.text_hash = b.text_hash"""
        ):
            problems.append(f"version {row['id']} is followed by an identical version")
        return problems

    def _used_by(self, digest: str) -> str:
        """Which versions (or, failing those, how many checks) a snapshot is the page of."""
        versions = [
            f"{row['name']} v{row['number']}"
            for row in self._rows(
                """SELECT p.name, v.number FROM versions v JOIN policies p ON p.id = v.policy_id
                   WHERE v.snapshot_sha256 = ? ORDER BY p.name, v.number""",
                [digest],
            )
        ]
        if versions:
            more = f" and {len(versions) - 5} more" if len(versions) > 5 else ""
            return f" (the page of {', '.join(versions[:5])}{more})"
        rows = self._rows(
            """SELECT p.name, COUNT(*) n FROM checks c JOIN policies p ON p.id = c.policy_id
               WHERE c.snapshot_sha256 = ? GROUP BY p.name ORDER BY p.name""",
            [digest],
        )
        checks = [f"{row['name']} ({row['n']} check(s))" for row in rows]
        return f" (fetched by {', '.join(checks)})" if checks else ""
