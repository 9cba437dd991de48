"""The ``monitor`` command. Thin: each command calls one function and prints its result.

This module holds the group and the entry point; the commands live in modules
by topic (``policies``, ``service``, ``diff``, ``notifications``) and share
``common``.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path
from typing import Any

import click

from monitor import __version__
from monitor.cli import diff, notifications, policies, service
from monitor.cli.common import State, fail
from monitor.errors import MonitorError
from monitor.output.safe import visible

__all__ = ["cli", "main"]

logger = logging.getLogger("monitor")


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


for _command in (
    service.init,
    policies.check,
    policies.list_,
    policies.history,
    policies.show,
    service.run,
    policies.status,
    diff.diff,
    service.demo,
    service.verify,
    notifications.notify,
    notifications.webhooks,
    notifications.deliveries,
    notifications.feed,
):
    cli.add_command(_command)


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
    sys.exit(status if isinstance(status, int) else 0)
