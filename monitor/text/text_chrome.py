"""Page furniture by shape: what a page carries around the policy and is no part of it,
read from the blocks of any input (the only signs Markdown and plain text have; for
HTML it is a last pass after the tags and classes, and it keeps normalising the
canonical Markdown again a no-op).

HTML has tags and classes to tell navigation from content; Markdown has only
shape, so this reads shape, and only where furniture sits:

- runs of link-only lines (a menu, social links, "Home") before the first
  heading (a page without headings keeps its start) or after the last line of
  policy text; in between, or after a line that introduces them ("...with
  these partners:"), a list of links is content (the privacy policies of the
  third parties named, say), and so is a link to a channel the policy gives
  (a rights request or opt-out form, a contact page) wherever it stands;
- language menus anywhere: three or more language names in a row, or any line
  saying how much of a page is translated ("кыргызча (40% translated)");
- image-only lines (avatars, logos, badges) and short copyright lines ("© 2025
  ...", "Copyright 2024 ...") anywhere; "(c)" opens a copyright line only before
  a year, since it also numbers clauses ("(c) advertising partners").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor import patterns
from monitor.models import Block
from monitor.text.channel_words import is_channel

__all__ = ["drop_text_chrome"]

_LINK = patterns.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_IMAGE = patterns.compile(r"!\[[^\]]*\]\([^)]*\)")
_EMAIL = patterns.compile(r"(?<![/\w])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # not a /@handle
_COPYRIGHT = patterns.compile(
    r"^(?:©|&copy;|\(c\)\s*(?:19|20)\d\d\b|copyright\s*(?:©|\(c\)|(?:19|20)\d\d\b))",
    re.IGNORECASE,
)
_BARE_URL = patterns.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SEPARATORS = patterns.compile(r"[\s|·•/,–—-]+")
_TRANSLATED = patterns.compile(
    r"\(\s*\d{1,3}\s*%\s*(translated|übersetzt|vertaald|traduit|traducido|tradotto)\s*\)",
    re.IGNORECASE,
)
_LANGUAGE_LINE_MAX = 60  # characters: longer than any line naming one language
# Language names as menus show them (endonyms), lower case.
_LANGUAGES = frozenset(
    name.strip()
    for name in """english|deutsch|français|francais|español|espanol|italiano|nederlands|
    português|portugues|polski|русский|日本語|中文|简体中文|繁體中文|한국어|türkçe|turkce|
    svenska|dansk|norsk|suomi|čeština|cestina|magyar|română|romana|ελληνικά|українська|
    العربية|עברית|हिन्दी|bahasa indonesia|bahasa melayu|tiếng việt|ไทย|català|galego|
    euskara|eesti|latviešu|lietuvių|slovenčina|slovenščina|hrvatski|srpski|български|
    кыргызча|қазақша|o'zbekcha|فارسی""".split("|")
)
_MAX_LABEL_WORDS = 5
_RUN = 3  # this many language names in a row make a menu


def drop_text_chrome(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """``blocks`` without the furniture described in the module's docstring.

    Passes repeat until one drops nothing (dropping a menu can bring two lists
    of language names together), so that reading the result again is a no-op.
    """
    kept = list(blocks)
    while True:
        again = _one_pass(kept)
        if len(again) == len(kept):
            return tuple(kept)
        kept = again


def _one_pass(blocks: list[Block]) -> list[Block]:
    blocks = [b for b in blocks if not (_image_only(b) or _copyright(b))]
    blocks = _without_language_menus(blocks)
    first_heading = next(
        (i for i, b in enumerate(blocks) if b.kind == "heading" and not _link_only(b)), 0
    )
    blocks = [b for i, b in enumerate(blocks) if i >= first_heading or not _furniture(b)]
    end = len(blocks)
    while end > 0 and _furniture(blocks[end - 1]):
        end -= 1
    if end < len(blocks) and end > 0:
        last = blocks[end - 1]
        # A list the text introduces ("...with these partners:") is content.
        if last.kind == "heading" or last.text.rstrip().endswith(":"):
            end = len(blocks)
    return blocks[:end]


def _without_language_menus(blocks: list[Block]) -> list[Block]:
    """Without any line saying how much of a page is translated, and without runs of
    ``_RUN`` or more language names."""
    drop = {i for i, b in enumerate(blocks) if _TRANSLATED.search(b.text)}
    start = 0
    while start < len(blocks):
        end = start
        while end < len(blocks) and _language(blocks[end]):
            end += 1
        if end - start >= _RUN:
            drop.update(range(start, end))
        start = max(end, start + 1)
    return [b for i, b in enumerate(blocks) if i not in drop]


def _words(text: str) -> str:
    return _SEPARATORS.sub(" ", text).strip()


def _copyright(block: Block) -> bool:
    """A short copyright line ("© 2025 Fernwood B.V. All rights reserved")."""
    return len(block.text) <= 160 and bool(_COPYRIGHT.match(block.text.lstrip()))


def _image_only(block: Block) -> bool:
    return (
        block.kind != "heading" and "![" in block.text and not _words(_IMAGE.sub(" ", block.text))
    )


def _link_only(block: Block) -> bool:
    """A line that is nothing but short links (or bare URLs); plain text reads a lone
    URL line as a heading, so headings are no exception."""
    if "](" not in block.text and "http" not in block.text:
        return False
    if "@" in block.text and _EMAIL.search(block.text):
        return False  # an e-mail address is a channel the policy gives, never furniture
    labels = [m.group(1) for m in _LINK.finditer(block.text)]
    rest = _words(_BARE_URL.sub(" ", _LINK.sub(" ", block.text)))
    return not rest and all(len(label.split()) <= _MAX_LABEL_WORDS for label in labels)


def _furniture(block: Block) -> bool:
    """A link-only line that gives the reader no channel: a menu entry, a social link."""
    if not _link_only(block):
        return False
    links = [
        (m.group(1), m.group(0)[m.group(0).index("](") + 2 : -1])
        for m in _LINK.finditer(block.text)
    ]
    links += [("", m.group(0)) for m in _BARE_URL.finditer(_LINK.sub(" ", block.text))]
    return not any(is_channel(label, url) for label, url in links)


def _language(block: Block) -> bool:
    if len(block.text) > _LANGUAGE_LINE_MAX and "](" not in block.text:
        return False  # a language name is short; only a link makes its line long
    text = _LINK.sub(lambda m: m.group(1), block.text)
    return " ".join(_TRANSLATED.sub(" ", text).lower().split()) in _LANGUAGES
