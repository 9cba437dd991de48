"""The notification commands of ``monitor``: notify, webhooks, deliveries, feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import click
from rich.table import Table

from monitor.cli.common import State, console, json_option, print_json
from monitor.errors import InputError
from monitor.output.safe import add_row, visible

__all__ = ["deliveries", "feed", "notify", "webhooks"]


@click.group(invoke_without_command=True)
@click.option("--flush", "force", is_flag=True, help="Post every pending delivery now.")
@click.pass_context
def notify(ctx: click.Context, force: bool) -> None:
    """Post pending notifications from the outbox (what `monitor run` does every few seconds).

    Without --flush only deliveries that are due are posted; with it, every
    pending one is tried now, in order per target. Digests that are due are
    built first. `monitor notify list` lists the targets, `monitor notify test NAME`
    sends a test message to one.

    \b
    Example:
        monitor notify --flush
        monitor notify list
        monitor notify test privacy-team
    """
    if ctx.invoked_subcommand is not None:
        return
    import asyncio

    from monitor.notify.delivery import flush

    state: State = ctx.obj
    config = state.config()
    with state.store() as store:
        stats = asyncio.run(flush(config, store, force=force))
    click.echo(
        f"delivered {stats.delivered}, will retry {stats.retrying}, failed {stats.failed}"
        + (f"; {stats.busy} target(s) left to another sender running now" if stats.busy else "")
    )


@notify.command(name="list")
@json_option()
@click.pass_obj
def notify_list(state: State, as_json: bool) -> None:
    """List every notification target: webhooks, e-mail and Apprise (no secret shown).

    \b
    Example:
        monitor notify list
        monitor notify list --json
    """
    from monitor.config import EmailConfig, WebhookConfig
    from monitor.notify.delivery import redact_url

    config = state.config()
    rows: list[dict[str, Any]] = []
    for t in config.targets:
        if isinstance(t, WebhookConfig):
            kind, where = f"webhook ({t.format})", redact_url(t.url)
        elif isinstance(t, EmailConfig):
            kind, where = "e-mail", ", ".join([*t.to, *t.cc])
        else:
            kind, where = "apprise", f"{len(t.urls)} service URL(s)"
        rows.append(
            {
                "name": t.name, "kind": kind, "to": where, "min_severity": t.min_severity,
                "policies": list(t.policies), "tags": list(t.tags),
                "digest": t.digest if t.digest == "off" else f"{t.digest} at {t.digest_at}",
            }
        )  # fmt: skip
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("name", "kind", "to", "min severity", "policies", "tags", "digest"):
        table.add_column(column)
    for r in rows:
        add_row(
            table, r["name"], r["kind"], r["to"], r["min_severity"],
            ", ".join(r["policies"]) or "all", ", ".join(r["tags"]) or "-", r["digest"],
        )  # fmt: skip
    console().print(table)


@notify.command(name="test")
@click.argument("name")
@click.pass_obj
def notify_test(state: State, name: str) -> None:
    """Send a test message to target NAME (webhook, e-mail or Apprise) and show the answer.

    Exits 1 when nothing was accepted, saying why.

    \b
    Example:
        monitor notify test compliance
        monitor notify test privacy-team
    """
    config = state.config()
    target = next((t for t in config.targets if t.name == name), None)
    if target is None:
        raise InputError(f"no webhook, e-mail or Apprise target named {name!r} in {config.path}")
    if target in config.webhooks:
        _test_webhook(state, name)
        return
    import asyncio

    from monitor.notify.delivery import sample_event

    if target in config.apprise:
        from monitor.notify.services import send_apprise

        delivered, problem, _ = asyncio.run(send_apprise(target, sample_event()))
        if delivered:
            click.echo(f"apprise {name}: every service took it")
            return
        click.echo(f"apprise {name}: {visible(problem or 'refused')}; nothing was delivered")
        raise click.exceptions.Exit(1)

    from monitor.notify.delivery import send_test_email

    code, error = asyncio.run(send_test_email(config, name))
    assert config.smtp is not None
    where = f"{config.smtp.host}:{config.smtp.port} ({config.smtp.tls})"
    if error is None:
        click.echo(f"e-mail via {where}: accepted (SMTP {code})")
        return
    click.echo(f"e-mail via {where}: {visible(error)}; nothing was delivered")
    raise click.exceptions.Exit(1)


@click.group()
def webhooks() -> None:
    """Webhook targets: list them or send a test event.

    \b
    Example:
        monitor webhooks list
        monitor webhooks test compliance
    """


@webhooks.command(name="list")
@json_option()
@click.pass_obj
def webhooks_list(state: State, as_json: bool) -> None:
    """List the configured webhooks (URLs shown without path; secrets never shown).

    \b
    Example:
        monitor webhooks list --json
    """
    from monitor.notify.delivery import redact_url

    rows: list[dict[str, Any]] = [
        {
            "name": w.name,
            "url": redact_url(w.url),
            "format": w.format,
            "min_severity": w.min_severity,
            "policies": list(w.policies),
            "tags": list(w.tags),
            "signed": w.resolve_secret() is not None,
            "secret_problem": w.secret_problem(),
        }
        for w in state.config().webhooks
    ]
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("name", "url", "format", "min severity", "policies", "tags", "signed"):
        table.add_column(column)
    for r in rows:
        add_row(
            table,
            r["name"],
            r["url"],
            r["format"],
            r["min_severity"],
            ", ".join(r["policies"]) or "all",
            ", ".join(r["tags"]) or "-",
            "yes" if r["signed"] else f"no: {r['secret_problem']}" if r["secret_problem"] else "no",
        )
    console().print(table)


@webhooks.command(name="test")
@click.argument("name")
@click.pass_obj
def webhooks_test(state: State, name: str) -> None:
    """Send a sample signed event to webhook NAME and show the response.

    Exits 1 when the target does not answer with a 2xx status (the same as
    `monitor notify test NAME`, which also tests e-mail targets).

    \b
    Example:
        monitor webhooks test compliance
    """
    _test_webhook(state, name)


def _test_webhook(state: State, name: str) -> None:
    import asyncio

    from monitor.notify.delivery import redact_url, send_test

    config = state.config()
    webhook = next((w for w in config.webhooks if w.name == name), None)
    if webhook is None:
        raise InputError(f"no webhook named {name!r} in {config.path}")
    if webhook.secret_problem():
        raise InputError(f"webhook {name!r}: {webhook.secret_problem()}; nothing was sent")
    status, error, body = asyncio.run(send_test(config, name))
    click.echo(
        f"POST {redact_url(webhook.url)} ({webhook.format}): "
        f"{'HTTP ' + str(status) if status else visible(error or '')}"
    )
    if body is None:
        click.echo("nothing was sent")
    else:
        click.echo(f"body sent: {visible(body)}")
    if status is None or not 200 <= status < 300:
        raise click.exceptions.Exit(1)


@click.command()
@json_option()
@click.option("--all", "include_delivered", is_flag=True, help="Include delivered ones.")
@click.option("--retry", "retry_id", type=int, help="Requeue delivery ID to be sent again.")
@click.pass_obj
def deliveries(state: State, as_json: bool, include_delivered: bool, retry_id: int | None) -> None:
    """List pending and failed notifications, or requeue one with --retry ID.

    \b
    Example:
        monitor deliveries
        monitor deliveries --retry 12 && monitor notify --flush
    """
    with state.store(sync=retry_id is not None) as store:
        if retry_id is not None:
            if not store.retry_delivery(retry_id):
                raise InputError(f"no pending or failed delivery with id {retry_id}")
            click.echo(f"delivery {retry_id} requeued; it goes out at the next flush")
            return
        rows = store.deliveries(include_delivered=include_delivered)
    if as_json:
        print_json(rows)
        return
    table = Table(
        title="deliveries" + ("" if include_delivered else " (not yet delivered, and failed)"),
        title_justify="left",
    )
    for column in (
        "id",
        "target",
        "event",
        "policy",
        "status",
        "attempts",
        "next attempt",
        "last",
    ):
        table.add_column(column)
    for r in rows:
        last = f"{r['last_status']}" if r["last_status"] else (r["last_error"] or "-")
        if r["last_status"] and r["last_error"]:
            last += f" {r['last_error']}"
        add_row(
            table,
            str(r["id"]),
            r["webhook"],
            r["event_type"],
            r["policy"],
            r["status"],
            str(r["attempts"]),
            r["next_attempt_at"]
            if r["status"] == "pending"
            else ("with the digest" if r["status"] == "held" else "-"),
            last,
        )
    console().print(table)


@click.command()
@click.argument("policy", required=False)
@click.option("--tag", help="Only policies with this tag.")
@click.option("--limit", type=int, default=100, show_default=True, help="Entries at most.")
@click.pass_obj
def feed(state: State, policy: str | None, tag: str | None, limit: int) -> None:
    """Write an Atom feed of material changes (all policies, one, or a tag) to stdout.

    \b
    Example:
        monitor feed > changes.atom
        monitor feed --tag hosting > hosting.atom
    """
    from monitor.output.feed import atom_feed

    config = state.config()
    names = [
        p.name
        for p in config.policies
        if (policy is None or p.name == policy) and (tag is None or tag in p.tags)
    ]
    if policy is not None and not names:
        raise InputError(f"no policy named {policy!r} in {config.path}")
    if tag is not None and not names:
        raise InputError(f"no policy has the tag {tag!r} in {config.path}")
    with state.store(sync=False) as store:
        rows = store.changes_for_feed(policies=names, limit=limit)
    what = policy or (f"tag {tag}" if tag else "all policies")
    # An id is a URI: no spaces or quotes (percent-encoded; "all" for every policy).
    ident = f"policy/{policy}" if policy else (f"tag/{tag}" if tag else "all")
    click.echo(
        atom_feed(
            rows,
            title=f"policy-monitor: material changes ({what})",
            feed_id=f"urn:policy-monitor:{quote(ident, safe='/')}",
            link=_change_link(config.monitor.public_url),
            language=config.monitor.summary_in,
        ),
        nl=False,
    )


def _change_link(public_url: str | None) -> Callable[[dict[str, Any]], str] | None:
    """Feed entries link to the change's page in the reading room when its address is
    configured (``[monitor] public_url``)."""
    if not public_url:
        return None
    from monitor.output.feed import change_page

    return lambda row: change_page(public_url, row["policy"], row["new_version"])
