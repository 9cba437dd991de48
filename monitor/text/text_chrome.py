"""Page furniture by shape: what a page carries around the policy and is no part of it,
read from the blocks of any input (the only signs Markdown and plain text have; for
HTML it is a last pass after the tags and classes, and it keeps normalising the
canonical Markdown again a no-op).

HTML has tags and classes to tell navigation from content; Markdown has only
shape, so this reads shape, and only where furniture sits:

- runs of link-only lines (a menu, social links, "Home") before the first
  heading or after the last line of policy text; in between, or after a line
  that introduces them ("...with these partners:"), a list of links is content
  (the privacy policies of the third parties named, say);
- language menus anywhere: three or more language names in a row, or any line
  saying how much of a page is translated ("кыргызча (40% translated)");
- image-only lines (avatars, logos, badges) anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.models import Block

__all__ = ["drop_text_chrome"]

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s|·•/,–—-]+")
_TRANSLATED = re.compile(
    r"\(\s*\d{1,3}\s*%\s*(translated|übersetzt|vertaald|traduit|traducido|tradotto)\s*\)",
    re.IGNORECASE,
)
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
    """``blocks`` without the furniture described in the module's docstring."""
    keep = [not (_image_only(b) or _TRANSLATED.search(b.text)) for b in blocks]
    _drop_language_menus(blocks, keep)
    first_heading = next(
        (i for i, b in enumerate(blocks) if b.kind == "heading" and not _link_only(b)),
        len(blocks),
    )
    for i in range(first_heading):
        if _link_only(blocks[i]):
            keep[i] = False
    trailing: list[int] = []
    for i in range(len(blocks) - 1, -1, -1):
        if not keep[i]:
            continue
        if not _link_only(blocks[i]):
            # A list the text introduces ("...with these partners:") is content.
            if not (blocks[i].kind == "heading" or blocks[i].text.rstrip().endswith(":")):
                for j in trailing:
                    keep[j] = False
            break
        trailing.append(i)
    return tuple(b for b, k in zip(blocks, keep, strict=True) if k)


def _drop_language_menus(blocks: Sequence[Block], keep: list[bool]) -> None:
    start = 0
    while start < len(blocks):
        end = start
        while end < len(blocks) and _language(blocks[end]):
            end += 1
        if end - start >= _RUN:
            for i in range(start, end):
                keep[i] = False
        start = max(end, start + 1)


def _words(text: str) -> str:
    return _SEPARATORS.sub(" ", text).strip()


def _image_only(block: Block) -> bool:
    return (
        block.kind != "heading" and "![" in block.text and not _words(_IMAGE.sub(" ", block.text))
    )


def _link_only(block: Block) -> bool:
    """A line that is nothing but short links (or bare URLs); plain text reads a lone
    URL line as a heading, so headings are no exception."""
    if "](" not in block.text and "http" not in block.text:
        return False
    if "@" in block.text:
        return False  # an e-mail address is a channel the policy gives, never furniture
    labels = [m.group(1) for m in _LINK.finditer(block.text)]
    rest = _words(_BARE_URL.sub(" ", _LINK.sub(" ", block.text)))
    return not rest and all(len(label.split()) <= _MAX_LABEL_WORDS for label in labels)


def _language(block: Block) -> bool:
    text = _LINK.sub(lambda m: m.group(1), block.text)
    return " ".join(_TRANSLATED.sub(" ", text).lower().split()) in _LANGUAGES
