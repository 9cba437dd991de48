"""Input formats: which reader the normalise stage uses for a body, by name.

A reader is registered with ``@register("name", ...)`` together with the
content types and file suffixes that name it; :func:`detect_format` picks the
name (by content type, then suffix, then sniffing) and ``FORMATS[name].read``
turns the body into blocks.  Binary formats (PDF) read the raw bytes, the
others the decoded text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from monitor.models import Block
from monitor.text.markdown import parse_markdown
from monitor.text.plain import parse_text
from monitor.text.text_chrome import drop_text_chrome

__all__ = ["FORMATS", "Format", "Reading", "Source", "detect_format", "register"]


@dataclass(frozen=True, slots=True)
class Source:
    """A body to read: ``raw`` as received, ``text`` decoded ("" for a binary format)."""

    raw: bytes
    text: str = ""
    select: tuple[str, ...] = ()  # CSS selectors of the policy (HTML only)
    remove: tuple[str, ...] = ()  # CSS selectors of what to drop (HTML only)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a reader found; ``problem`` says why there are no blocks when there are none."""

    blocks: tuple[Block, ...]
    title: str | None = None
    language: str | None = None
    problem: str | None = None


Reader = Callable[[Source], Reading]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    read: Reader
    binary: bool = False  # reads ``Source.raw``, not the decoded text
    content_types: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {}


def register(
    name: str,
    *,
    binary: bool = False,
    content_types: tuple[str, ...] = (),
    suffixes: tuple[str, ...] = (),
) -> Callable[[Reader], Reader]:
    """Register the decorated reader as the input format ``name``."""

    def decorator(read: Reader) -> Reader:
        if name in FORMATS:
            raise ValueError(f"input format {name!r} is registered twice")
        FORMATS[name] = Format(name, read, binary, content_types, suffixes)
        return read

    return decorator


@register(
    "html",
    content_types=("text/html", "application/xhtml+xml"),
    suffixes=(".html", ".htm", ".xhtml"),
)
def read_html(source: Source) -> Reading:
    from monitor.text.html import html_blocks  # lxml: loaded for HTML only

    result = html_blocks(source.text, select=source.select, remove=source.remove)
    blocks = drop_text_chrome(result.blocks)
    return Reading(blocks, result.title, result.language, result.problem)


@register("pdf", binary=True, content_types=("application/pdf",), suffixes=(".pdf",))
def read_pdf(source: Source) -> Reading:
    text, problem = _pdf_text(source.raw)
    return Reading(parse_text(text, soft_wrap=True) if text else (), problem=problem)


@register(
    "markdown", content_types=("text/markdown", "text/x-markdown"), suffixes=(".md", ".markdown")
)
def read_markdown(source: Source) -> Reading:
    return Reading(drop_text_chrome(parse_markdown(source.text)))


# text/plain is no sure sign: servers label HTML and Markdown so; sniffing decides first
@register("text", suffixes=(".txt",))
def read_text(source: Source) -> Reading:
    return Reading(drop_text_chrome(parse_text(source.text)))


def detect_format(body: bytes, content_type: str = "", filename: str | None = None) -> str:
    """``html``, ``pdf``, ``markdown`` or ``text``: by content type, extension, then sniffing."""
    ctype = content_type.split(";")[0].strip().lower()
    if body[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"  # the magic number wins: servers often label PDFs text/html
    by_type = {t: f.name for f in FORMATS.values() for t in f.content_types}
    if ctype in by_type:
        return by_type[ctype]
    suffix = PurePosixPath(filename).suffix.lower() if filename else ""
    by_suffix = {s: f.name for f in FORMATS.values() for s in f.suffixes}
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


def _pdf_text(body: bytes) -> tuple[str, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        pages = [page.extract_text() or "" for page in reader.pages]
    except PyPdfError as exc:
        return "", f"cannot read the PDF: {exc}"
    except Exception as exc:  # a damaged file trips pypdf in many ways (its asserts too)
        return "", f"cannot read the PDF: {type(exc).__name__}: {exc}"
    text = "\n\n".join(pages).replace("\x00", "")  # a NUL would read back as a binary body
    if not text.strip():
        return "", "the PDF has no text layer (scanned?)"
    return text, None
