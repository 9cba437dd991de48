"""``monitor migrate-store``: the SQLite store copied into a PostgreSQL database."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import State
from monitor.errors import InputError

__all__ = ["migrate_store"]


@click.command("migrate-store")
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL",
    help="The PostgreSQL database to copy into (postgresql://..., or env:NAME); empty.",
)
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The SQLite database to copy (default: the config's database).",
)
@click.pass_obj
def migrate_store(state: State, target: str, source: Path | None) -> None:
    """Copy the SQLite store into an empty PostgreSQL database and verify the copy.

    Versions, changes, checks, the notification outbox and the schedule are copied
    with their ids in one transaction, then both databases are read back and
    compared table by table. The source is not changed (an older schema of it is
    upgraded first, as by any command); snapshot files stay in the
    snapshots folder. Stop the daemon first; afterwards set `database` in the config
    to the new address.

    \b
    Example:
        monitor migrate-store --to postgresql://monitor@db.internal/monitor
    """
    from monitor.config_checks import display_url, from_env, is_postgres
    from monitor.daemon_lock import daemon_running
    from monitor.store import Store
    from monitor.store.migrate import copy_store, open_source

    try:
        target = from_env(target)
    except ValueError as exc:
        raise InputError(f"--to: {exc}") from None
    if not is_postgres(target):
        raise InputError(f"--to {display_url(target)!r} is not a postgresql:// address")
    if source is None:
        database = state.config().monitor.database
        if not isinstance(database, Path):
            raise InputError(
                "the config's database is already a PostgreSQL database: "
                "name the SQLite file to copy with --from"
            )
        source = database
    if daemon_running(source):
        raise InputError(f"a daemon is running on {source}: stop it first")

    def progress(table: str, done: int, total: int) -> None:
        if done == total:
            click.echo(f"copied {table}: {done:,} row(s)", err=True)

    with open_source(source) as lite, Store.open(target) as pg:
        copied = copy_store(lite, pg, progress=progress)
    rows = sum(c.rows for c in copied)
    click.echo(
        f"copied {rows:,} row(s) of {len(copied)} tables from {source} to "
        f"{display_url(target)} and verified them row by row"
    )
    if display_url(target) == target:
        click.echo(f'next: set database = "{target}" in the config', err=True)
    else:  # never shown with its password
        click.echo("next: set database in the config to that address (or env:NAME)", err=True)
