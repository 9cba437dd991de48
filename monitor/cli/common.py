"""What the command modules share: the state object, output helpers and options."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from monitor.errors import InputError
from monitor.output.safe import json_safe, visible

if TYPE_CHECKING:
    from rich.console import Console

    from monitor.config import Config
    from monitor.store import Store

__all__ = [
    "State", "console", "fail", "json_option", "known_policy", "print_json", "progress_bar",
]  # fmt: skip

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """The group's options, with the configuration loaded on first use."""

    def __init__(self, config_path: Path | None) -> None:
        self._config_path = config_path
        self._config: Config | None = None

    @property
    def config_path(self) -> Path:
        return self._config_path or Path(os.environ.get("MONITOR_CONFIG") or "config.toml")

    def config(self) -> Config:
        if self._config is None:
            from monitor.config import load_config  # (with what it checks: not for --help)

            self._config = load_config(self.config_path)
        return self._config

    def optional_config(self) -> Config | None:
        """The configuration if one was named (--config, $MONITOR_CONFIG) or
        ./config.toml exists; None otherwise (commands that work without one)."""
        named = self._config_path is not None or os.environ.get("MONITOR_CONFIG")
        if not named and not self.config_path.exists():
            return None
        return self.config()

    @contextmanager
    def store(self, *, sync: bool = True) -> Iterator[Store]:
        """The store; ``sync=False`` for commands that only read (they never write)."""
        from monitor.pipeline import open_store

        with open_store(self.config(), sync=sync) as store:
            yield store


def fail(message: str) -> NoReturn:
    line = " ".join(message.split("\n"))  # one line, whatever the message holds
    click.echo(f"monitor: error: {visible(line)}", err=True)
    sys.exit(2)


def print_json(rows: Any) -> None:
    click.echo(json_safe(json.dumps(rows, ensure_ascii=False, indent=2)))


@contextmanager
def progress_bar(
    label: str, total: int | None = None, *, enabled: bool = True
) -> Iterator[tuple[Callable[[int], None], Callable[[object], None]]]:
    """A progress bar on stderr when it is a terminal, nothing in a pipe: yields (set the
    total, when it is known only later; advance by one)."""
    err = _terminal_stderr() if enabled else None  # e.g. --json: rich need not load at all
    if err is None:
        yield (lambda _total: None), (lambda _done: None)
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield (
            lambda count: progress.update(task, total=count),
            lambda _done: progress.advance(task),
        )


def _terminal_stderr() -> Console | None:
    """A console on stderr when it is a terminal."""
    from rich.console import Console

    err = Console(stderr=True)
    return err if err.is_terminal else None


PIPE_WIDTH = 160  # a table written to a pipe or file: names not cut at 80 columns


def console() -> Console:
    from rich.console import Console  # loaded by the commands that print tables only

    out = Console(soft_wrap=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(soft_wrap=False, width=PIPE_WIDTH)
    return out


def json_option(help: str = "Print one JSON array.") -> Callable[[F], F]:
    """The ``--json`` flag, passed to the command as ``as_json``."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def known_policy(state: State, name: str) -> None:
    """An :class:`InputError` unless ``name`` is a configured policy, or an archived one
    (its history is in the database; it has left the configuration)."""
    config = state.config()
    if config.policy(name) is not None:
        return
    with state.store(sync=False) as store:
        if store.policy_state(name) is not None:
            return
    raise InputError(
        f"no policy named {name!r} in {config.path} or its database "
        "(`monitor list --all` lists archived ones too)"
    )
