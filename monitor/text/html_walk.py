"""The DOM walk: one subtree of a page → heading, paragraph, item and row blocks.

Bold or colon-ended short lines read as headings, a ``<br>``-separated run of
bulleted lines as items, a row of a data table as one row block, and a link
to an absolute URL as a Markdown link.
"""

from __future__ import annotations

import re

from lxml import etree

from monitor import patterns
from monitor.models import Block
from monitor.text.canonical import clean_url, fold, is_noise_text

__all__ = ["HEADINGS", "walk"]

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "blockquote", "address",
    "figure", "figcaption", "details", "summary", "dl", "dt", "dd", "pre", "form",
    "fieldset", "legend", "center", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    "caption", "ul", "ol", "li", "hr", "body", "html", *HEADINGS,
}  # fmt: skip
_TABLE_PARTS = {"tr", "td", "th", "tbody", "thead", "tfoot", "caption", "colgroup", "col"}
_BULLET = patterns.compile(r"^(?:[•·▪◦●○■□➤►▸‣⁃–—*-])\s+")
_CELL = "\x01"  # between table cells
_BREAK = "\x02"  # a <br>; line breaks in the source are only white space


class _Walker:
    """Turns one subtree into blocks, iteratively (deeply nested pages cannot recurse)."""

    def __init__(self) -> None:
        # The bottom entry is no element's: a root that is not a block element (a custom
        # element such as <app-root>, a selected <span>) opens no block and closes none.
        self.owners: list[etree._Element | None] = [None]
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.bold_chars = 0
        self.bold_depth = 0
        self.kinds: list[tuple[str, int]] = [("paragraph", 0)]
        self.last_heading = 1
        self.links: list[tuple[int, str | None]] = []
        self.data_tables: dict[etree._Element, bool] = {}

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text)
            if self.bold_depth:
                self.bold_chars += len(text.strip())

    def flush(self) -> None:
        raw = "".join(self.buf)
        self.buf = []
        bold, self.bold_chars = self.bold_chars, 0
        if not raw or raw.isspace():  # most flushes: a block opening right after another
            return
        kind, level = self.kinds[-1]
        if kind == "row":
            # a "|" inside a cell is escaped, so the row reads back cell by cell
            cells = [fold(cell).replace("|", "\\|") for cell in raw.split(_CELL)]
            text = " | ".join(c for c in cells if c)
            if text:
                self.blocks.append(Block("row", text))
            return
        raw = raw.replace(_CELL, " ")
        if _BREAK in raw:
            lines = [line for line in map(fold, raw.split(_BREAK)) if line]
            if kind == "paragraph" and len(lines) > 1 and all(_BULLET.match(x) for x in lines):
                for line in lines:
                    self._emit("item", _BULLET.sub("", line), 0)
                return
            text = " ".join(lines)
        else:
            text = fold(raw)
        if not text:
            return
        if kind == "item":
            text = _BULLET.sub("", text)
        elif kind == "paragraph" and _pseudo_heading(text, bold):
            kind, level = "heading", min(6, self.last_heading + 1)
        self._emit(kind, text, level)

    def _emit(self, kind: str, text: str, level: int) -> None:
        if not text or is_noise_text(text):
            return
        self.blocks.append(Block(kind, text, level))

    def is_data_table(self, table: etree._Element) -> bool:
        if table not in self.data_tables:
            self.data_tables[table] = not any(
                isinstance(el.tag, str) and el.tag in _BLOCKS and el.tag not in _TABLE_PARTS
                for el in table.iterdescendants()
            )
        return self.data_tables[table]

    def in_row_table(self, el: etree._Element) -> bool:
        for ancestor in el.iterancestors("table"):
            return self.is_data_table(ancestor)
        return False

    def push(self, el: etree._Element, kind: str, level: int = 0) -> None:
        self.flush()
        self.kinds.append((kind, level))
        self.owners.append(el)

    def start(self, el: etree._Element) -> None:
        tag = el.tag
        if tag in ("b", "strong"):
            self.bold_depth += 1
        elif tag == "br":
            self.add(_BREAK)
        elif tag == "a":
            self.links.append((len(self.buf), _kept_link(el.get("href") or "")))
        elif tag in _BLOCKS:
            kind = self.kinds[-1][0]
            if tag in ("td", "th") and kind == "row":
                pass
            elif tag == "tr" and self.in_row_table(el):
                self.push(el, "row")
            elif tag in HEADINGS:
                self.last_heading = HEADINGS[tag]
                self.push(el, "heading", HEADINGS[tag])
            elif tag == "li":
                self.push(el, "item")
            elif kind in ("item", "heading", "row") and tag not in ("ul", "ol", "table"):
                self.add(" ")  # a <p> inside a list item or cell stays part of it
            else:
                self.push(el, "paragraph")
        self.add(el.text)

    def end(self, el: etree._Element, *, keep_tail: bool = True) -> None:
        tag = el.tag
        if tag in ("b", "strong"):
            self.bold_depth = max(0, self.bold_depth - 1)
        elif tag == "a" and self.links:
            index, href = self.links.pop()
            label = fold("".join(self.buf[index:]))
            if href and label and not _same_target(label, href):
                self.buf[index:] = [f"[{label}]({href})"]
        elif self.owners[-1] is el:
            self.flush()
            self.kinds.pop()
            self.owners.pop()
        elif tag in ("td", "th") and self.kinds[-1][0] == "row":
            self.add(_CELL)
        elif tag in _BLOCKS:
            self.add(" ")
        if keep_tail:
            self.add(el.tail)


def walk(root: etree._Element) -> list[Block]:
    """The blocks of ``root``'s subtree, in document order."""
    walker = _Walker()
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "start":
            walker.start(el)
        else:
            walker.end(el, keep_tail=el is not root)  # the root's tail is outside the policy
    walker.flush()
    return walker.blocks


def _pseudo_heading(text: str, bold_chars: int) -> bool:
    """A short line in bold, or a short line ending in a colon, reads as a heading."""
    if len(text) > 120 or text.endswith((".", ";", ",")):
        return False
    letters = len(text.replace(" ", ""))
    if letters and bold_chars >= 0.95 * letters:
        return True
    return text.endswith(":") and len(text) <= 80


_URL_MAX = 2_048  # a longer href is no address a browser would follow: its label stays


def _kept_link(href: str) -> str | None:
    href = href.strip()
    if len(href) > _URL_MAX:
        return None
    if href.lower().startswith("mailto:"):
        address = href[7:].split("?", 1)[0]
        return clean_url(f"mailto:{address}") if "@" in address else None
    if href.lower().startswith(("http://", "https://")):
        return clean_url(href)
    return None


def _same_target(label: str, href: str) -> bool:
    bare = re.sub(r"^(mailto:|https?://)(www\.)?", "", href.lower()).rstrip("/")
    shown = re.sub(r"^(https?://)?(www\.)?", "", label.lower()).rstrip("/")
    return bare == shown or bare.split("?", 1)[0] == shown
