"""The normalise stage: HTML, PDF, Markdown or plain text → canonical Markdown blocks.

The same input always gives the same output, byte for byte, and normalising
the output again (as Markdown) gives it back unchanged.  What is kept:
headings with their level, paragraphs, list items, table rows, and links to
absolute URLs (without tracking parameters).  What is dropped: everything
else (see ``extract.py`` for HTML and the README for the full list).
"""

from __future__ import annotations

import io
import re
from pathlib import PurePosixPath

from monitor.models import Block, Document
from monitor.text.canonical import detect_language, fold, is_noise_text
from monitor.text.charset import detect_encoding
from monitor.text.html import html_blocks

__all__ = ["detect_format", "normalize", "parse_markdown", "parse_text", "render_markdown"]

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_MD_ITEM = re.compile(r"^\s{0,3}(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_MD_ROW = re.compile(r"^\|(.*)\|\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_BOLD_LINE = re.compile(r"^(\*\*|__)(.+?)\1:?$")
_NEEDS_ESCAPE = re.compile(r"^(#|[-*+>|•]|__|\d{1,3}[.)]\s|\\)")
_TEXT_BULLET = re.compile(r"^\s*[•·▪◦●○■➤►▸‣⁃*–-]\s+(.*)$")
_NUMBERED = re.compile(r"^(\d{1,2})(\.\d{1,2})*\.?\s+\S")


def detect_format(body: bytes, content_type: str = "", filename: str | None = None) -> str:
    """``html``, ``pdf``, ``markdown`` or ``text``: by content type, extension, then sniffing."""
    ctype = content_type.split(";")[0].strip().lower()
    if body[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"  # the magic number wins: servers often label PDFs text/html
    if ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if ctype == "application/pdf":
        return "pdf"
    if ctype in ("text/markdown", "text/x-markdown"):
        return "markdown"
    suffix = PurePosixPath(filename).suffix.lower() if filename else ""
    by_suffix = {
        ".html": "html",
        ".htm": "html",
        ".xhtml": "html",
        ".pdf": "pdf",
        ".md": "markdown",
        ".markdown": "markdown",
        ".txt": "text",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    head = body[:4096].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    lowered = head[:1024].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in lowered:
        return "html"
    if ctype == "text/plain":
        return "text"
    if re.search(rb"(?m)^#{1,6} \S", body[:20000]):
        return "markdown"
    return "html" if re.search(rb"<(p|div|h[1-6]|li)[\s>]", lowered) else "text"


def normalize(
    body: bytes | str,
    *,
    content_type: str = "",
    encoding: str | None = None,
    select: tuple[str, ...] = (),
    remove: tuple[str, ...] = (),
    source: str = "",
    language: str | None = None,
    filename: str | None = None,
) -> Document:
    """Turn a raw body into a :class:`Document`.

    When there is no text, ``blocks`` is empty and ``problem`` says why.
    """
    if isinstance(body, str):
        # lone surrogates (text decoded with surrogateescape) become U+FFFD, like bad bytes
        raw = body.encode("utf-8", "surrogatepass")
        body = raw.decode("utf-8", "replace")
    else:
        raw = body
    kind = detect_format(raw, content_type, filename or source)
    title: str | None = None
    declared_lang: str | None = None
    problem: str | None = None
    if kind == "pdf":
        text, problem = _pdf_text(raw)
        blocks = parse_text(text, soft_wrap=True) if text else ()
    else:
        text = (
            body
            if isinstance(body, str)
            else raw.decode(encoding or detect_encoding(raw, content_type), errors="replace")
        )
        if "\x00" in text:  # before parsing: 10 MB of junk would cost seconds to parse
            return Document(text="", source=source, problem="the body is binary, not text")
        if kind == "html":
            result = html_blocks(text, select=select, remove=remove)
            blocks, title, declared_lang, problem = (
                result.blocks,
                result.title,
                result.language,
                result.problem,
            )
        elif kind == "markdown":
            blocks = parse_markdown(text)
        else:
            blocks = parse_text(text)
    markdown = render_markdown(blocks)
    if not blocks and problem is None:
        problem = "no text found"
    detected = detect_language(markdown) if blocks else None
    return Document(
        text=markdown,
        blocks=tuple(blocks),
        title=title,
        language=language or detected or declared_lang,
        source=source,
        problem=problem if not blocks else None,
    )


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
    """Markdown → blocks (headings, paragraphs, list items, table rows)."""
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
                _add(blocks, "heading", heading.group(2), last_heading)
                continue
            if _MD_RULE.match(stripped) and "-" in stripped:
                flush()
                continue
            row = _MD_ROW.match(stripped)
            if row:
                flush()
                cells = [fold(c) for c in _CELL_SPLIT.split(row.group(1))]
                _add(blocks, "row", " | ".join(c for c in cells if c))
                continue
            item = _MD_ITEM.match(line)
            if item:
                flush()
                _add(blocks, "item", item.group(1))
                continue
        paragraph.append(stripped)
    flush()
    return tuple(blocks)


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
                _add(blocks, "paragraph", " ".join(paragraph))
                paragraph = []
                _add(blocks, "item", bullet.group(1))
            else:
                paragraph.append(line)
        if len(paragraph) == 1 and _title_like(paragraph[0]):
            heading = fold(paragraph[0])
            if _NUMBERED.match(heading):
                level = 2 + heading.split()[0].rstrip(".").count(".")
            else:
                level = 2 if any(b.kind == "heading" for b in blocks) else 1
            _add(blocks, "heading", heading, min(level, 6))
        else:
            _add(blocks, "paragraph", " ".join(paragraph))
    return tuple(blocks)


def _add(blocks: list[Block], kind: str, text: str, level: int = 0) -> None:
    text = fold(text)
    if text and not is_noise_text(text):
        blocks.append(Block(kind, text, level))


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


def _pdf_text(body: bytes) -> tuple[str, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        return "", f"cannot read the PDF: {exc}"
    text = "\n\n".join(pages).replace("\x00", "")  # a NUL would read back as a binary body
    if not text.strip():
        return "", "the PDF has no text layer (scanned?)"
    return text, None
