"""What ``monitor status`` says of the workers of a PostgreSQL store: each worker with
its heartbeat and checks, and the queue (jobs waiting, running, failed; policies
claimed and due)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from rich.table import Table

from monitor.output.safe import cell
from monitor.store import Store
from monitor.store.queue import SILENT_AFTER

__all__ = [
    "QUEUE",
    "SILENT_AFTER",
    "age",
    "queue_line",
    "report_table",
    "running_line",
    "worker_report",
]

QUEUE = "monitor-checks"  # procrastinate's queue of the checks


def age(stamp: str | None, now: datetime) -> float | None:
    """Seconds from the ISO time ``stamp`` to ``now`` (None: no readable time)."""
    if not stamp:
        return None
    try:
        then = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return (now - (then if then.tzinfo else then.replace(tzinfo=UTC))).total_seconds()


def worker_report(store: Store, *, now: datetime | None = None) -> dict[str, Any]:
    """``{"workers": [...], "queue": {...}}``: the workers heard from in the last day, most
    recent first (``state``: running, stopped, or silent: five heartbeats missed),
    and the queue's jobs by state with the policies claimed and due now."""
    now = now or datetime.now(UTC)
    workers = []
    for row in store.worker_rows(since=(now - timedelta(days=1)).isoformat(timespec="seconds")):
        since = age(row["heartbeat_at"], now)
        if row["stopped_at"]:
            state = "stopped"
        elif since is not None and since <= SILENT_AFTER * float(row["beat_seconds"]) + 1:
            state = "running"
        else:
            state = "silent"
        workers.append({**row, "state": state, "heartbeat_age_s": round(since or 0.0, 1)})
    counts = store.queue_counts(QUEUE)
    due = store.due_count(now.isoformat(timespec="seconds"))
    queue = {
        "waiting": counts.get("todo", 0),
        "running": counts.get("doing", 0),
        "failed": counts.get("failed", 0),
        "claimed": counts.get("claimed", 0),
        "due": due,
    }
    return {"workers": workers, "queue": queue}


def queue_line(report: dict[str, Any]) -> str:
    queue = report["queue"]
    return (
        f"queue: {queue['waiting']} waiting, {queue['running']} running, {queue['failed']} "
        f"lost with a worker; policies: {queue['claimed']} claimed, {queue['due']} due "
        "and not yet claimed"
    )


def running_line(report: dict[str, Any]) -> str | None:
    """One line for ``monitor status`` when workers run (None when none does)."""
    running = sum(1 for w in report["workers"] if w["state"] == "running")
    if not running:
        return None
    return f"{running} worker(s) running: see `monitor status --workers`"


def report_table(report: dict[str, Any]) -> Table:
    table = Table(title=f"{len(report['workers'])} worker(s) heard from in the last day",
                  title_justify="left")  # fmt: skip
    for column in ("worker", "state", "heartbeat", "age", "started", "checks"):
        table.add_column(column, justify="right" if column in ("age", "checks") else "left")
    for row in report["workers"]:
        table.add_row(
            cell(row["name"]),
            row["state"],
            cell(row["heartbeat_at"]),
            f"{row['heartbeat_age_s']:.0f}s",
            cell(row["started_at"]),
            str(row["checks"]),
        )
    return table
