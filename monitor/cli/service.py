"""The setup and service commands of ``monitor``: init, run, demo."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.bundled import example_config_text
from monitor.cli.common import State, console
from monitor.errors import InputError

__all__ = ["demo", "init", "run"]


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
@click.option(
    "--shutdown-timeout",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds to let checks in flight finish after SIGTERM/SIGINT.",
)
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

    Daemon(state.config_path, shutdown_timeout=shutdown_timeout).run()


@click.command()
@click.option(
    "--dir",
    "workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's config, database and snapshots here (default: a temporary folder).",
)
def demo(workdir: Path | None) -> None:
    """Serve the seed policies locally, check them, change one materially, catch it.

    Needs no network and no configuration; leaves nothing behind unless --dir is given.

    \b
    Example:
        monitor demo
        monitor demo --dir ./demo-run
        monitor --config ./demo-run/config.toml history pcextreme-privacy
    """
    from monitor.demo import run_demo

    run_demo(console(), workdir=workdir)
