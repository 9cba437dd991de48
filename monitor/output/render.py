"""Render a comparison as terminal text, Markdown, HTML or JSON: the ``--format`` registry.

Each renderer takes a :class:`~monitor.models.Comparison` and returns a string;
``@register("name")`` adds one to ``RENDERERS``, whose names are the choices of
``monitor diff --format``, and ``render(name, comparison)`` calls it.

Policy text is untrusted: Markdown escapes every character that could start
markup, HTML escapes everything with ``html.escape`` under a
Content-Security-Policy that forbids scripts, and terminal text replaces control
characters so a policy can never send escape sequences to a terminal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol

from monitor import patterns
from monitor.models import ChangeKind, ClauseChange, Comparison, ComparisonSide, Severity
from monitor.output.contract import render_json as _json
from monitor.output.safe import json_safe, visible
from monitor.output.summary import summarize

__all__ = [
    "RENDERERS",
    "Renderer",
    "register",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
]


class Renderer(Protocol):
    """A ``--format``: a comparison to text; ``color`` matters to terminal text only."""

    def __call__(self, comparison: Comparison, *, color: bool = False) -> str: ...


RENDERERS: dict[str, Renderer] = {}
"""The renderers by ``--format`` name, in the order ``--help`` lists them."""


def register(name: str) -> Callable[[Renderer], Renderer]:
    """Add the decorated function to ``RENDERERS`` as ``name``."""

    def add(renderer: Renderer) -> Renderer:
        RENDERERS[name] = renderer
        return renderer

    return add


def render(name: str, comparison: Comparison, *, color: bool = False) -> str:
    """``comparison`` in the format ``name`` (a key of ``RENDERERS``)."""
    try:
        renderer = RENDERERS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose from {', '.join(RENDERERS)}") from None
    return renderer(comparison, color=color)


_KINDS = ChangeKind.names()
_SEVERITIES = Severity.names()
_DATE_FACTS = (
    ("date_only", "only the declared date changed"),
    ("silent", "silent change"),
    ("backdated", "backdated"),
)

_MD_SPECIAL = patterns.compile(r"([\\`*_{}\[\]()#+\-.!|~=^:\"'$])")


def _counts_line(comparison: Comparison) -> str:
    counts = comparison.counts
    return ", ".join(f"{counts.get(k, 0)} {k}" for k in (*_KINDS, "unchanged"))


def _side(side: ComparisonSide) -> tuple[str, str]:
    """``(source, "declared ..., N clauses")`` for one side of the comparison."""
    declared = f"declared {side.declared_date}" if side.declared_date else "no declared date"
    return str(side.source or "?"), f"{declared}, {side.clauses} clauses"


def _facts(comparison: Comparison) -> str:
    return ", ".join(
        f"{label}: {'yes' if getattr(comparison, key) else 'no'}" for key, label in _DATE_FACTS
    )


def _trail(change: ClauseChange) -> str:
    return " › ".join(str(s) for s in change.section) or "(no section)"


def _old_text(change: ClauseChange) -> str:
    return change.old.text if change.old is not None else ""


def _new_text(change: ClauseChange) -> str:
    return change.new.text if change.new is not None else ""


def _extra(change: ClauseChange) -> str:
    """Similarity (modified only) and categories of a change, or ``""``."""
    parts = []
    if change.kind == ChangeKind.MODIFIED:
        # Floored, so that a changed clause never shows as "1.00".
        similarity = math.floor(float(change.similarity) * 100 + 1e-9) / 100
        parts.append(f"similarity {similarity:.2f}")
    if change.categories:
        parts.append(", ".join(str(c) for c in change.categories))
    return " · ".join(parts)


def _meta_line(change: ClauseChange) -> str:
    extra = _extra(change)
    return f"{change.kind} · {change.severity}" + (f" · {extra}" if extra else "")


def _ops(change: ClauseChange) -> Sequence[Sequence[str]]:
    return change.inline or (("delete", _old_text(change)), ("insert", _new_text(change)))


# -- terminal -------------------------------------------------------------------------------------

_RESET, _BOLD, _DIM = "\x1b[0m", "\x1b[1m", "\x1b[2m"
_DEL, _INS = "\x1b[31;9m", "\x1b[32;4m"
_KIND_COLOR = {
    "added": "\x1b[32m",
    "removed": "\x1b[31m",
    "modified": "\x1b[33m",
    "moved": "\x1b[36m",
}


def _safe(text: str) -> str:
    """Control characters (escape sequences, bells, bidi overrides) shown as ``\\xNN``
    or ``\\uNNNN``, never sent."""
    return visible(text)


@register("text")
def render_text(comparison: Comparison, *, color: bool = False) -> str:
    """Terminal text; ``color`` uses ANSI colours, else ``[-deleted-]`` and ``{+inserted+}``."""

    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if color and text else text

    def mark(op: str, text: str) -> str:
        text = _safe(text)
        if op == "equal":
            return text
        if color:
            return paint(text, _DEL if op == "delete" else _INS)
        return f"[-{text}-]" if op == "delete" else f"{{+{text}+}}"

    old_source, old_detail = _side(comparison.old)
    new_source, new_detail = _side(comparison.new)
    lines = [
        paint(f"{_safe(old_source)} → {_safe(new_source)}", _BOLD),
        f"  old: {_safe(old_detail)}",
        f"  new: {_safe(new_detail)}",
        f"severity: {paint(_safe(str(comparison.severity)), _BOLD)}  ({_counts_line(comparison)})",
        f"summary: {_safe(summarize(None, comparison, language='en'))}",
    ]
    if comparison.anomaly:  # first: it says why the severity is what it is
        lines.append(paint(f"anomaly: {_safe(comparison.anomaly)}", _BOLD))
    lines.append(f"dates: {_facts(comparison)}")
    if comparison.categories:
        lines.append(f"categories: {_safe(', '.join(comparison.categories))}")
    for change in comparison.changes:
        kind = str(change.kind)
        lines += ["", paint(_safe(_trail(change)), _DIM)]
        lines.append(paint(_safe(_meta_line(change)), _KIND_COLOR.get(kind, "")))
        lines += [f"  reason: {_safe(str(reason))}" for reason in change.reasons]
        if kind == "modified":
            ops = _ops(change)
            lines.append("  - " + "".join(mark(op, t) for op, t in ops if op != "insert"))
            lines.append("  + " + "".join(mark(op, t) for op, t in ops if op != "delete"))
        elif kind == "removed":
            lines.append("  - " + paint(_safe(_old_text(change)), _KIND_COLOR["removed"]))
        elif kind == "added":
            lines.append("  + " + paint(_safe(_new_text(change)), _KIND_COLOR["added"]))
        else:
            lines.append("    " + _safe(_new_text(change)))
    return "\n".join(line.replace("\n", "\n    ") for line in lines) + "\n"


# -- Markdown -------------------------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Text that Markdown renders literally: no links, emphasis, HTML or entities."""
    text = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_wrap(text: str, marker: str) -> str:
    """``text`` escaped and wrapped in ``marker`` line by line, white space kept outside."""
    pieces = []
    for line in text.split("\n"):
        core = line.strip()
        if not core:
            pieces.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        tail = line[len(line.rstrip()) :]
        pieces.append(f"{lead}{marker}{md_escape(core)}{marker}{tail}")
    return "\n".join(pieces)


