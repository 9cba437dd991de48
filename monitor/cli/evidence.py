"""``monitor show``: a stored version's text, its raw page exactly as received, its
screenshot, or all it is known by (``--json``: the version and its provenance)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monitor.cli.common import State, json_option, known_policy, print_json
from monitor.errors import InputError
from monitor.output.safe import visible

__all__ = ["show"]


@click.command()
@click.argument("name")
@click.option("--version", "number", type=int, help="Version number (default: the latest).")
@click.option("--raw", is_flag=True, help="Write the page's bytes exactly as received.")
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    help="Write the version's screenshot (PNG; browser-read pages) to this file (- : stdout).",
)
@json_option("Print the version, its text and its provenance as one JSON object.")
@click.pass_obj
def show(
    state: State, name: str, number: int | None, raw: bool, screenshot: Path | None, as_json: bool
) -> None:
    """Print the text of a stored version of policy NAME.

    \b
    Example:
        monitor show pcextreme-privacy
        monitor show pcextreme-privacy --version 1 --json
        monitor show pcextreme-privacy --raw > page.html
        monitor show vendor-privacy --screenshot page.png
    """
    from monitor import evidence

    if sum((raw, screenshot is not None, as_json)) > 1:
        raise InputError("--raw, --screenshot and --json: one at a time")
    known_policy(state, name)
    config = state.config()
    with state.store(sync=False) as store:
        version = store.latest_version(name) if number is None else store.version(name, number)
        if version is None:
            what = "no versions stored yet" if number is None else f"has no version {number}"
            raise InputError(f"{name}: {what}")
        if screenshot is not None:
            size = evidence.write_screenshot(config, store, name, version.number, screenshot)
            click.echo(f"{name}: version {version.number}'s screenshot ({size:,} bytes) written "
                       f"to {visible(str(screenshot))}", err=True)  # fmt: skip
            return
        if as_json:
            print_json(evidence.version_json(store, version))
            return
    if raw:
        if sys.stdout.isatty():
            raise InputError("--raw writes the page's bytes: send them to a file (> page.html)")
        sys.stdout.buffer.write(evidence.raw_page(config, name, version))
        sys.stdout.buffer.flush()
        return
    # Exact text into a file or pipe; on a terminal, nothing that could drive it.
    click.echo(visible(version.text) if sys.stdout.isatty() else version.text)
