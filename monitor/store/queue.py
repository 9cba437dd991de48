"""What ``monitor worker`` keeps in the store (PostgreSQL): claims on due policies, the
workers' heartbeats, and the state of the check queue for ``monitor status``.

A claim is a write transaction (one writer at a time), so two workers never claim one
policy. ``claim`` says who claimed it and when; ``next_check_at`` then says until
when (the lease): a claim whose check never ran (its worker died before queueing it)
is claimed again once it runs out. The check's own transaction releases the claim
(``record_check(schedule=...)``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from monitor.models import now_iso
from monitor.store.base import StoreBase

SILENT_AFTER = 5  # heartbeats a live worker may miss before it is taken for dead

__all__ = ["QueueQueries"]


class QueueQueries(StoreBase):
    def claim_due(
        self,
        names: Sequence[str],
        *,
        now: str,
        until: str,
        holder: str,
        limit: int,
        job: Callable[[str], tuple[str, str, str, str]] | None = None,
    ) -> tuple[str, list[str]]:
        """Claim up to ``limit`` of the policies ``names`` that are due at ``now`` (never
        scheduled, planned for then or before, or claimed by a lease that ran out),
        most overdue first, until ``until``; return the claim (its token) and their names.

        ``job``: for each claimed policy, the check job to queue in the same transaction
        (queue, task, lock, queueing lock ``policy:NAME``), with the claim in its
        arguments, through procrastinate's own function; a policy whose job still waits
        in the queue is left to it. A claim is never without its job, whenever a worker
        dies. (PostgreSQL only.)"""
        claim = f"{holder} at {now}"
        if limit <= 0 or not names:
            return claim, []
        waiting = (
            """AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j WHERE j.status = 'todo'
                   AND j.queueing_lock = 'policy:' || policies.name)"""
            if job is not None
            else ""
        )
        with self._write() as db:
            rows = db.execute(
                f"""SELECT name FROM policies WHERE name = ANY(?)
                    AND (next_check_at IS NULL OR next_check_at <= ?) {waiting}
                    ORDER BY next_check_at NULLS FIRST, name LIMIT ?""",
                [list(names), now, limit],
            ).fetchall()
            claimed = [r[0] for r in rows]
            if claimed:
                db.execute(
                    "UPDATE policies SET claim = ?, next_check_at = ? WHERE name = ANY(?)",
                    [claim, until, claimed],
                )
            for name in claimed:
                if job is None:
                    break
                queue, task, lock, queueing = job(name)
                db.execute(
                    """SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(?, ?, 0, ?, ?, ?::jsonb, NULL)
                           ::procrastinate_job_to_defer_v1])
                       WHERE NOT EXISTS (SELECT 1 FROM procrastinate_jobs
                                         WHERE queueing_lock = ? AND status = 'todo')""",
                    [queue, task, lock, queueing, json.dumps({"policy": name, "claim": claim}),
                     queueing],
                )  # fmt: skip
        return claim, claimed

    def claim_of(self, name: str) -> str | None:
        """The claim on ``name`` (None: none; its check was recorded since)."""
        rows = self._rows("SELECT claim FROM policies WHERE name = ?", [name])
        return rows[0]["claim"] if rows else None

    def hand_back(self, name: str, *, claim: str) -> bool:
        """Make ``name`` due now if ``claim`` is still its claim (the worker that held
        the claim's job died during its check); whether it was."""
        with self._write() as db:
            done = db.execute(
                "UPDATE policies SET next_check_at = ? WHERE name = ? AND claim = ?",
                [now_iso(), name, claim],
            ).rowcount
        return bool(done)

    def release(self, name: str, *, claim: str, next_check_at: str) -> None:
        """Release ``claim`` without a check (the policy left the configuration, or its
        check failed before anything was stored), if it is still the policy's."""
        with self._write() as db:
            db.execute(
                "UPDATE policies SET claim = NULL, next_check_at = ? WHERE name = ? AND claim = ?",
                [next_check_at, name, claim],
            )

    def stalled_after(self, *, since: str, least: float) -> float:
        """Seconds without a heartbeat after which a worker is dead, for every worker
        heard from since ``since`` (at least ``least``): five of its heartbeats and its
        shutdown time (a worker stopping lets its checks finish without beating)."""
        rows = self._rows(
            "SELECT MAX(? * beat_seconds + stop_seconds) AS most FROM workers "
            "WHERE heartbeat_at >= ? AND stopped_at IS NULL",
            [SILENT_AFTER, since],
        )
        most = rows[0]["most"] if rows else None
        return max(least, float(most or 0.0))

    def worker_beat(
        self,
        name: str,
        *,
        host: str,
        pid: int,
        started_at: str,
        checks: int,
        every: float,
        stop: float,
        stopped: bool = False,
    ) -> None:
        """A worker's heartbeat (``every`` seconds) with its count of checks and the time
        it gives its checks to finish when it stops (``stop`` seconds)."""
        now = now_iso()
        with self._write() as db:
            db.execute(
                """INSERT INTO workers (name, host, pid, started_at, heartbeat_at, stopped_at,
                       checks, beat_seconds, stop_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(name) DO UPDATE SET heartbeat_at = excluded.heartbeat_at,
                     stopped_at = excluded.stopped_at, checks = excluded.checks,
                     beat_seconds = excluded.beat_seconds, stop_seconds = excluded.stop_seconds""",
                [
                    name,
                    host,
                    pid,
                    started_at,
                    now,
                    now if stopped else None,
                    checks,
                    every,
                    stop,
                ],
            )

    def worker_rows(self, *, since: str = "") -> list[dict[str, Any]]:
        """The workers heard from at or after ``since``, the most recent first."""
        return self._rows(
            "SELECT name, host, pid, started_at, heartbeat_at, stopped_at, checks, beat_seconds "
            "FROM workers WHERE heartbeat_at >= ? ORDER BY heartbeat_at DESC, name",
            [since],
        )

    def due_count(self, now: str) -> int:
        """How many policies are due at ``now`` and not claimed."""
        rows = self._rows(
            "SELECT COUNT(*) AS n FROM policies WHERE claim IS NULL "
            "AND (next_check_at IS NULL OR next_check_at <= ?)",
            [now],
        )
        return int(rows[0]["n"])

    def queue_counts(self, queue: str) -> dict[str, int]:
        """Jobs of the check queue by state (procrastinate's table), and the claims held;
        empty when no worker has made the queue yet."""
        if not self.postgres or not self._rows(
            "SELECT 1 AS found WHERE to_regclass('procrastinate_jobs') IS NOT NULL"
        ):
            return {}
        rows = self._rows(
            "SELECT status, COUNT(*) AS n FROM procrastinate_jobs WHERE queue_name = ? "
            "GROUP BY status",
            [queue],
        )
        counts = {str(r["status"]): int(r["n"]) for r in rows}
        claims = self._rows("SELECT COUNT(*) AS n FROM policies WHERE claim IS NOT NULL")
        counts["claimed"] = int(claims[0]["n"])
        return counts
