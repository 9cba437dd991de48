"""The ``monitor`` command. Thin: each command calls one function and prints its result."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from monitor import __version__
from monitor.bundled import example_config_text
from monitor.config import Config, default_config_path, load_config
from monitor.errors import InputError, MonitorError
from monitor.models import CheckResult
from monitor.output.render import RENDERERS, render
from monitor.output.tables import check_rows, check_table, history_rows, history_table, policy_table
from monitor.pipeline import run_checks
from monitor.store import Store

logger = logging.getLogger("monitor")


class _State:
    def __init__(self, config_path: Path | None) -> None:
        self._config_path = config_path
        self._config: Config | None = None

    @property
    def config_path(self) -> Path:
        return self._config_path or default_config_path()

    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    @contextmanager
    def store(self) -> Iterator[Store]:
        config = self.config()
        with Store.open(config.monitor.database) as store:
            store.sync_policies(config.policies)
            yield store


def _fail(message: str) -> NoReturn:
    click.echo(f"monitor: error: {message}", err=True)
    sys.exit(2)


def _print_json(rows: Any) -> None:
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2))


def _console() -> Console:
    return Console(soft_wrap=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: ./config.toml or $MONITOR_CONFIG).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.version_option(__version__, prog_name="policy-monitor")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: int, quiet: bool) -> None:
    """Watch privacy policies and terms pages: keep every version, show what changed.

    \b
    Example:
        monitor demo                  # a self-contained tour, no network needed
        monitor --config config.toml check
    """
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    handler = RichHandler(console=Console(stderr=True), show_path=False, rich_tracebacks=False)
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))
    logging.getLogger("httpcore").setLevel(max(level, logging.WARNING))
    ctx.obj = _State(config_path)


@cli.command()
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


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the results as a JSON array.")
@click.pass_obj
def check(state: _State, names: tuple[str, ...], as_json: bool) -> None:
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
    with _progress(count, enabled=not as_json) as advance:
        results = run_checks(config, names, on_done=advance)
    order = {p.name: i for i, p in enumerate(config.policies)}
    results.sort(key=lambda r: order.get(r.policy, 0))
    if as_json:
        _print_json(check_rows(results))
    else:
        _console().print(check_table(results))


@contextmanager
def _progress(total: int, *, enabled: bool) -> Iterator[Callable[[CheckResult], None]]:
    """A progress bar on a terminal (stderr), nothing in a pipe."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda _result: None
        return
    columns = (TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("check", total=total)
        yield lambda _result: progress.advance(task)


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@click.pass_obj
def list_(state: _State, as_json: bool) -> None:
    """List the configured policies with their last check and number of versions.

    \b
    Example:
        monitor list
        monitor list --json | jq '.[] | select(.last_outcome == "error")'
    """
    config = state.config()
    with state.store() as store:
        configured = {p.name for p in config.policies}
        rows = [r for r in store.policy_summaries() if r["name"] in configured]
    if as_json:
        _print_json(rows)
    else:
        _console().print(policy_table(rows))


def _known_policy(state: _State, name: str) -> None:
    if state.config().policy(name) is None:
        raise InputError(f"no policy named {name!r} in {state.config().path}")


@cli.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@click.pass_obj
def history(state: _State, name: str, as_json: bool) -> None:
    """List the stored versions of policy NAME, oldest first.

    \b
    Example:
        monitor history pcextreme-privacy
    """
    _known_policy(state, name)
    with state.store() as store:
        rows = history_rows(store.versions(name))
    if as_json:
        _print_json(rows)
    elif not rows:
        click.echo(f"{name}: no versions stored yet (run `monitor check {name}`)")
    else:
        _console().print(history_table(name, rows))


@cli.command()
@click.argument("name")
@click.option("--version", "number", type=int, help="Version number (default: the latest).")
@click.pass_obj
def show(state: _State, name: str, number: int | None) -> None:
    """Print the text of a stored version of policy NAME.

    \b
    Example:
        monitor show pcextreme-privacy
        monitor show pcextreme-privacy --version 1
    """
    _known_policy(state, name)
    with state.store() as store:
        version = store.latest_version(name) if number is None else store.version(name, number)
    if version is None:
        what = "no versions stored yet" if number is None else f"has no version {number}"
        raise InputError(f"{name}: {what}")
    click.echo(version.text)


@cli.command()
@click.option(
    "--shutdown-timeout",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds to let checks in flight finish after SIGTERM/SIGINT.",
)
@click.pass_obj
def run(state: _State, shutdown_timeout: float) -> None:
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


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@click.pass_obj
def status(state: _State, as_json: bool) -> None:
    """Show each policy's last and next check, outcome and failures, and the daemon.

    \b
    Example:
        monitor status
        monitor status --json | jq '.[] | select(.consecutive_failures > 0)'
    """
    from monitor.daemon import daemon_running
    from monitor.output.tables import status_rows, status_table

    config = state.config()
    with state.store() as store:
        configured = {p.name for p in config.policies}
        policies = [r for r in store.status_rows() if r["name"] in configured]
        daemon = store.daemon_state()
    running = daemon_running(config.monitor.database)
    rows = status_rows(policies, daemon, running=running)
    if as_json:
        _print_json(rows)
    else:
        _console().print(status_table(rows, daemon, running=running))


@cli.command()
@click.argument("first", metavar="OLD|POLICY")
@click.argument("second", metavar="[NEW]", required=False)
@click.option("--from", "start", metavar="VERSION|DATE", help="Older stored version (POLICY form).")
@click.option("--to", "end", metavar="VERSION|DATE", help="Newer stored version (POLICY form).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(RENDERERS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--lang", help="Language of both sides (nl, en, de, fr); detected when absent.")
@click.option(
    "--allow-private-networks",
    is_flag=True,
    help="Let URL arguments reach loopback and private addresses.",
)
@click.pass_obj
def diff(
    state: _State,
    first: str,
    second: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
    lang: str | None,
    allow_private_networks: bool,
) -> int:
    """Compare two versions clause by clause; exit 1 when the change is material.

    OLD and NEW are files (.html, .pdf, .md, .txt; sniffed when unsure) or
    http(s) URLs, and need no configuration. With one argument, POLICY is a
    configured policy and its stored versions are compared (the latest two,
    or --from/--to: a version number or a date, YYYY-MM-DD).

    Exit status: 0 no material change, 1 material change, 2 error.

    \b
    Example:
        monitor diff old.html new.html
        monitor diff old.pdf https://example.nl/privacy --format json
        monitor diff pcextreme-privacy --from 1 --to 2 --format markdown
    """
    from monitor.inputs import load_document, pick_versions
    from monitor.judge.compare import compare
    from monitor.net.fetch import FetchOptions
    from monitor.pipeline import stored_document

    if second is not None:
        if start or end:
            raise InputError("--from/--to go with the POLICY form: monitor diff POLICY --from 1")
        options = FetchOptions(allow_private_networks=allow_private_networks, retries=1)
        old = load_document(first, language=lang, options=options)
        new = load_document(second, language=lang, options=options)
    else:
        _known_policy(state, first)
        with state.store() as store:
            old_version, new_version = pick_versions(store, first, start, end)
        old, new = stored_document(old_version), stored_document(new_version)
    if not old.blocks:
        raise InputError(f"{old.source}: {old.problem or 'no text found'}")
    comparison = compare(old, new, language=lang)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    click.echo(render(fmt, comparison, color=color).rstrip("\n"))
    return 1 if comparison.material else 0


@cli.command()
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

    run_demo(_console(), workdir=workdir)


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage, configuration and input errors are one line on stderr, exit 2."""
    try:
        status = cli.main(args=argv, prog_name="monitor", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("monitor: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        _fail(f"{exc.format_message()} (see `monitor --help`)")
    except MonitorError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        click.echo("monitor: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # never a traceback for the user; -v logs it
        logger.debug("unexpected error", exc_info=True)
        _fail(f"unexpected {type(exc).__name__}: {exc} (run with -vv for details)")
    sys.exit(status if isinstance(status, int) else 0)


from monitor.cli import notify_commands as cli_notify  # noqa: E402, F401  (registers notify, webhooks, deliveries, feed)
