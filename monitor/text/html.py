"""HTML → blocks: the policy, not the page.

Parsing is lxml's (``lxml.html``, recovering from broken markup); BeautifulSoup
was measured 20-30x slower on the same pages and main-content extraction runs
on every changed page, so it is not used here (see the README).

Steps: drop what is never text (scripts, styles, media, forms' controls,
hidden elements); undo Cloudflare e-mail protection; drop page chrome
(``nav``, ``aside``, dialogs, landmark roles, cookie banners, share and
newsletter boxes by class or id); choose the main content (the configured
``select``, else ``main`` / ``[role=main]`` / ``article``, else the densest
block by non-link text); walk it into heading, paragraph, item and row blocks.
The chrome rules are in ``html_chrome.py``, the walk in ``html_walk.py``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.etree import ParserError

from monitor import patterns
from monitor.models import Block
from monitor.text.canonical import decode_cfemail, fold
from monitor.text.html_chrome import (
    NEVER_TEXT,
    accordion_targets,
    drop_all,
    drop_chrome,
    element_text,
    is_hidden,
    main_content,
    marks_chrome,
    text_weights,
)
from monitor.text.html_walk import HEADINGS, walk

__all__ = ["HtmlResult", "html_blocks"]

_LOCAL = threading.local()


def _parser() -> etree.HTMLParser:
    """A parser per thread (its error log tells when libxml2 gave up on deep nesting).

    lxml.etree's parser, not lxml.html's: the latter looks up a Python element
    class for every element touched, which cost a third of the stage's time.
    """
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, recover=True, huge_tree=True
        )
        _LOCAL.parser = parser
    return parser


@dataclass(frozen=True, slots=True)
class HtmlResult:
    blocks: tuple[Block, ...]
    title: str | None
    language: str | None
    problem: str | None = None


def html_blocks(
    text: str, *, select: tuple[str, ...] = (), remove: tuple[str, ...] = ()
) -> HtmlResult:
    """Extract the policy's blocks from an HTML page."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return HtmlResult((), None, None, "the page is empty")
    try:
        parser = _parser()
        doc = etree.fromstring(text, parser=parser)
        if doc is None:
            return HtmlResult((), None, None, "the page has no HTML content")
        if _too_deep(parser):
            # libxml2 stops parsing at a fixed depth and drops the rest of the page;
            # flatten the excess nesting and parse again.
            doc = etree.fromstring(_flatten(text), parser=parser)
            if _too_deep(parser):
                return HtmlResult((), None, None, "the page nests elements too deeply to read")
    except (ParserError, ValueError, etree.LxmlError) as exc:
        return HtmlResult((), None, None, f"cannot parse the page as HTML: {exc}")
    title_el = doc.find(".//title")
    title = fold(element_text(title_el)) if title_el is not None else None
    language = doc.get("lang") or doc.get("xml:lang")
    lang = language.split("-")[0].strip().lower() or None if language else None

    _decode_cf_emails(doc)
    panels = accordion_targets(doc)
    etree.strip_elements(doc, *NEVER_TEXT, with_tail=False)
    try:
        for selector in remove:
            drop_all(CSSSelector(selector)(doc))
        roots = [el for sel in select for el in CSSSelector(sel)(doc)]
    except Exception as exc:  # cssselect raises its own SelectorError tree
        return HtmlResult((), title, lang, f"invalid CSS selector: {exc}")
    drop_chrome(doc, panels)
    body = doc.find("body")
    if body is None:
        body = doc
    if select:
        order = {el: i for i, el in enumerate(doc.iter(etree.Element))}
        roots = sorted(_outermost(roots), key=lambda el: order.get(el, 0))
        if not roots:
            return HtmlResult((), title, lang, f"select {', '.join(select)!r} matched nothing")
    else:
        roots = [main_content(body)]
    blocks: list[Block] = []
    for root in roots:
        if root.tag in ("body", "html"):
            weights = text_weights(root)
            drop_all(
                el
                for el in root.iter("header", "footer")
                if el is not root and weights.get(el, 0) < 0.5 * weights.get(root, 0)
            )
        blocks.extend(walk(root))
    return HtmlResult(tuple(blocks), title or None, lang)


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any("depth" in entry.message for entry in parser.error_log)


class _Flattener(HTMLParser):
    """Re-serialises markup, dropping the tags of elements nested deeper than ``limit``.

    Deeper tags are kept, with their attributes, when a later step needs them: the
    block tags, links, and elements that are never text, hidden or named as furniture
    (else a script's code, a hidden copy or a cookie banner would read as policy text);
    inside an element that is never text or hidden, no deeper tag is needed.
    """

    limit = 200

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        # the open elements: tag, whether written, whether its content is never text
        self.open: list[tuple[str, bool, bool]] = []
        self.muted = 0  # open elements whose content is never text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.out.append(f"<{tag}>" if tag == "br" else "")
            return
        attrib = {name: value or "" for name, value in attrs}
        mutes = tag in NEVER_TEXT or is_hidden(attrib)
        keep = len(self.open) < self.limit or (not self.muted and _kept_deep(tag, attrib))
        self.open.append((tag, keep, mutes))
        self.muted += mutes
        if keep:
            names = (
                name if value is None else f'{name}="{escape(value)}"'
                for name, value in attrs
                if _ATTRIBUTE.fullmatch(name)
            )
            self.out.append(f"<{' '.join((tag, *names))}>")

    def handle_endtag(self, tag: str) -> None:
        # closes the nearest open element of that name (unclosed <p> or <span> may lie
        # in between); a stray end tag is dropped
        for back in range(1, min(len(self.open), 64) + 1):
            if self.open[-back][0] == tag:
                kept = self.open[-back][1]
                self.muted -= sum(mutes for _, _, mutes in self.open[-back:])
                del self.open[-back:]
                if kept:
                    self.out.append(f"</{tag}>")
                return

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # html.parser raises AssertionError on a "<![" it cannot read ("<![foo[", "<![" and
        # junk): read it as a bogus comment up to the next ">", as browsers do.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report)


_VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "area", "base", "col"}
_KEPT_DEEP = {"p", "li", "tr", "td", "a", *HEADINGS, *NEVER_TEXT}
_ATTRIBUTE = patterns.compile(r"[a-z_:][-a-z0-9_:.]*")


def _kept_deep(tag: str, attrib: Mapping[str, str]) -> bool:
    return tag in _KEPT_DEEP or marks_chrome(attrib)


def _flatten(text: str) -> str:
    flattener = _Flattener()
    flattener.feed(text)
    flattener.close()
    return "".join(flattener.out)


def _outermost(elements: list[etree._Element]) -> list[etree._Element]:
    chosen = set(elements)
    result = []
    for el in elements:
        if any(a in chosen for a in el.iterancestors()) or el in result:
            continue
        result.append(el)
    return result


def _decode_cf_emails(doc: etree._Element) -> None:
    for el in doc.iter("a", "span"):
        encoded = el.get("data-cfemail")
        href = el.get("href") or ""
        if encoded is None and "/cdn-cgi/l/email-protection#" in href:
            encoded = href.rsplit("#", 1)[1]
        if encoded is None:
            continue
        address = decode_cfemail(encoded)
        if address is None:
            continue
        for child in list(el):
            el.remove(child)  # the "[email protected]" placeholder and its wrapper
        el.text = address
        el.attrib.pop("href", None)
        el.attrib.pop("data-cfemail", None)
