"""Webhook body formats, by the name a ``[[webhook]]`` table's ``format`` uses.

A format turns an event's payload into the JSON value to post;
``@register("name")`` adds one to :data:`FORMATS`, which ``config`` reads the
valid names from. Text is data, never a template.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from monitor.output.safe import visible

__all__ = ["FORMATS", "message_text", "register", "render_body", "short_line", "summary_line"]

Format = Callable[[dict[str, Any]], dict[str, Any]]
FORMATS: dict[str, Format] = {}


def register(name: str) -> Callable[[Format], Format]:
    """Register a body format under ``name`` (the value of a webhook's ``format``)."""

    def add(format_: Format) -> Format:
        FORMATS[name] = format_
        return format_

    return add


@register("json")
def json_body(payload: dict[str, Any]) -> dict[str, Any]:
    """The event itself."""
    return payload


@register("slack")
def slack_body(payload: dict[str, Any]) -> dict[str, Any]:
    """A Slack incoming-webhook message: one line of text, links and mentions escaped."""
    return {"text": _slack_escape(visible(message_text(payload)))}


@register("teams")
def teams_body(payload: dict[str, Any]) -> dict[str, Any]:
    """An Adaptive Card in the message a Teams Workflows webhook takes ("post a card in
    a chat or channel"). Its text blocks read a little Markdown, so page and server text
    has its emphasis and link characters escaped (Teams shows no HTML: none is escaped);
    the change's page is a button, a digest's items are links to theirs."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": _card_heading(payload), "weight": "Bolder",
         "size": "Medium", "wrap": True},
    ]  # fmt: skip
    kind = payload["event_type"]
    if kind == "policy.changed":
        body.append(
            {"type": "TextBlock", "text": _card_escape(_changed_text(payload)), "wrap": True}
        )
        old, new = payload["old_version"], payload["new_version"]
        facts = [
            ("Policy", payload["policy"]["name"]),
            ("Versions", f"{old['number']} → {new['number']}"),
            (
                "Declared",
                f"{old.get('declared_date') or 'none'} → {new.get('declared_date') or 'none'}",
            ),
        ]
        if not payload.get("change_url"):
            facts.append(("Diff", payload["diff_command"]))
        body.append({"type": "FactSet", "facts": [
            {"title": t, "value": _card_escape(visible(str(v)))} for t, v in facts
        ]})  # fmt: skip
    elif kind == "digest":
        for item in payload["items"][:MAX_DIGEST_LINES]:
            link = f" [open]({item['change_url']})" if item.get("change_url") else ""
            text = f"- {_card_escape(visible(item['summary']))}{link}"
            body.append({"type": "TextBlock", "text": text, "wrap": True, "spacing": "Small"})
    else:
        body.append({"type": "TextBlock", "text": _card_escape(visible(summary_line(payload))),
                     "wrap": True})  # fmt: skip
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if payload.get("change_url"):
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": "Open the change", "url": payload["change_url"]}
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


_CARD_SPECIAL = re.compile(r"([\\`*_\[\]])")


def _card_escape(text: str) -> str:
    """Text an Adaptive Card shows as written: no emphasis, code or links of its own."""
    return _CARD_SPECIAL.sub(r"\\\1", text)


def _card_heading(payload: dict[str, Any]) -> str:
    kind = payload["event_type"]
    if kind == "policy.changed":
        return _card_escape(f"{payload['policy']['name']}: {payload['severity']} change")
    if kind == "digest":
        return _card_escape(summary_line(payload))
    name = payload.get("policy", {}).get("name", "")
    return _card_escape(f"{name}: {kind.removeprefix('policy.')}" if name else kind)


def _changed_text(payload: dict[str, Any]) -> str:
    return visible(payload.get("summary") or summary_line(payload))


@register("teams-legacy")
def teams_legacy_body(payload: dict[str, Any]) -> dict[str, Any]:
    """The Office 365 connector MessageCard (retired by Microsoft in favour of Workflows);
    its text is Markdown, so page and server text is
    escaped for Markdown (no links, emphasis or HTML)."""
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": f"policy-monitor: {payload['event_type']}",
        "title": f"policy-monitor: {payload['event_type']}",
        "text": _teams_escape(visible(message_text(payload))),
    }
    if payload.get("change_url"):  # a button: the escaped text shows the address, unlinked
        card["potentialAction"] = [
            {
                "@type": "OpenUri",
                "name": "Open the change",
                "targets": [{"os": "default", "uri": payload["change_url"]}],
            }
        ]
    return card


def short_line(text: str, limit: int) -> str:
    """``text`` on one line, its first sentence, at most ``limit`` characters: cut before
    a word that would cross it, or before a quotation that would be cut."""
    line = " ".join(text.split())
    first = line.split(". ", 1)[0].rstrip(".") + "."
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]
    if cut.count('"') % 2:  # inside a quotation: end before it
        cut = cut[: cut.rfind('"')]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut
    return cut.rstrip(" ,:;(") + "…"


def render_body(format_name: str, payload: dict[str, Any]) -> bytes:
    """The raw body in the format ``format_name`` (a webhook's ``format``). Text is data,
    never a template."""
    body = FORMATS[format_name](payload)
    return json.dumps(body, ensure_ascii=False, sort_keys=False).encode("utf-8")


_TEAMS_SPECIAL = re.compile(r"([\\`*_\[\]()#~|])")


def _teams_escape(text: str) -> str:
    """Text a Teams card shows as written: no links, emphasis, code or HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _TEAMS_SPECIAL.sub(r"\\\1", text)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def message_text(payload: dict[str, Any]) -> str:
    """What a chat message says: the event's line, and for a digest a line per item."""
    if payload["event_type"] != "digest":
        return summary_line(payload)
    lines = [summary_line(payload)]
    for item in payload["items"][:MAX_DIGEST_LINES]:
        see = item.get("change_url") or item.get("diff_command")
        lines.append(f"- {item['summary']}" + (f" See: {see}" if see else ""))
    if len(payload["items"]) > MAX_DIGEST_LINES:
        lines.append(f"- and {len(payload['items']) - MAX_DIGEST_LINES} more")
    return "\n".join(lines)


MAX_DIGEST_LINES = 50


def summary_line(payload: dict[str, Any]) -> str:
    """An event in one line: what chat messages say and e-mail subjects carry."""
    kind = payload["event_type"]
    if kind == "digest":
        counts = ", ".join(f"{n} {s}" for s, n in payload["counts"].items()) or "no changes"
        reports = len(payload["items"]) - payload["changes"]
        until = payload.get("period_until_local") or payload["period_until"][:16] + " UTC"
        return (
            f"policy-monitor digest until {until.replace('T', ' ')}: "
            f"{payload['changes']} change(s) ({counts})"
            + (f" and {reports} report(s)" if reports else "")
        )
    if kind == "policy.test":
        return "policy-monitor: a test message; notifications to this target arrive"
    policy = payload["policy"]["name"]
    if kind == "policy.changed":
        see = f"See: {payload.get('change_url') or payload['diff_command']}"
        if payload.get("summary"):
            return f"{payload['summary']} ({payload['severity']}) {see}"
        reasons = "; ".join(payload["reasons"][:5]) or "no material reasons"
        facts = [f for f in ("silent", "date_only", "backdated") if payload.get(f)]
        return (
            f"{policy}: {payload['severity']} change "
            f"({', '.join(payload['categories']) or 'no categories'})"
            f"{' [' + ', '.join(facts) + ']' if facts else ''}: {reasons}. {see}"
        )
    if kind == "policy.unreachable":
        return (
            f"{policy}: unreachable after {payload['consecutive_failures']} checks in a row "
            f"({payload.get('last_error') or 'no error text'})"
        )
    if kind == "policy.recovered":
        return f"{policy}: reachable again"
    if kind == "policy.flapping":
        return (
            f"{policy}: the site serves versions {payload['latest_version']} and "
            f"{payload['earlier_version']} in turn; reported once, not on every check"
        )
    if kind == "policy.variant":
        return (
            f"{policy}: the site serves {len(payload['variants'])} different documents at "
            f"this URL in turn; version {payload['version']} is variant {payload['variant']}. "
            f"Switching between them is not reported, an edit inside one still is"
            + (
                f"; the change reported from version {payload['served_version']} "
                f"to {payload['version']} was such a switch"
                if payload.get("switch_reported_as_change")
                else ""
            )
            + (
                f"; as an edit, its differences from version {payload['served_version']} "
                f"would be {payload['severity_as_edit']} (a rewrite being rolled out is "
                "served in turn with the old text for a while)"
                if payload.get("severity_as_edit") == "material"
                else ""
            )
            + f". See: {payload['diff_command']}"
        )
    return f"{policy}: {kind}"
