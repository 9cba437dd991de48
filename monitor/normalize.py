"""The normalise stage: a fetched body → the text of the policy.

This first version keeps the text a page yields through BeautifulSoup, with
scripts, styles and other non-text removed, one block per line.  It is the
only function the pipeline calls to turn a body into text, so a richer
normaliser replaces it without touching anything else.
"""

from __future__ import annotations

import re
import unicodedata

from bs4 import BeautifulSoup
from bs4.element import Tag

from .charset import detect_encoding
from .models import Document

__all__ = ["normalize"]

_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head")
_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def _lines(text: str) -> str:
    out = []
    for line in text.splitlines():
        line = _SPACE.sub(" ", line).strip()
        if line:
            out.append(line)
    return "\n".join(out)


def normalize(
    body: bytes,
    *,
    content_type: str = "text/html",
    encoding: str | None = None,
    select: tuple[str, ...] = (),
    remove: tuple[str, ...] = (),
    source: str = "",
) -> Document:
    """Turn a raw body into a :class:`Document` (empty text when there is none)."""
    enc = encoding or detect_encoding(body, content_type)
    text = body.decode(enc, errors="replace")
    text = unicodedata.normalize("NFC", text)
    if "html" not in content_type and "xml" not in content_type and not _looks_like_html(text):
        return Document(text=_lines(text), source=source)
    soup = BeautifulSoup(text, "lxml")
    html = soup.find("html")
    language = html.get("lang") if isinstance(html, Tag) else None
    title_tag = soup.find("title")
    title = _lines(title_tag.get_text(" ")) if title_tag else None
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for selector in remove:
        for tag in soup.select(selector):
            tag.decompose()
    roots: list[Tag] = []
    for selector in select:
        roots.extend(soup.select(selector))
    if not select:
        body_tag = soup.find("body")
        roots = [body_tag] if isinstance(body_tag, Tag) else [soup]
    parts = [root.get_text("\n") for root in roots]
    return Document(
        text=_lines("\n".join(parts)),
        title=title or None,
        language=str(language).split("-")[0].lower() if language else None,
        source=source,
    )


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head
