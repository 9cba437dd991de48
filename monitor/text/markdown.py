"""Markdown: canonical Markdown from blocks, and blocks from Markdown.

:func:`render_markdown` writes what a version stores; :func:`parse_markdown`
reads it (or any Markdown input) back to the same blocks.
"""

from __future__ import annotations

import re

from monitor import patterns
from monitor.models import Block
from monitor.text.canonical import add_block, clean_url, fold, is_noise_text

__all__ = ["parse_markdown", "render_markdown"]

_MD_HEADING = patterns.compile(r"^(#{1,6})\s+(.*?)\s*$")
_MD_ITEM = patterns.compile(r"^\s{0,3}(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_MD_ROW = patterns.compile(r"^\|(.*)\|\s*$")
_CELL_SPLIT = patterns.compile(r"(?<!\\)\|")
_MD_RULE = patterns.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_LINK = patterns.compile(r"(\[[^\]\n]*\]\()(https?://[^)\s]+)(\))", re.IGNORECASE)
_SETEXT = patterns.compile(r"^(?:={2,}|-{2,})$")
_MD_BOLD_LINE = patterns.compile(r"^(\*\*|__)(.+?)\1:?$")
_NEEDS_ESCAPE = patterns.compile(r"^(#|[-*+>|•]|__|\d{1,3}[.)]\s|\\)")


def render_markdown(blocks: tuple[Block, ...] | list[Block]) -> str:
    """Blocks → canonical Markdown; :func:`parse_markdown` reads it back to the same blocks."""
    lines = []
    for block in blocks:
        if block.kind == "heading":
            lines.append(f"{'#' * block.level} {block.text}")
        elif block.kind == "item":
            lines.append(f"- {block.text}")
        elif block.kind == "row":
            lines.append(f"| {block.text} |")
        else:
            text = block.text
            lines.append("\\" + text if _NEEDS_ESCAPE.match(text) else text)
    return "\n\n".join(lines) + ("\n" if lines else "")


def parse_markdown(text: str) -> tuple[Block, ...]:
    """Markdown → blocks (headings, paragraphs, list items, table rows).

    Link targets lose tracking, session and signing parameters, as in HTML.
    """
    if "](" in text:
        text = _MD_LINK.sub(lambda m: m.group(1) + clean_url(m.group(2)) + m.group(3), text)
    blocks: list[Block] = []
    paragraph: list[str] = []
    last_heading = 1

    def flush() -> None:
        nonlocal last_heading
        if paragraph:
            joined = " ".join(paragraph)
            escaped = joined.startswith("\\")
            content = fold(joined[1:] if escaped else joined)
            bold = None if escaped else _MD_BOLD_LINE.match(content)
            if bold and len(content) <= 120:
                blocks.append(Block("heading", fold(bold.group(2)), min(6, last_heading + 1)))
            elif content and not is_noise_text(content):
                blocks.append(Block("paragraph", content))
            paragraph.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if not stripped.startswith("\\"):
            heading = _MD_HEADING.match(stripped)
            if heading:
                flush()
                last_heading = len(heading.group(1))
                add_block(blocks, "heading", heading.group(2), last_heading)
                continue
            if paragraph and _SETEXT.match(stripped) and not paragraph[0].startswith("\\"):
                # "Title\n=====": the paragraph line above is a heading (level 1 or 2).
                last_heading = 1 if stripped[0] == "=" else 2
                add_block(blocks, "heading", " ".join(paragraph), last_heading)
                paragraph.clear()
                continue
            if _MD_RULE.match(stripped) and "-" in stripped:
                flush()
                continue
            row = _MD_ROW.match(stripped)
            if row:
                flush()
                cells = [fold(c) for c in _CELL_SPLIT.split(row.group(1))]
                add_block(blocks, "row", " | ".join(c for c in cells if c))
                continue
            item = _MD_ITEM.match(line)
            if item:
                flush()
                add_block(blocks, "item", item.group(1))
                continue
        paragraph.append(stripped)
    flush()
    return tuple(blocks)
