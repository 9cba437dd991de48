"""Which character set a body is in: the HTTP header, then the document, then detection."""

from __future__ import annotations

import codecs
import re

__all__ = ["charset_from_content_type", "detect_encoding", "is_textual"]

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXTUAL = ("text/", "application/xhtml", "application/xml", "application/json", "+xml")


def is_textual(content_type: str) -> bool:
    """True for content types whose bodies are text (HTML, XML, Markdown, plain text)."""
    return not content_type or any(t in content_type for t in _TEXTUAL)


_ALL_BYTES = bytes(range(256))
_ESCAPE_CODECS = ("unicode-escape", "raw-unicode-escape")


def _known(name: str | bytes | None) -> str | None:
    """The codec a label names, if it is a character set: one that decodes any bytes.

    A page or header can name any Python codec: decoding with base64, rot13 or zlib
    (no text encodings), idna, punycode or undefined (no replacing of a bad byte)
    would raise, and the escape codecs read backslashes as Python escapes.
    """
    if not name:
        return None
    label = name.decode("ascii", "ignore") if isinstance(name, bytes) else name
    try:
        codec = codecs.lookup(label.strip().strip("\"'"))
        if codec.name in _ESCAPE_CODECS:
            return None
        _ALL_BYTES.decode(codec.name, "replace")
    except (LookupError, ValueError):  # ValueError: idna's UnicodeError, a NUL in the label
        return None
    # WHATWG: a page that says latin-1 means windows-1252.
    return "cp1252" if codec.name in ("latin-1", "iso8859-1", "ascii") else codec.name


def charset_from_content_type(value: str) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, if it names a known codec."""
    for param in value.split(";")[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            return _known(val)
    return None


def detect_encoding(body: bytes, content_type: str = "", header: str | None = None) -> str:
    """The encoding to decode ``body`` with.

    Order: byte-order mark, the header's charset, a ``<meta charset>`` or XML
    declaration in the first 4 KB, strict UTF-8, then statistical detection.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    declared = _known(header) if header else None
    if declared:
        return declared
    head = body[:4096]
    match = _META.search(head) or _XML_DECL.search(head)
    if match and (found := _known(match.group(1))):
        return found
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # slow to import, rarely needed

    best = from_bytes(body[:65536]).best()
    guessed = _known(best.encoding) if best is not None else None
    return guessed or "cp1252"
