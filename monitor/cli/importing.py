"""``monitor import``: policies from elsewhere (Open Terms Archive declarations)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import State
from monitor.output.safe import visible

__all__ = ["import_"]


@click.group(name="import")
def import_() -> None:
    """Add policies from other archives (Open Terms Archive declarations).

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
