"""Plain text (and the text layer of a PDF) → blocks."""

from __future__ import annotations

import re

from monitor import patterns
from monitor.models import Block
from monitor.text.canonical import add_block, fold

__all__ = ["parse_text"]

_TEXT_BULLET = patterns.compile(r"^\s*[•·▪◦●○■➤►▸‣⁃*–-]\s+(.*)$")
_NUMBERED = patterns.compile(r"^(\d{1,2})(\.\d{1,2})*\.?\s+\S")


def parse_text(text: str, *, soft_wrap: bool = False) -> tuple[Block, ...]:
    """Plain text → blocks. Short title-like paragraphs become headings, bullets items.

    With ``soft_wrap`` (PDF text) a line break inside a sentence does not end it.
    """
    blocks: list[Block] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if soft_wrap:
            lines = _unwrap(lines)
        paragraph: list[str] = []
        for line in lines:
            bullet = _TEXT_BULLET.match(line)
            if bullet:
                add_block(blocks, "paragraph", " ".join(paragraph))
                paragraph = []
                add_block(blocks, "item", bullet.group(1))
            else:
                paragraph.append(line)
        if len(paragraph) == 1 and _title_like(paragraph[0]):
            heading = fold(paragraph[0])
            if _NUMBERED.match(heading):
                level = 2 + heading.split()[0].rstrip(".").count(".")
            else:
                level = 2 if any(b.kind == "heading" for b in blocks) else 1
            add_block(blocks, "heading", heading, min(level, 6))
        else:
            add_block(blocks, "paragraph", " ".join(paragraph))
    return tuple(blocks)


def _title_like(line: str) -> bool:
    text = fold(line)
    return 0 < len(text) <= 90 and not text.endswith((".", ",", ";", ":", "!", "?"))


def _unwrap(lines: list[str]) -> list[str]:
    """Join PDF lines that continue a sentence; keep bullets and title-like lines apart."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if (
            out
            and not _TEXT_BULLET.match(stripped)
            and not out[-1].rstrip().endswith((".", ":", ";", "!", "?"))
            and not _title_like(out[-1]) | (len(out[-1]) < 60 and stripped[:1].isupper())
        ):
            out[-1] = out[-1].rstrip() + " " + stripped
        else:
            out.append(stripped)
    return out
