"""``monitor rename`` (a policy's history keeps up with its name) and ``monitor export``
(the history taken elsewhere)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import State
from monitor.errors import InputError
from monitor.output.safe import visible

__all__ = ["export", "rename"]


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
    from monitor.daemon_lock import daemon_running

    config = state.config()
    if len(new) > 100:
        raise InputError(f"a policy name has at most 100 characters ({len(new)} given)")
    if not NAME_PATTERN.fullmatch(new):
        raise InputError(f"{new!r} is not a policy name (letters, digits, '.', '_', '-')")
    if daemon_running(config.monitor.database):
        raise InputError(
            "the daemon (or a worker) is running: it checks policies by name: stop it first"
        )
    with state.store(sync=False) as store:  # (a sync would advise this very rename)
        moved = store.rename_policy(old, new, replace=replace)
    click.echo(
        f"{visible(old)} is now {visible(new)}: {moved['versions']} version(s) and "
        f"{moved['checks']} check(s) moved"
    )
    if any(moved["dropped"].values()):
        click.echo(
            f"dropped the history {visible(new)} had of its own: "
            f"{moved['dropped']['versions']} version(s), {moved['dropped']['checks']} check(s)",
            err=True,
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


@click.command()
@click.argument("names", nargs=-1)
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["git", "jsonl"]), default="jsonl", show_default=True,
    help="git: a repository, one commit per version; jsonl: versions.jsonl and changes.jsonl.",
)  # fmt: skip
@click.pass_obj
def export(state: State, names: tuple[str, ...], target: Path, fmt: str) -> None:
    """Export the history of policies NAMES (default: every one, archived too) to TARGET.

    \b
    Example:
        monitor export --format git history-repo
        monitor export pcextreme-privacy --format jsonl out/
    """
    from monitor.export import export as write

    config = state.config()
    with state.store(sync=False) as store:
        known = store.stored_names()
        if not names and str(target) in known:
            raise InputError(
                f"{str(target)!r} is a policy; name the folder too: monitor export {target!s} DIR"
            )
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InputError(f"no policy named {unknown[0]!r} in the database {store.path}")
        chosen = sorted(names or known)
        language = None if config.monitor.summary_language == "policy" else (
            config.monitor.summary_language
        )  # fmt: skip
        done = write(store, chosen, fmt, target, summary_language=language)
    click.echo(
        f"exported {done.versions} version(s) and {done.changes} change(s) of "
        f"{done.policies} policy(ies) to {visible(str(target))} ({fmt})"
    )
