"""The setup and service commands of ``monitor``: init, run, demo, verify."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.bundled import example_config_text
from monitor.cli.common import State, console, json_option, print_json
from monitor.errors import InputError
from monitor.output.safe import visible

if TYPE_CHECKING:
    from monitor.config import Config

__all__ = ["demo", "init", "run", "verify"]


# `monitor run` and `monitor worker` alike
shutdown_timeout_option = click.option(
    "--shutdown-timeout",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds to let checks in flight finish after SIGTERM/SIGINT.",
)


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="config.toml")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented example configuration file.

    \b
    Example:
        monitor init config.toml
    """
    if path.exists() and not force:
        raise InputError(f"{path} exists already (use --force to overwrite)")
    try:
        path.write_text(example_config_text(), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    click.echo(f"wrote {path}; edit its [[policy]] tables, then run `monitor check`")


@click.command()
@shutdown_timeout_option
@click.pass_obj
def run(state: State, shutdown_timeout: float) -> None:
    """Run as a daemon: check every policy on its own schedule until stopped.

    Reload the configuration with SIGHUP; stop with SIGTERM or Ctrl-C (checks
    in flight finish first; a second signal stops at once). One daemon per
    database. See the README for running it under systemd.

    \b
    Example:
        monitor --config /etc/policy-monitor/config.toml -v run
    """
    from monitor.daemon import Daemon

    code = Daemon(state.config_path, shutdown_timeout=shutdown_timeout).run()
    if code:
        raise SystemExit(code)


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 1000),
    default=16,
    show_default=True,
    help="Checks this worker runs at once.",
)
@click.option(
    "--lease",
    default="15m",
    show_default=True,
    help="How long a claimed policy waits for its check before it may be claimed again.",
)
@click.option(
    "--heartbeat",
    default="5s",
    show_default=True,
    help="Time between heartbeats; a worker silent for five of them plus its shutdown "
    "timeout is taken for dead.",
)
@shutdown_timeout_option
@click.pass_obj
def worker(
    state: State, concurrency: int, lease: str, heartbeat: str, shutdown_timeout: float
) -> None:
    """Take checks from the queue in a PostgreSQL store, beside any number of workers.

    Every worker on every machine claims the policies that are due and checks
    them; a policy is checked by one worker at a time, a host gets at most
    per_host_concurrency requests at once from all of them together, and the
    checks of a worker that dies are taken up by the others. All workers read the
    same configuration. Stop with SIGTERM or Ctrl-C (checks in flight finish).
    With an SQLite store, run `monitor run` instead.

    \b
    Example:
        monitor --config /etc/policy-monitor/config.toml -v worker --concurrency 32
    """
    from monitor.config import parse_duration
    from monitor.worker import Worker, WorkerSettings

    try:
        settings = WorkerSettings(
            concurrency=concurrency,
            lease=parse_duration(lease),
            heartbeat=parse_duration(heartbeat),
            shutdown_timeout=shutdown_timeout,
        )
    except ValueError as exc:
        raise InputError(f"--lease/--heartbeat: {exc}") from None
    Worker(state.config_path, settings).run()


@click.command()
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's config, database and snapshots here (default: a temporary folder).",
)
@click.option(
    "--serve", "serve_after", is_flag=True,
    help="Then show the demo's history in the reading room (monitor serve) until Ctrl-C.",
)  # fmt: skip
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
    help="The reading room's port with --serve (0: any free port).",
)  # fmt: skip
def demo(workdir: Path | None, serve_after: bool, port: int) -> None:
    """Serve the seed policies locally, check them, change one materially, catch it.

    Needs no network and no configuration; leaves nothing behind unless --dir is given.

    \b
    Example:
        monitor demo
        monitor demo --serve          # then read it at http://127.0.0.1:8080/
        monitor demo --dir ./demo-run
        monitor --config ./demo-run/config.toml history pcextreme-privacy
    """
    from monitor.demo import DEMO_POLICY, run_demo

    after = None
    if serve_after:
        from monitor.cli.serve import serve_config
        from monitor.web.server import listening_socket

        try:  # before the tour: a busy port is said at once, not after it
            sock = listening_socket("127.0.0.1", port)
        except OSError as exc:
            raise InputError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None

        def after(config: Config) -> None:
            change = f"/policies/{DEMO_POLICY}/changes/2"
            serve_config(config, port=port, announce="\n", show=change, sock=sock)

    run_demo(console(), workdir=workdir, after=after)


@click.command()
@click.option("--deep", is_flag=True, help="Also read back every snapshot and check its hash.")
@click.option(
    "--clean",
    is_flag=True,
    help="Delete orphan snapshot files older than an hour and abandoned temporary files.",
)
@json_option("Print one JSON object.")
@click.pass_obj
def verify(state: State, deep: bool, clean: bool, as_json: bool) -> None:
    """Check that the store is whole: the database, the version lines and every
    recorded snapshot file; list snapshot files nothing records (orphans).

    Exits 1 when anything is wrong or an orphan is found. Writes nothing unless
    --clean is given.

    \b
    Example:
        monitor verify
        monitor verify --deep --clean
    """
    from monitor.verify import verify_store

    found = verify_store(state.config(), deep=deep, clean=clean)
    if as_json:
        print_json(
            {
                "problems": found.problems,
                "orphans": [str(p) for p in found.orphans],
                "removed": found.removed,
                "snapshots": found.snapshots,
            }
        )
    else:
        for problem in found.problems:
            click.echo(f"problem: {visible(' '.join(problem.split()))}")  # one line each
        for orphan in found.orphans:
            why = "a database left half-made" if ".new-" in orphan.name else "recorded by no check"
            click.echo(f"orphan: {visible(str(orphan))} ({why})")
        if found.removed:
            click.echo(f"removed {found.removed} orphan or temporary file(s)")
        verdict = "store is whole" if not (found.problems or found.orphans) else "store has"
        if found.problems or found.orphans:
            verdict += f" {len(found.problems)} problem(s), {len(found.orphans)} orphan(s)"
        click.echo(f"{verdict}; {found.snapshots} snapshot(s) {'read' if deep else 'found'}")
    if found.problems or found.orphans:
        raise click.exceptions.Exit(1)
