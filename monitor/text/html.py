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
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.etree import ParserError

from monitor.models import Block
from monitor.text.canonical import clean_url, decode_cfemail, fold, is_noise_text

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


_NEVER_TEXT = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "frame", "object",
    "embed", "canvas", "video", "audio", "picture", "img", "source", "track", "map", "link",
    "meta", "button", "input", "select", "textarea", "option", "datalist", "output",
    "nav", "aside", "menu", "dialog", "head",
)  # fmt: skip
_CHROME_ROLES = {
    "navigation", "complementary", "search", "dialog", "alertdialog", "menu", "menubar",
    "toolbar", "tablist", "alert", "status", "marquee", "timer",
}  # fmt: skip
# Class or id names that always mean furniture, whatever the element holds.
_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(cookie-?(?:banner|bar|notice|consent|law|popup|modal|wall|message|melding)|"
    r"cookiebar|cookiebanner|cookienotice|cookie-?settings|consent-?(?:banner|manager|bar|box)|"
    r"cmp|onetrust|ot-sdk|cookiebot|cybot|cc-window|cc-banner|gdpr-?banner|"
    r"share-?(?:buttons?|bar|links|box|tools)|breadcrumbs?|kruimelpad|spinner|loader|"
    r"skip-?link|skip-?to-?content|sr-only|visually-?hidden|screen-?reader-?text|ad-?slot|"
    r"advert|advertentie|adsbygoogle|chat-?widget|back-?to-?top|to-?top|edit-?this|prev-?next|"
    r"pagination|on-?this-?page|entry-?meta|post-?meta|byline|edit-?link|comments-?area|"
    r"no-?comments|comment-?respond|author-?box|announcement-?bar|badge|doc-?footer|"
    r"theme-last-updated|entry-?footer|post-?footer|table-?of-?contents)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Names that usually mean furniture, but also name policy sections ("sharing",
# "consent"): only small elements carrying them are dropped.
_WEAK_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(share|sharing|social|socials|newsletter|nieuwsbrief|subscribe|modal|popup|"
    r"overlay|toast|feedback|helpful|related|toc|banner|promo|consent)(?:$|[\s_-])",
    re.IGNORECASE,
)
_WEAK_CHROME_MAX_CHARS = 400
_PAGE_CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(header|footer|topbar|top-?bar|navbar|nav|menu|masthead|site-?header|"
    r"site-?footer|page-?header|page-?footer|sidebar|usp-?bar|benefits)(?:$|[\s_-])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDDEN_CLASS = re.compile(
    r"(?:^|\s)(hidden|d-none|is-hidden|hide|invisible|u-hidden)(?:$|\s)", re.IGNORECASE
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "blockquote", "address",
    "figure", "figcaption", "details", "summary", "dl", "dt", "dd", "pre", "form",
    "fieldset", "legend", "center", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    "caption", "ul", "ol", "li", "hr", "body", "html", *_HEADINGS,
}  # fmt: skip
_TABLE_PARTS = {"tr", "td", "th", "tbody", "thead", "tfoot", "caption", "colgroup", "col"}
_BULLET = re.compile(r"^(?:[•·▪◦●○■□➤►▸‣⁃–—*-])\s+")
_CELL = "\x01"  # between table cells
_BREAK = "\x02"  # a <br>; line breaks in the source are only white space


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
    title = fold(_text(title_el)) if title_el is not None else None
    language = doc.get("lang") or doc.get("xml:lang")
    lang = language.split("-")[0].strip().lower() or None if language else None

    _decode_cf_emails(doc)
    etree.strip_elements(doc, *_NEVER_TEXT, with_tail=False)
    try:
        for selector in remove:
            _drop_all(CSSSelector(selector)(doc))
        roots = [el for sel in select for el in CSSSelector(sel)(doc)]
    except Exception as exc:  # cssselect raises its own SelectorError tree
        return HtmlResult((), title, lang, f"invalid CSS selector: {exc}")
    _drop_chrome(doc)
    body = doc.find("body")
    if body is None:
        body = doc
    if select:
        order = {el: i for i, el in enumerate(doc.iter(etree.Element))}
        roots = sorted(_outermost(roots), key=lambda el: order.get(el, 0))
        if not roots:
            return HtmlResult((), title, lang, f"select {', '.join(select)!r} matched nothing")
    else:
        roots = [_main_content(body)]
    blocks: list[Block] = []
    for root in roots:
        if root.tag in ("body", "html"):
            weights = _weights(root)
            _drop_all(
                el
                for el in root.iter("header", "footer")
                if el is not root and weights.get(el, 0) < 0.5 * weights.get(root, 0)
            )
        blocks.extend(_walk(root))
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
        mutes = tag in _NEVER_TEXT or _hidden(attrib)
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
_KEPT_DEEP = {"p", "li", "tr", "td", "a", *_HEADINGS, *_NEVER_TEXT}
_ATTRIBUTE = re.compile(r"[a-z_:][-a-z0-9_:.]*")


def _kept_deep(tag: str, attrib: Mapping[str, str]) -> bool:
    if tag in _KEPT_DEEP:
        return True
    names = _names(attrib)
    return _hidden(attrib) or _names_verdict(names) != _NEITHER or _page_chrome_names(names)


def _flatten(text: str) -> str:
    flattener = _Flattener()
    flattener.feed(text)
    flattener.close()
    return "".join(flattener.out)


def _drop_all(elements: object) -> None:
    for el in list(elements):  # type: ignore[call-overload]
        if el.getparent() is not None:
            _drop_tree(el)


def _text(el: etree._Element) -> str:
    return str(etree.tostring(el, method="text", encoding="unicode", with_tail=False))


def _drop_tree(el: etree._Element) -> None:
    """Remove ``el`` and its subtree, keeping the text that follows it."""
    parent = el.getparent()
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = _NOT_XML.sub(" ", (previous.tail or "") + el.tail)
        else:
            parent.text = _NOT_XML.sub(" ", (parent.text or "") + el.tail)
    parent.remove(el)


# Characters the parser lets through (raw or as "&#31;") but lxml refuses in a text it is given.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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


_TEXT_BLOCKS = {"p", "li", "td", "th", "dt", "dd", *_HEADINGS}


_STRONG, _WEAK, _NEITHER = 2, 1, 0
_NAMES_MAX = 2_000  # characters of a class or id value that are read


def _names(attrib: Mapping[str, str]) -> str:
    """An element's class and id names, as the furniture patterns read them.

    Only the start of a long value is read: no real class list runs to thousands of
    characters, and a multi-megabyte one would cost seconds of pattern matching per
    element (and stay in the caches below).
    """
    return f"{attrib.get('class', '')[:_NAMES_MAX]} {attrib.get('id', '')[:_NAMES_MAX]}"


@lru_cache(maxsize=8192)
def _names_verdict(names: str) -> int:
    """Whether class and id names mean furniture (pages repeat their class names a lot)."""
    if not names.strip():
        return _NEITHER
    if _CHROME_CLASS.search(names):
        return _STRONG
    return _WEAK if _WEAK_CHROME_CLASS.search(names) else _NEITHER


@lru_cache(maxsize=8192)
def _page_chrome_names(names: str) -> bool:
    return bool(_PAGE_CHROME_CLASS.search(names))


def _has_prose(el: etree._Element) -> bool:
    """True when an element holds a sentence of twelve words or more outside links."""
    return any(len(chunk.split()) >= 12 for chunk in el.xpath(".//text()[not(ancestor::a)]"))


def _hidden(attrib: Mapping[str, str]) -> bool:
    """Hidden from readers (attribute, inline style or class), or a furniture role."""
    style = attrib.get("style")
    return bool(
        "hidden" in attrib
        or attrib.get("aria-hidden") == "true"
        or (style and _HIDDEN_STYLE.search(style))
        or attrib.get("role", "").lower() in _CHROME_ROLES
        or _HIDDEN_CLASS.search(attrib.get("class", "")[:_NAMES_MAX])
    )


def _drop_chrome(doc: etree._Element) -> None:
    """Drop hidden elements and page furniture named by role, class or id.

    A class or id rule never drops an element holding half of the page's text
    (a wrapper called "skipToContent_fallback" can hold the whole policy),
    and the weak names ("share", "consent", ...) only drop small containers
    that hold a form or no prose: a policy section with id "sharing" stays.
    """
    hidden: list[etree._Element] = []
    named: list[tuple[etree._Element, bool]] = []
    for el in doc.iter(etree.Element):
        attrib = el.attrib
        if not attrib:
            continue
        if _hidden(attrib):
            hidden.append(el)
            continue
        verdict = _names_verdict(_names(attrib))
        if verdict == _STRONG:
            named.append((el, True))
        elif (
            verdict == _WEAK
            and el.tag not in _TEXT_BLOCKS
            and (el.find(".//form") is not None or not _has_prose(el))
        ):
            named.append((el, False))
    _drop_all(hidden)
    if not named:
        return
    page_chars = len(_text(doc))
    _drop_all(
        el
        for el, strong in named
        if el.getparent() is not None
        and (size := len(_text(el).strip())) < 0.5 * page_chars
        and (strong or size < _WEAK_CHROME_MAX_CHARS)
    )


def _weights(root: etree._Element) -> dict[etree._Element, int]:
    """Characters of non-link text in each element's subtree (one pass, no recursion)."""
    elements = list(root.iter(etree.Element))
    in_link: dict[etree._Element, bool] = {}
    for el in elements:
        parent = el.getparent()
        in_link[el] = el.tag == "a" or (parent is not None and in_link.get(parent, False))
    weight: dict[etree._Element, int] = {}
    for el in reversed(elements):
        own = 0 if in_link[el] else len((el.text or "").strip())
        total = own
        for child in el:
            if not isinstance(child.tag, str):
                continue
            total += weight.get(child, 0)
            if not in_link[el]:
                total += len((child.tail or "").strip())
        weight[el] = total
    return weight


def _main_content(body: etree._Element) -> etree._Element:
    """The element holding the policy: a semantic container, else the densest block."""
    weights = _weights(body)
    total = max(1, weights.get(body, 0))
    semantic = [
        el
        for el in body.iter("main", "article", "div", "section")
        if (el.tag in ("main", "article") or el.get("role") == "main")
        and weights.get(el, 0) >= 0.3 * total
    ]
    if semantic:
        return max(semantic, key=lambda el: weights.get(el, 0))
    # Page chrome marked only by class names (div soup): drop it unless it holds most text.
    chrome = [
        el
        for el in body.iter(etree.Element)
        if _page_chrome_names(_names(el)) and weights.get(el, 0) < 0.5 * total
    ]
    if chrome:
        _drop_all(chrome)
        weights = _weights(body)
    current = body
    while True:
        children = [c for c in current if isinstance(c.tag, str)]
        if not children:
            return current
        best = max(children, key=lambda c: weights.get(c, 0))
        if weights.get(best, 0) < 0.9 * max(1, weights.get(current, 0)):
            return current
        if next(best.iter("h1"), None) is None and any(
            c is not best and next(c.iter("h1"), None) is not None for c in children
        ):
            return current  # the policy's title sits beside the text: this is the container
        current = best


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
            elif tag in _HEADINGS:
                self.last_heading = _HEADINGS[tag]
                self.push(el, "heading", _HEADINGS[tag])
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


def _walk(root: etree._Element) -> list[Block]:
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
