"""The ``monitor diff`` command: two files, two URLs or two stored versions."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.common import State, known_policy
from monitor.errors import InputError
from monitor.output.render import RENDERERS, render

if TYPE_CHECKING:
    from monitor.inputs import FetchOptions

__all__ = ["diff"]


@click.command()
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
@click.option(
    "--lang",
    callback=lambda _ctx, _param, value: _language(value),
    help="Language of both sides (nl, en, de, fr; any ISO 639-1 code); detected when absent.",
)
@click.option(
    "--allow-private-networks",
    is_flag=True,
    help="Let URL arguments reach loopback and private addresses.",
)
@click.pass_obj
def diff(
    state: State,
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
    or --from/--to: a version number or a date, YYYY-MM-DD). URLs are fetched
    with the [monitor] settings of the configuration when there is one
    (user_agent, timeout, allow_private_networks, ...).

    Exit status: 0 no material change, 1 material change, 2 error.

    \b
    Example:
        monitor diff old.html new.html
        monitor diff old.pdf https://example.nl/privacy --format json
        monitor diff pcextreme-privacy --from 1 --to 2 --format markdown
    """
    from monitor.inputs import is_url, load_document, pick_versions
    from monitor.judge.compare import compare

    if second is not None:
        if start or end:
            raise InputError("--from/--to go with the POLICY form: monitor diff POLICY --from 1")
        urls = is_url(first) or is_url(second)
        options = _fetch_options(state, allow_private_networks) if urls else None
        old = load_document(first, language=lang, options=options)
        new = load_document(second, language=lang, options=options)
    else:
        from monitor.pipeline import stored_document

        known_policy(state, first)
        with state.store(sync=False) as store:
            old_version, new_version = pick_versions(store, first, start, end)
        old, new = stored_document(old_version), stored_document(new_version)
    if not old.blocks:
        raise InputError(f"{old.source}: {old.problem or 'no text found'}")
    comparison = compare(old, new, language=lang)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    click.echo(render(fmt, comparison, color=color).rstrip("\n"))
    return 1 if comparison.material else 0


def _fetch_options(state: State, allow_private_networks: bool) -> FetchOptions:
    """As ``pipeline.fetch_options``, without loading the pipeline (store, scheduler)."""
    from monitor.config import MonitorSettings

    config = state.optional_config()
    overrides: dict[str, Any] = {"retries": 1}
    if allow_private_networks:
        overrides["allow_private_networks"] = True
    return replace((config.monitor if config else MonitorSettings()).fetch, **overrides)


def _language(value: str | None) -> str | None:
    """``--lang``: a two-letter ISO 639-1 code ("nl", or "nl-NL" read as "nl")."""
    if value is None:
        return None
    code = value.strip().lower().replace("_", "-")
    if not re.fullmatch(r"[a-z]{2}(-[a-z]{2})?", code):
        raise click.BadParameter(f"{value!r} is not a two-letter language code such as nl or en")
    return code[:2]