def _md_quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))


@register("markdown")
def render_markdown(comparison: Comparison, *, color: bool = False) -> str:
    """A Markdown report for a ticket or pull request."""
    old_source, old_detail = _side(comparison.old)
    new_source, new_detail = _side(comparison.new)
    lines = [
        f"**Severity: {md_escape(str(comparison.severity))}** · "
        f"{md_escape(_counts_line(comparison))}",
        "",
        md_escape(summarize(None, comparison, language="en")),
        "",
        f"- Old: {md_escape(old_source)} ({md_escape(old_detail)})",
        f"- New: {md_escape(new_source)} ({md_escape(new_detail)})",
        f"- Dates: {md_escape(_facts(comparison))}",
    ]
    if comparison.categories:
        lines.append(f"- Categories: {md_escape(', '.join(comparison.categories))}")
    if comparison.anomaly:
        lines.append(f"- Anomaly: {md_escape(comparison.anomaly)}")
    for change in comparison.changes:
        lines += [
            "",
            f"### {md_escape(_trail(change))}",
            "",
            f"**{md_escape(_meta_line(change))}**",
        ]
        if change.reasons:
            lines += [""] + [f"- {md_escape(str(reason))}" for reason in change.reasons]
        if change.kind == ChangeKind.MODIFIED:
            body = "".join(
                md_escape(text)
                if op == "equal"
                else _md_wrap(text, "~~" if op == "delete" else "**")
                for op, text in _ops(change)
                if op == "equal" or text.strip() or op == "insert"
            )
        elif change.kind == ChangeKind.REMOVED:
            body = _md_wrap(_old_text(change), "~~")
        else:
            body = md_escape(_new_text(change))
        lines += ["", _md_quote(body)]
    return "\n".join(lines) + "\n"


