"""An Atom feed of material changes, for people who read feeds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from monitor.models import now_iso
from monitor.output.contract import from_dict
from monitor.output.safe import xml_text
from monitor.output.summary import summarize

__all__ = ["atom_feed", "change_page"]

ATOM = "http://www.w3.org/2005/Atom"


def change_page(base: str, policy: str, new_version: int) -> str:
    """The address of a change's page in the reading room (``monitor serve``) at ``base``:
    a change is named by its policy and the version it made."""
    return f"{base.rstrip('/')}/policies/{quote(policy, safe='')}/changes/{int(new_version)}"


def atom_feed(
    changes: Sequence[dict[str, Any]],
    *,
    title: str,
    feed_id: str,
    link: Callable[[dict[str, Any]], str] | None = None,
    language: str | None = "en",
) -> str:
    """Atom XML for change rows (see ``Store.changes_for_feed``). All text is escaped,
    and characters XML forbids (control characters from a page) are dropped. With
    ``link`` (a row to the address of its change page), entries link there; without,
    to the policy's own page, and say which ``monitor diff`` shows the change. Each
    entry's title is the change's summary, in ``language`` (None: the policy's own)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    updated = changes[0]["created_at"] if changes else now_iso()
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "policy-monitor"
    for change in changes:
        comparison = from_dict(change["comparison"])
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = summarize(
            change["policy"], comparison, language=language
        )
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{feed_id}:change:{change['id']}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = change["created_at"]
        page = link(change) if link is not None else None
        ET.SubElement(entry, f"{{{ATOM}}}link", href=page or change["url"])
        for category in comparison.categories:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=category)
        reasons = comparison.material_reasons(limit=20)
        facts = [f for f in ("silent", "date_only", "backdated") if getattr(comparison, f)]
        dates = (
            f"declared {comparison.old.declared_date or '-'} -> "
            f"{comparison.new.declared_date or '-'}" + ("; " + ", ".join(facts) if facts else "")
        )
        lines = [
            f"Version {change['old_version']} -> {change['new_version']} ({dates})",
            *(f"- {reason}" for reason in reasons),
            f"Full diff: {page}"
            if page
            else f"Full diff: monitor diff {change['policy']} --from {change['old_version']} "
            f"--to {change['new_version']}",
        ]
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = "\n".join(lines)
    # Dropping characters from the serialised XML cannot make markup: safe after escaping.
    return xml_text(ET.tostring(feed, encoding="unicode", xml_declaration=True)) + "\n"
