"""``monitor rename``: a policy's history keeps up with its name."""

from __future__ import annotations

import click

from monitor.cli.common import State
from monitor.errors import InputError
from monitor.output.safe import visible

__all__ = ["rename"]


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--replace", is_flag=True, help="Drop NEW's own history first (never merged).")
@click.pass_obj
def rename(state: State, old: str, new: str, replace: bool) -> None:
    """Give policy OLD's history (versions, checks, changes) the name NEW.

    Run it when a policy's name changes in config.toml (before or after the edit):
    without it, NEW starts again at version 1 and OLD's history stays archived.
    The daemon must be stopped.

    \b
    Example:
        monitor rename zooplus zooplus-nl
    """
    from monitor.config_checks import NAME_PATTERN
    from monitor.daemon import daemon_running

    config = state.config()
    if not NAME_PATTERN.fullmatch(new):
        raise InputError(f"{new!r} is not a policy name (letters, digits, '.', '_', '-')")
    if daemon_running(config.monitor.database):
        raise InputError("the daemon is running (it checks policies by name): stop it first")
    with state.store(sync=False) as store:  # (a sync would advise this very rename)
        moved = store.rename_policy(old, new, replace=replace)
    click.echo(
        f"{visible(old)} is now {visible(new)}: {moved['versions']} version(s) and "
        f"{moved['checks']} check(s) moved"
    )
    if config.policy(old) is not None:
        click.echo(
            f"config.toml still names {visible(old)}: rename it there to {visible(new)}, "
            "or its next check starts a new history under the old name",
            err=True,
        )
    elif config.policy(new) is None:
        click.echo(
            f"{visible(new)} is not in {config.path}: it stays archived until a [[policy]] "
            "names it",
            err=True,
        )
