"""The ``monitor`` command. Thin: each command calls one function and prints its result.

This module holds the group and the entry point; the commands live in modules
by topic (``policies``, ``service``, ``diff``, ``notifications``) and share
``common``. A command's module is imported only when that command runs, so that
``monitor diff`` does not load the tables of ``monitor list`` nor ``--help``
any command at all: the summaries ``--help`` lists are kept here (a test holds
them equal to the commands' own).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import sys
from pathlib import Path
from typing import Any

import click

from monitor import __version__
from monitor.cli.common import State, fail
from monitor.errors import MonitorError
from monitor.output.safe import visible

__all__ = ["COMMANDS", "cli", "main"]

logger = logging.getLogger("monitor")

# name: (module under monitor.cli, attribute, the summary `monitor --help` lists)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("service", "init", "Write a commented example configuration file."),
    "check": (
        "policies",
        "check",
        "Check policies once (all, or the NAMES given) and store new versions.",
    ),
    "list": (
        "policies",
        "list_",
        "List the configured policies with their last check and number of versions.",
    ),
    "history": ("policies", "history", "List the stored versions of policy NAME, oldest first."),
    "show": ("evidence", "show", "Print the text of a stored version of policy NAME."),
    "run": (
        "service",
        "run",
        "Run as a daemon: check every policy on its own schedule until stopped.",
    ),
    "worker": (
        "service",
        "worker",
        "Take checks from the queue in a PostgreSQL store, beside any number of workers.",
    ),
    "status": (
        "policies",
        "status",
        "Show each policy's last and next check, outcome and failures, and the daemon.",
    ),
    "diff": (
        "diff",
        "diff",
        "Compare two versions clause by clause; exit 1 when the change is material.",
    ),
    "demo": (
        "service",
        "demo",
        "Serve the seed policies locally, check them, change one materially, catch it.",
    ),
    "verify": (
        "service",
        "verify",
        "Check that the store is whole: the database, the version lines and every recorded"
        " snapshot file; list snapshot files nothing records (orphans).",
    ),
    "notify": (
        "notifications",
        "notify",
        "Post pending notifications from the outbox (what `monitor run` does every few seconds).",
    ),
    "migrate-store": (
        "migrating",
        "migrate_store",
        "Copy the SQLite store into an empty PostgreSQL database and verify the copy.",
    ),
    "webhooks": ("notifications", "webhooks", "Webhook targets: list them or send a test event."),
    "deliveries": (
        "notifications",
        "deliveries",
        "List pending and failed notifications, or requeue one with --retry ID.",
    ),
    "serve": (
        "serve",
        "serve",
        "Serve the reading room: policies, versions and changes in the browser, and a JSON API.",
    ),
    "rename": (
        "identity",
        "rename",
        "Give policy OLD's history (versions, checks, changes) the name NEW.",
    ),
    "import": (
        "importing",
        "import_",
        "Add policies and their history from Open Terms Archive.",
    ),
    "backfill": (
        "importing",
        "backfill",
        "Replay the Wayback Machine's captures of policies NAMES as checks, oldest first.",
    ),
    "export": (
        "identity",
        "export",
        "Export the history of policies NAMES (default: every one, archived too) to TARGET.",
    ),
    "feed": (
        "notifications",
        "feed",
        "Write an Atom feed of material changes (all policies, one, or a tag) to stdout.",
    ),
}


class _LazyGroup(click.Group):
    """The commands of ``COMMANDS``, each imported when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _summary = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"monitor.cli.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: $MONITOR_CONFIG when set, else ./config.toml).",
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
    handler: logging.Handler
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.logging import RichHandler

        handler = RichHandler(console=Console(stderr=True), show_path=False, rich_tracebacks=False)
        handler.setFormatter(_VisibleFormatter("%(message)s"))
    else:  # a file or a journal: one line per record, never wrapped at a width
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            _VisibleFormatter(
                "%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z", one_line=True
            )
        )
    handler.addFilter(_visible_message)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Libraries speak only of trouble: a line per request or per job run is noise.
    for name in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    ctx.obj = State(config_path)


class _VisibleFormatter(logging.Formatter):
    """Tracebacks carry exception text, which may quote a page or a server: shown
    line by line with every control character escaped, as messages are."""

    def __init__(self, fmt: str, datefmt: str | None = None, *, one_line: bool = False) -> None:
        super().__init__(fmt, datefmt)
        self.one_line = one_line

    def formatException(self, ei: Any) -> str:
        return "\n".join(visible(line) for line in super().formatException(ei).splitlines())

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        # In a file, a traceback stays on its record's line: one record, one line.
        return text.replace("\n", " | ") if self.one_line else text


def _visible_message(record: logging.LogRecord) -> bool:
    """Log lines carry page and server text (titles, errors): never a control character."""
    with contextlib.suppress(Exception):  # a malformed call: logging reports it, as always
        record.msg, record.args = visible(record.getMessage()), None
    return True


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
        fail(f"{exc.format_message()} (see `monitor --help`)")
    except MonitorError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        click.echo("monitor: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # never a traceback for the user; -v logs it
        logger.debug("unexpected error", exc_info=True)
        fail(f"unexpected {type(exc).__name__}: {exc} (run with -vv for details)")
    # The process is about to end: spare its last collection a walk over every object
    # still alive (10-20 ms of a short command). atexit handlers (log files, the pattern
    # cache) still run; garbage only the collector would have freed goes with the process.
    gc.freeze()
    sys.exit(status if isinstance(status, int) else 0)
