"""The normalise stage: HTML, PDF, Markdown or plain text → canonical Markdown blocks.

The same input always gives the same output, byte for byte, and normalising
the output again (as Markdown) gives it back unchanged.  What is kept:
headings with their level, paragraphs, list items, table rows, and links to
absolute URLs (without tracking parameters).  What is dropped: everything
else (see ``html.py`` for HTML and the README for the full list).  How each
input format is read is in ``formats.py``.
"""

from __future__ import annotations

from monitor import patterns
from monitor.models import Document
from monitor.text.canonical import detect_language
from monitor.text.charset import detect_encoding
from monitor.text.formats import FORMATS, Source, detect_format
from monitor.text.markdown import render_markdown

__all__ = ["normalize"]


_CONTROL = patterns.compile(r"[\x00-\x08\x0e-\x1f]")
_SAMPLE = 65_536
_BINARY_SHARE = 0.01


def looks_binary(text: str) -> bool:
    """More than 1% of a sample (the start, middle and end) is NUL or other control
    characters: not text, whatever a label says."""
    if len(text) <= 3 * _SAMPLE:
        sample = text
    else:
        middle = len(text) // 2
        sample = text[:_SAMPLE] + text[middle : middle + _SAMPLE] + text[-_SAMPLE:]
    return len(_CONTROL.findall(sample)) > _BINARY_SHARE * max(1, len(sample))


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
    kind = FORMATS[detect_format(raw, content_type, filename or source)]
    if kind.binary and isinstance(body, str):
        # Text already decoded is no binary document, whatever it begins with ("%PDF-"):
        # the declared type or name decides, else it is read as text.
        declared = FORMATS[detect_format(b"", content_type, filename or source)]
        kind = kind if declared.binary else declared
    if kind.binary:
        reading = kind.read(Source(raw))
    else:
        text = (
            body
            if isinstance(body, str)
            else raw.decode(encoding or detect_encoding(raw, content_type), errors="replace")
        )
        if "\x00" in text:
            # Binary by proportion, before parsing (10 MB of junk would cost seconds to
            # parse); a stray NUL in a real page is dropped, not a reason to read nothing.
            if looks_binary(text):
                return Document(text="", source=source, problem="the body is binary, not text")
            text = text.replace("\x00", "")
        reading = kind.read(Source(raw, text, select, remove))
    blocks, title, declared_lang, problem = (
        reading.blocks,
        reading.title,
        reading.language,
        reading.problem,
    )
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