# -- HTML -----------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
header{border-bottom:1px solid #ccc;margin-bottom:1rem}
.sev{display:inline-block;padding:0 .5em;border-radius:.3em;background:#eee;font-weight:600}
.sev-material{background:#fdd;color:#900}.sev-minor{background:#ffd}.sev-cosmetic{background:#eef}
.change{border:1px solid #ddd;border-radius:.4em;margin:1rem 0;padding:.5rem 1rem}
.trail{color:#555;font-size:.9em;margin:0}.meta{margin:.2rem 0}
.text{white-space:pre-wrap;margin:.3rem 0}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.added .text,ins{background:#e6ffec;text-decoration:none}
.removed .text,del{background:#ffebe9}
.moved .text{background:#f4f4ff}
table{border-collapse:collapse}td,th{padding:.1rem .6rem;text-align:left}
"""


def _h(value: object) -> str:
    from html import escape  # loads html.entities: only for the HTML format

    return escape(visible(str(value)), quote=True)


def _pick(value: object, allowed: Sequence[str]) -> str:
    return str(value) if value in allowed else "other"


def _html_change(change: ClauseChange) -> str:
    kind = _pick(change.kind, _KINDS)
    severity = _pick(change.severity, _SEVERITIES)
    parts = [
        f'<section class="change {kind}">',
        f'<p class="trail">{_h(_trail(change))}</p>',
        f'<p class="meta"><strong>{_h(change.kind)}</strong> '
        f'<span class="sev sev-{severity}">{_h(change.severity)}</span> '
        f"{_h(_extra(change))}</p>",
    ]
    if change.reasons:
        parts.append("<ul>" + "".join(f"<li>{_h(r)}</li>" for r in change.reasons) + "</ul>")
    if kind == "modified":
        old = "".join(
            _h(t) if op == "equal" else f"<del>{_h(t)}</del>"
            for op, t in _ops(change)
            if op != "insert"
        )
        new = "".join(
            _h(t) if op == "equal" else f"<ins>{_h(t)}</ins>"
            for op, t in _ops(change)
            if op != "delete"
        )
        parts.append(
            f'<div class="sbs"><div><h4>Old</h4><p class="text">{old}</p></div>'
            f'<div><h4>New</h4><p class="text">{new}</p></div></div>'
        )
    else:
        text = _old_text(change) if kind == "removed" else _new_text(change)
        parts.append(f'<p class="text">{_h(text)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


@register("html")
def render_html(comparison: Comparison, *, color: bool = False) -> str:
    """A self-contained HTML page: inline CSS, no JavaScript, a strict CSP."""
    old, new = comparison.old, comparison.new
    severity = _pick(comparison.severity, _SEVERITIES)
    rows = "".join(
        f"<tr><th>{label}</th><td>{_h(side.source or '?')}</td>"
        f"<td>{_h(side.declared_date or '-')}</td>"
        f"<td>{_h(side.clauses)}</td></tr>"
        for label, side in (("Old", old), ("New", new))
    )
    header = [
        "<header>",
        f'<h1>Policy changes <span class="sev sev-{severity}">'
        f"{_h(comparison.severity)}</span></h1>",
        f"<p>{_h(_counts_line(comparison))}</p>",
        f'<p class="summary">{_h(summarize(None, comparison, language="en"))}</p>',
        "<table><tr><th></th><th>source</th><th>declared date</th><th>clauses</th></tr>"
        f"{rows}</table>",
        f"<p>{_h(_facts(comparison))}</p>",
    ]
    if comparison.categories:
        header.append(f"<p>Categories: {_h(', '.join(comparison.categories))}</p>")
    if comparison.anomaly:
        header.append(f"<p><strong>Anomaly:</strong> {_h(comparison.anomaly)}</p>")
    header.append("</header>")
    body = [_html_change(change) for change in comparison.changes]
    language = str(new.language or old.language or "")
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                f'<html lang="{_h(language)}">' if language else "<html>",
                "<head>",
                '<meta charset="utf-8">',
                '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                "style-src 'unsafe-inline'\">",
                '<meta name="referrer" content="no-referrer">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>Policy changes: {_h(old.source or '?')} → {_h(new.source or '?')}</title>",
                f"<style>{_CSS}</style>",
                "</head>",
                "<body>",
                *header,
                "<main>",
                *(body or ["<p>No changes.</p>"]),
                "</main>",
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


@register("json")
def render_json(comparison: Comparison, *, color: bool = False) -> str:
    """The JSON object of the ``monitor diff`` contract (``monitor.output.contract``), with
    control characters as ``\\u`` escapes."""
    return json_safe(_json(comparison))
