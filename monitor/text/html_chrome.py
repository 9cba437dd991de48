"""Page chrome: what is never text, hidden elements, and page furniture (navigation,
cookie banners, share and newsletter boxes, headers and footers) named by tag,
role, class or id; and the choice of the element that holds the policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from lxml import etree

from monitor import patterns
from monitor.text.html_walk import HEADINGS

__all__ = [
    "NEVER_TEXT",
    "drop_all",
    "drop_chrome",
    "element_text",
    "is_hidden",
    "main_content",
    "marks_chrome",
    "text_weights",
]

NEVER_TEXT = (
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
_CHROME_CLASS = patterns.compile(
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
_WEAK_CHROME_CLASS = patterns.compile(
    r"(?:^|[\s_-])(share|sharing|social|socials|newsletter|nieuwsbrief|subscribe|modal|popup|"
    r"overlay|toast|feedback|helpful|related|toc|banner|promo|consent)(?:$|[\s_-])",
    re.IGNORECASE,
)
_WEAK_CHROME_MAX_CHARS = 400
_PAGE_CHROME_CLASS = patterns.compile(
    r"(?:^|[\s_-])(header|footer|topbar|top-?bar|navbar|nav|menu|masthead|site-?header|"
    r"site-?footer|page-?header|page-?footer|sidebar|usp-?bar|benefits)(?:$|[\s_-])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = patterns.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDDEN_CLASS = patterns.compile(
    r"(?:^|\s)(hidden|d-none|is-hidden|hide|invisible|u-hidden)(?:$|\s)", re.IGNORECASE
)


def drop_all(elements: object) -> None:
    for el in list(elements):  # type: ignore[call-overload]
        if el.getparent() is not None:
            _drop_tree(el)


def element_text(el: etree._Element) -> str:
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
_NOT_XML = patterns.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_TEXT_BLOCKS = {"p", "li", "td", "th", "dt", "dd", *HEADINGS}


_STRONG, _WEAK, _NEITHER = 2, 1, 0
_NAMES_MAX = 2_000  # characters of a class or id value that are read


def _names(attrib: Mapping[str, str]) -> str:
    """An element's class and id names, as the furniture patterns read them.

    Only the start of a long value is read: no real class list runs to thousands of
    characters, and a multi-megabyte one would cost seconds of pattern matching per
    element (and stay in the caches below).
    """
    classes = attrib.get("class", "")[:_NAMES_MAX]
    if ":" in classes or "[" in classes:
        # utility classes with variants or arbitrary values ("toc-visible:md:col-span-8",
        # "[--grid-gap:8px]") say how an element looks, never what it is
        classes = " ".join(c for c in classes.split() if ":" not in c and "[" not in c)
    return f"{classes} {attrib.get('id', '')[:_NAMES_MAX]}"


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


def is_hidden(attrib: Mapping[str, str]) -> bool:
    """Hidden from readers (attribute, inline style or class), or a furniture role."""
    style = attrib.get("style")
    return bool(
        "hidden" in attrib
        or attrib.get("aria-hidden") == "true"
        or (style and _HIDDEN_STYLE.search(style))
        or attrib.get("role", "").lower() in _CHROME_ROLES
        or _HIDDEN_CLASS.search(attrib.get("class", "")[:_NAMES_MAX])
    )


_PANEL_NAMES = patterns.compile(
    r"collaps|accordion|expand|disclosure|detail|toggle|read-?more|show-?more|uitklap|inklap",
    re.IGNORECASE,
)


def _collapsed_panel(el: etree._Element, controlled: set[str]) -> bool:
    """A closed accordion panel: hidden by a class, the ``hidden`` attribute or an inline
    style, not by a furniture role, and either opened by a button (``aria-controls``) or
    named as a collapsible panel, itself or its parent.  A hidden tab panel is another
    document (the cookie statement beside the privacy statement) and stays dropped."""
    attrib = el.attrib
    role = attrib.get("role", "").lower()
    if role in _CHROME_ROLES or role == "tabpanel":
        return False
    if el.get("id") in controlled:
        return True
    parent = el.getparent()
    names = f"{attrib.get('class', '')} {attrib.get('id', '')}"
    if parent is not None:
        names += f" {parent.get('class', '')} {parent.get('id', '')}"
    return bool(_PANEL_NAMES.search(names[: 2 * _NAMES_MAX]))


def _aria_hidden_only(attrib: Mapping[str, str]) -> bool:
    """Hidden by ``aria-hidden="true"`` alone (no attribute, style or class hides it)."""
    return attrib.get("aria-hidden") == "true" and not is_hidden(
        {k: v for k, v in attrib.items() if k != "aria-hidden"}
    )


def marks_chrome(attrib: Mapping[str, str]) -> bool:
    """Hidden, or named as furniture (strongly, weakly, or as a page header or footer)."""
    names = _names(attrib)
    return is_hidden(attrib) or _names_verdict(names) != _NEITHER or _page_chrome_names(names)


def accordion_targets(doc: etree._Element) -> set[str]:
    """The ids that accordion buttons open (``aria-controls``; a tab opens another
    document, not those). Read before buttons are stripped."""
    return {
        target
        for el in doc.iter(etree.Element)
        if el.get("role") != "tab"
        for target in el.get("aria-controls", "").split()
    }


def drop_chrome(doc: etree._Element, controlled: set[str] | None = None) -> None:
    """Drop hidden elements and page furniture named by role, class or id.

    A class or id rule, or ``aria-hidden`` alone, never drops an element holding
    half of the page's text (a wrapper called "skipToContent_fallback" can hold
    the whole policy; an app behind an open dialog is all ``aria-hidden``),
    and the weak names ("share", "consent", ...) only drop small containers
    that hold a form or no prose: a policy section with id "sharing" stays.
    """
    hidden: list[etree._Element] = []
    named: list[tuple[etree._Element, bool]] = []
    for el in doc.iter(etree.Element):
        attrib = el.attrib
        if not attrib:
            continue
        if is_hidden(attrib):
            if _collapsed_panel(el, controlled or set()):
                continue  # a closed accordion: its text is the policy's, one click away
            if _aria_hidden_only(attrib):
                # An app that opens a dialog (a consent banner) marks everything behind
                # it aria-hidden; readers still see it: dropped only when small.
                named.append((el, True))
            else:
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
    drop_all(hidden)
    if not named:
        return
    page_chars = len(element_text(doc))
    drop_all(
        el
        for el, strong in named
        if el.getparent() is not None
        and (size := len(element_text(el).strip())) < 0.5 * page_chars
        and (strong or size < _WEAK_CHROME_MAX_CHARS)
    )


def text_weights(root: etree._Element) -> dict[etree._Element, int]:
    """Characters of non-link text in each element's subtree (one walk, no recursion).

    An element's weight is its own text, its children's weights and their tails;
    text inside a link counts nothing, nor do comments and their tails.
    """
    weight: dict[etree._Element, int] = {}
    open_totals: list[int] = []  # the running weight of each element open on the walk
    links = 0  # how many <a> are open: text under any of them is link text
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if tag == "a":
                links += 1
            open_totals.append(0 if links else len((el.text or "").strip()))
            continue
        total = open_totals.pop()
        weight[el] = total
        if tag == "a":
            links -= 1
        if open_totals:
            open_totals[-1] += total + (0 if links else len((el.tail or "").strip()))
    return weight


def main_content(body: etree._Element) -> etree._Element:
    """The element holding the policy: a semantic container, else the densest block."""
    weights = text_weights(body)
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
        drop_all(chrome)
        weights = text_weights(body)
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
