"""Text from pages and servers made safe for the terminal and for XML.

Nothing a page or a server sends may drive a terminal (escape sequences, bells,
carriage returns, bidi overrides that reorder what is shown) or be read as
console markup, and XML may not carry the characters it forbids.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from monitor import patterns

if TYPE_CHECKING:  # rich loads with the first table, not with every module that escapes
    from rich.table import Table
    from rich.text import Text

__all__ = ["add_row", "cell", "json_safe", "safe_href", "visible", "xml_text"]

# C0 controls but tab and newline, DEL, C1 controls, and the bidi controls that
# reorder or hide what a reader sees (U+061C, U+200E/F, U+202A-E, U+2066-9).
_UNSAFE = patterns.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_XML_FORBIDDEN = patterns.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character shown as ``\\xNN`` or ``\\uNNNN``."""
    return _UNSAFE.sub(_shown, text)


def cell(value: object) -> Text:
    """A table cell that shows ``value`` as it is: never console markup, no controls."""
    from rich.text import Text

    return Text(visible(str(value)))


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (to be escaped as usual after)."""
    return _XML_FORBIDDEN.sub("", text)


def add_row(table: Table, *values: object) -> None:
    """``table.add_row`` with every plain value shown as it is (see :func:`cell`)."""
    from rich.text import Text

    table.add_row(*(v if isinstance(v, Text) else cell("" if v is None else v) for v in values))


def json_safe(document: str) -> str:
    """JSON text with every control character written as a ``\\uNNNN`` escape: the same
    data (a JSON string may escape any character), nothing a terminal acts on."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def safe_href(url: object) -> str:
    """A link out of a page or message: only http(s), never ``javascript:`` or ``data:``
    (anything else, or a URL that does not parse, becomes ``#``)."""
    text = str(url)
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return "#"
    return text if scheme in ("http", "https") else "#"
