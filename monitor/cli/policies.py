"""The policy commands of ``monitor``: check, list, history, status."""

from __future__ import annotations

import click

from monitor.cli.common import (
    State,
    console,
    json_option,
    known_policy,
    print_json,
    progress_bar,
)
from monitor.errors import InputError
from monitor.output.tables import check_rows, check_table, history_rows, history_table, policy_table

__all__ = ["check", "history", "list_", "status"]


@click.command()
@click.argument("names", nargs=-1)
@json_option("Print the results as a JSON array.")
@click.pass_obj
def check(state: State, names: tuple[str, ...], as_json: bool) -> None:
    """Check policies once (all, or the NAMES given) and store new versions.

    Exits 0 even when some policies could not be fetched (see the table);
    2 when the configuration is invalid.

    \b
    Example:
        monitor check
        monitor check pcextreme-privacy --json
    """
    config = state.config()
    count = len(names) or len(config.policies)
    if count == 0:
        raise InputError(f"{config.path} has no [[policy]] tables")
    from monitor.pipeline import run_checks

    with progress_bar("checking", count, enabled=not as_json) as (_, advance):
        results = run_checks(config, names, on_done=advance)
    order = {p.name: i for i, p in enumerate(config.policies)}
    results.sort(key=lambda r: order.get(r.policy, 0))
    if as_json:
        print_json(check_rows(results))
    else:
        console().print(check_table(results))


@click.command(name="list")
@click.option("--all", "everything", is_flag=True, help="Also archived policies (history only).")
@json_option()
@click.pass_obj
def list_(state: State, everything: bool, as_json: bool) -> None:
    """List the configured policies with their last check and number of versions.

    With --all, also the archived ones: in the database, no longer in config.toml
    (`history`, `show`, `diff` and the reading room still read them).

    \b
    Example:
        monitor list
        monitor list --all --json | jq '.[] | select(.archived)'
    """
    config = state.config()
    with state.store(sync=False) as store:
        known = {r["name"]: r for r in store.policy_summaries()}
    blank = {"versions": 0, "last_check": None, "last_outcome": None, "last_status": None,
             "last_fetcher": None, "last_notes": None}  # fmt: skip
    rows = [
        {**blank, "last_error": None, **known.get(p.name, {}), "name": p.name, "url": p.url,
         "archived": False}
        for p in config.policies
    ]  # fmt: skip
    if everything:
        configured = {p.name for p in config.policies}
        rows += [{**row, "archived": True} for name, row in known.items() if name not in configured]
    rows.sort(key=lambda row: row["name"])
    if as_json:
        print_json(rows)
    else:
        console().print(policy_table(rows))


@click.command()
@click.argument("name")
@json_option()
@click.pass_obj
def history(state: State, name: str, as_json: bool) -> None:
    """List the stored versions of policy NAME, oldest first.

    \b
    Example:
        monitor history pcextreme-privacy
    """
    known_policy(state, name)
    with state.store(sync=False) as store:
        versions = store.versions(name)
        rows = history_rows(versions)
        if as_json:  # with the change that made each version and where its page came from
            from monitor.evidence import provenance

            changes = {c["new_version"]: c for c in store.changes_of(name)}
            for row, version in zip(rows, versions, strict=True):
                change = changes.get(version.number)
                row["change"] = None if change is None else {
                    "from_version": change["old_version"],
                    "severity": change["severity"],
                    "material": bool(change["comparison"].get("material")),
                    "found_at": change["created_at"],
                }  # fmt: skip
                row["provenance"] = provenance(store, version.id)
    if as_json:
        print_json(rows)
    elif not rows:
        click.echo(f"{name}: no versions stored yet (run `monitor check {name}`)")
    else:
        console().print(history_table(name, rows))


@click.command()
@json_option()
@click.option(
    "--workers",
    is_flag=True,
    help="Show the workers (PostgreSQL store), their heartbeats and the check queue instead.",
)
@click.pass_obj
def status(state: State, as_json: bool, workers: bool) -> None:
    """Show each policy's last and next check, outcome and failures, and the daemon.

    With --workers: the workers of a PostgreSQL store (`monitor worker`), each with
    its heartbeat and checks, and the queue (jobs waiting and running, policies
    claimed and due).

    \b
    Example:
        monitor status
        monitor status --json | jq '.[] | select(.consecutive_failures > 0)'
        monitor status --workers
    """
    from monitor.daemon_lock import daemon_running
    from monitor.output.tables import status_rows, status_table

    config = state.config()
    with state.store(sync=False) as store:
        known = {r["name"]: r for r in store.status_rows()}
        daemon = store.daemon_state()
    blank = dict.fromkeys(
        ("last_check", "last_outcome", "last_error", "next_check", "failure_reported_at")
    )
    policies = [
        {**blank, "consecutive_failures": 0, "versions": 0, **known.get(p.name, {}), "name": p.name}
        for p in sorted(config.policies, key=lambda p: p.name)
    ]
    running = daemon_running(config.monitor.database)
    if isinstance(config.monitor.database, str) and daemon is not None:
        # workers share the daemon's lock: the daemon runs only if it still beats
        running = running and not daemon["stopped_at"] and _recent(daemon["heartbeat_at"])
    rows = status_rows(policies, daemon, running=running)
    if workers:
        from monitor.worker_status import queue_line, report_table, worker_report

        with state.store(sync=False) as store:
            report = worker_report(store)
        if as_json:
            print_json(report)
        else:
            click.echo(queue_line(report))
            console().print(report_table(report))
    elif as_json:
        print_json(rows)
    else:
        console().print(status_table(rows, daemon, running=running))
        if isinstance(config.monitor.database, str):
            from monitor.worker_status import running_line, worker_report

            with state.store(sync=False) as store:
                line = running_line(worker_report(store))
            if line:
                click.echo(line)


def _recent(stamp: str | None, seconds: float = 60.0) -> bool:
    from datetime import UTC, datetime

    from monitor.worker_status import age

    since = age(stamp, datetime.now(UTC))
    return since is not None and since <= seconds
