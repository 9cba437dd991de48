"""``monitor import``: policies from elsewhere (Open Terms Archive declarations)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.cli.common import State, progress_bar
from monitor.errors import InputError
from monitor.output.safe import visible

if TYPE_CHECKING:
    from monitor.records import Capture
    from monitor.replay import Replayed

__all__ = ["backfill", "import_"]


@click.group(name="import")
def import_() -> None:
    """Add policies and their history from Open Terms Archive.

    \b
    Example:
        monitor import ota declarations/ --service Adobe --dry-run
    """


@import_.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--service", "services", multiple=True, help="Only this service (repeatable).")
@click.option("--dry-run", is_flag=True, help="Print the [[policy]] tables; change nothing.")
@click.pass_obj
def ota(state: State, folder: Path, services: tuple[str, ...], dry_run: bool) -> None:
    """Add a [[policy]] for each document of Open Terms Archive declarations in FOLDER.

    Maps fetch, select, remove and executeClientScripts (fetcher = "browser");
    says in one line each what does not map (filters, range selectors, combined
    documents). Policies already configured (by name or URL) are skipped.

    \b
    Example:
        monitor import ota declarations/ --service Adobe --dry-run
        monitor import ota declarations/
    """
    from monitor.ota import add_to_config, read_declarations, to_toml

    found = read_declarations(folder, services)
    for line in found.unmapped:
        click.echo(f"not mapped: {visible(line)}", err=True)
    if dry_run:
        click.echo(to_toml(found.policies), nl=False)
        return
    config = state.config()
    added, skipped = add_to_config(config, found.policies)
    for line in skipped:
        click.echo(f"skipped: {visible(line)}", err=True)
    click.echo(
        f"added {len(added)} policy(ies) from {found.services} service(s) to {config.path}"
        + (f" ({len(skipped)} skipped)" if skipped else "")
    )


@import_.command(name="ota-history")
@click.argument("repo", type=click.Path(file_okay=False, path_type=Path))
@click.option("--service", "services", multiple=True, help="Only this service (repeatable).")
@click.option(
    "--since", metavar="DATE", help="Only captures fetched on or after DATE (2023-01-31)."
)
@click.option("--notify", is_flag=True, help="Queue notifications for the changes found.")
@click.pass_obj
def ota_history(
    state: State, repo: Path, services: tuple[str, ...], since: str | None, notify: bool
) -> None:
    """Replay an Open Terms Archive snapshots (or versions) repository REPO.

    Each archived page is checked as if fetched then, in date order, through the
    same judgement as live checks: versions, changes, anomalies. Its policies
    must be configured (monitor import ota). Interrupted, run it again: it goes
    on where it stopped. No notifications unless --notify.

    \b
    Example:
        monitor import ota declarations/
        monitor import ota-history genai-eu-snapshots.git --since 2024-01-01
    """
    from monitor.daemon_lock import daemon_running
    from monitor.ota_history import GitRepository, read_history
    from monitor.replay import replay

    config = state.config()
    if daemon_running(config.monitor.database):
        raise InputError(
            "the daemon (or a worker) is running: it checks these policies too: stop it first"
        )
    repository = GitRepository(repo)
    try:
        found = read_history(
            repository, {p.name: p.url for p in config.policies}, services=services,
            since=_since(since),
        )  # fmt: skip
        for line in found.skipped:
            click.echo(f"skipped: {visible(line)}", err=True)

        async def read(capture: Capture, _fetcher: object) -> bytes:
            commit, _, path = capture.ref.partition(":")
            return await asyncio.to_thread(repository.read, commit, path)

        with _progress() as (planned, advance):
            done = replay(
                config, found.captures, read, notify=notify, on_plan=planned, on_done=advance,
                confirm_with_next=found.kind == "snapshots",
            )  # fmt: skip
    finally:
        repository.close()
    _report(done, f"from the {found.kind} repository", len(found.captures))


@click.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--since", metavar="DATE", help="Only captures made on or after DATE (2023-01-31).")
@click.option(
    "--every", type=click.Choice(["day", "week", "month", "all"]), default="day",
    show_default=True, help="Keep the first capture of each period (and none whose bytes repeat).",
)  # fmt: skip
@click.option(
    "--delay", default="1s", show_default=True, metavar="DURATION",
    help="Between two requests to the archive, for all policies together.",
)  # fmt: skip
@click.option(
    "--wayback", default="https://web.archive.org", show_default=True, metavar="URL",
    help="The archive: the Wayback Machine or another server of its CDX API (pywb).",
)  # fmt: skip
@click.option("--notify", is_flag=True, help="Queue notifications for the changes found.")
@click.pass_obj
def backfill(
    state: State, names: tuple[str, ...], since: str | None, every: str, delay: str,
    wayback: str, notify: bool,
) -> None:  # fmt: skip
    """Replay the Wayback Machine's captures of policies NAMES as checks, oldest first.

    Lists each policy URL's captures (the CDX API), keeps one per day whose bytes
    differ from the one before, reads each as archived, and checks it as if
    fetched then: the same judgement as live checks. Run it again to go on after
    an interruption: what was replayed is skipped.

    \b
    Example:
        monitor backfill pcextreme-privacy --since 2020-01-01
        monitor backfill pcextreme-privacy --every month --delay 2s
    """
    from monitor.config_checks import parse_duration, validate_url
    from monitor.daemon_lock import daemon_running
    from monitor.replay import replay
    from monitor.wayback import backfill_captures

    config = state.config()
    unknown = [n for n in names if config.policy(n) is None]
    if unknown:
        raise InputError(f"no policy named {unknown[0]!r} in {config.path}")
    try:
        pause = parse_duration(delay, allow_zero=True)
    except ValueError as exc:
        raise InputError(f"--delay: {exc}") from None
    try:
        base = validate_url(wayback)
    except ValueError as exc:
        raise InputError(f"--wayback: {exc}") from None
    if daemon_running(config.monitor.database):
        raise InputError(
            "the daemon (or a worker) is running: it checks these policies too: stop it first"
        )
    policies = [p for p in config.policies if p.name in names]
    listing = backfill_captures(config, policies, base=base, since=_since(since), every=every,
                                delay=pause)  # fmt: skip
    for name, captures in listing.captures.items():
        click.echo(f"{visible(name)}: {len(captures)} capture(s) after thinning", err=True)
    with _progress() as (planned, advance):
        done = replay(
            config, listing.captures, listing.read, options=listing.options, notify=notify,
            on_plan=planned, on_done=advance,
        )  # fmt: skip
    _report(done, "from the Wayback Machine", len(policies))


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"--since {value!r} is not a date (2023-01-31)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@contextmanager
def _progress() -> Iterator[tuple[Callable[[int], None], Callable[[object], None]]]:
    """:func:`progress_bar`, and an interruption that says how to go on."""
    try:
        with progress_bar("replaying") as callbacks:
            yield callbacks
    except KeyboardInterrupt:
        click.echo(
            "interrupted: what was replayed is kept; run the same command again to go on",
            err=True,
        )
        raise


def _report(done: Replayed, kind: str, policies: int) -> None:
    for line in done.held_back + done.failed:
        click.echo(f"not imported: {visible(line)}", err=True)
    counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(done.outcomes.items()))
    click.echo(
        f"replayed {done.replayed} capture(s) of {policies} policy(ies) {kind} in "
        f"{done.seconds:.1f} s ({done.per_second:.1f} per second)"
        + (f": {counts}" if counts else "")
        + (f"; {done.material} material change(s)" if done.material else "")
        + (f"; {done.done_before} replayed before" if done.done_before else "")
    )
