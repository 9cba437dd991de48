"""Every command's ``--help`` has an example block that renders one command per line."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from monitor.cli import cli


def _walk(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    context = click.Context(group)
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        assert command is not None
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += _walk(command, (*path, name))
    return found


COMMANDS = [(), *_walk(cli)]


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None
        command = found
    return command


def _example_lines(help_text: str) -> list[str]:
    """The lines of the docstring's example block, stripped."""
    lines = help_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() in ("Example:", "Examples:"))
    block = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        block.append(line.strip())
    return block


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "monitor")
def test_help_shows_the_example_one_line_each(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    shown = result.output
    assert "\b" not in shown and "\\b" not in shown
    help_text = _command(path).help or ""
    assert "Example" in help_text, f"`monitor {' '.join(path)}` has no Example: block"
    lines = [line.strip() for line in shown.splitlines()]
    assert sum(line in ("Example:", "Examples:") for line in lines) == 1, shown
    assert all(line in ("Example:", "Examples:") for line in lines if "Example" in line), shown
    examples = _example_lines(help_text)
    assert examples and all(e.startswith("monitor") for e in examples), examples
    for example in examples:
        assert example in lines, f"{example!r} is not on a line of its own in:\n{shown}"
