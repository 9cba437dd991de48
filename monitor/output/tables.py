"""Tables and JSON rows for the CLI's listing commands (one place, so both agree).

rich loads only when a table is drawn: ``--json`` output needs none of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from monitor.models import CheckOutcome
from monitor.output.safe import add_row, cell
from monitor.records import CheckResult, VersionRecord

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

__all__ = [
    "check_rows",
    "check_table",
    "history_rows",
    "history_table",
    "policy_table",
    "status_rows",
    "status_table",
]

_OUTCOME_STYLE = {
    CheckOutcome.NEW_VERSION: "bold green",
    CheckOutcome.UNCHANGED: "dim",
    CheckOutcome.NOT_MODIFIED: "dim",
    CheckOutcome.FLAPPING: "yellow",
    CheckOutcome.ANOMALY: "yellow",
    CheckOutcome.ERROR: "bold red",
}


def _outcome(value: str | None) -> Text:
    from rich.text import Text

    if not value:
        return Text("never checked", style="dim")
    return Text(value, style=_OUTCOME_STYLE.get(CheckOutcome(value), ""))


_SEVERITY_STYLE = {"material": "bold red", "minor": "yellow", "cosmetic": "dim", "none": "dim"}


def _severity(value: str | None) -> Text:
    from rich.text import Text

    return Text(value or "-", style=_SEVERITY_STYLE.get(value or "", "dim"))


def check_rows(results: Iterable[CheckResult]) -> list[dict[str, Any]]:
    return [
        {
            "policy": r.policy,
            "outcome": str(r.outcome),
            "http_status": r.http_status,
            "version": r.version,
            "severity": r.severity,
            "size": r.size,
            "duration_s": round(r.duration, 3),
            "started_at": r.started_at,
            "error": r.error,
            "fetcher": r.fetcher,
            "notes": list(r.notes),
        }
        for r in results
    ]


def check_table(results: Sequence[CheckResult], *, title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=cell(title) if title else None, title_justify="left")
    for column in ("policy", "outcome", "HTTP", "version", "change", "size", "time", "detail"):
        table.add_column(column, justify="right" if column in ("HTTP", "size", "time") else "left")
    for r in results:
        add_row(
            table,
            r.policy,
            _outcome(r.outcome),
            str(r.http_status or "-"),
            str(r.version) if r.version else "-",
            _severity(r.severity),
            f"{r.size:,}" if r.size else "-",
            f"{r.duration:.2f}s",
            "; ".join(filter(None, [r.error, *r.notes])),
        )
    return table


def policy_table(rows: Sequence[dict[str, Any]]) -> Table:
    from rich.table import Table

    table = Table()
    for column in ("policy", "url", "last check", "outcome", "versions", "detail"):
        table.add_column(column, justify="right" if column == "versions" else "left")
    for row in rows:
        add_row(
            table,
            row["name"] + (" (archived)" if row.get("archived") else ""),
            row["url"],
            row["last_check"] or "-",
            _outcome(row["last_outcome"]),
            str(row["versions"]),
            row["last_error"] or (row.get("last_notes") or "").replace("\n", "; "),
        )
    return table


def history_rows(versions: Iterable[VersionRecord]) -> list[dict[str, Any]]:
    return [
        {
            "version": v.number,
            "variant": v.variant,
            "first_seen": v.first_seen,
            "last_seen": v.last_seen,
            "declared_date": v.declared_date,
            "size": v.size,
            "language": v.language,
            "title": v.title,
            "text_hash": v.text_hash,
        }
        for v in versions
    ]


def history_table(policy: str, rows: Sequence[dict[str, Any]]) -> Table:
    from rich.table import Table

    table = Table(title=cell(f"history of {policy}"), title_justify="left")
    # A URL that serves several documents in turn keeps a line of versions per variant.
    variants = any(row.get("variant", 1) != 1 for row in rows)
    columns = ("version", "variant") if variants else ("version",)
    for column in (*columns, "first seen", "last seen", "declared", "size", "title"):
        right = column in ("version", "variant", "size")
        table.add_column(column, justify="right" if right else "left")
    for row in rows:
        add_row(
            table,
            str(row["version"]),
            *([str(row["variant"])] if variants else []),
            row["first_seen"],
            row["last_seen"],
            row["declared_date"] or "-",
            f"{row['size']:,}",
            row["title"] or "",
        )
    return table


def status_rows(
    policies: Sequence[dict[str, Any]], daemon: dict[str, Any] | None, *, running: bool
) -> list[dict[str, Any]]:
    return [
        {
            "policy": row["name"],
            "last_check": row["last_check"],
            "last_outcome": row["last_outcome"],
            "last_error": row["last_error"],
            "next_check": row["next_check"] if running else None,
            "consecutive_failures": row["consecutive_failures"],
            "reported_unreachable_at": row["failure_reported_at"],
            "versions": row["versions"],
            "daemon_running": running,
            "daemon_pid": daemon["pid"] if daemon and running else None,
            "daemon_heartbeat": daemon["heartbeat_at"] if daemon else None,
        }
        for row in policies
    ]


def status_table(
    rows: Sequence[dict[str, Any]], daemon: dict[str, Any] | None, *, running: bool
) -> Table:
    if running and daemon:
        title = (
            f"daemon running (pid {daemon['pid']}, since {daemon['started_at']}, "
            f"heartbeat {daemon['heartbeat_at']})"
        )
    elif daemon:
        title = f"daemon not running (last heartbeat {daemon['heartbeat_at']})"
    else:
        title = "daemon not running (never started on this database)"
    from rich.table import Table
    from rich.text import Text

    table = Table(title=cell(title), title_justify="left")
    for column in ("policy", "last check", "outcome", "next check", "failures", "versions"):
        table.add_column(column, justify="right" if column in ("failures", "versions") else "left")
    for row in rows:
        failures = row["consecutive_failures"] or 0
        add_row(
            table,
            row["policy"],
            row["last_check"] or "-",
            _outcome(row["last_outcome"]),
            row["next_check"] or "-",
            Text(str(failures), style="bold red" if failures else "dim"),
            str(row["versions"]),
        )
    return table
