"""Links in a clause: what a reader sees of them, and which are channels the policy gives.

Real pages change link targets all the time without changing what they say:
cache-busting query strings, signed media URLs, redirect tokens, FAQ slugs,
locale segments.  So the judge reads a clause as a reader does
(:func:`reader_text`: a Markdown link ``[label](url)`` is its label, a bare URL
its site), and a link target counts only where it is a **channel** the policy
gives the user (:func:`channels`): an e-mail address, or a form or page for
exercising rights, opting out, complaining or contacting the controller, named
by its registrable domain.  Such a channel moving to another domain is a
contact change; a new token in the same channel's URL is not.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from monitor import patterns
from monitor.memory import per_run
from monitor.text.channel_words import is_channel

__all__ = ["channels", "reader_text", "registrable_domain"]

# [label](target): the label may hold one level of brackets ("[see [1]](...)").
_LINK = patterns.compile(
    r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_BARE_URL = patterns.compile(r"(?:https?://|www\.)[^\s)\]>\"'<]+", re.IGNORECASE)
_MAILTO_OR_EMAIL = patterns.compile(r"(?:mailto:)?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)", re.IGNORECASE)

# Second-level labels under which a country's registrable domains sit (example.co.uk).
_SECOND_LEVEL = frozenset("co com org net gov ac edu gob gouv nic ne or go".split())


def registrable_domain(host: str) -> str:
    """The registrable part of a host name: ``www.help.example.co.uk`` → ``example.co.uk``."""
    host = host.lower().strip(".").split(":")[0]
    parts = [p for p in host.split(".") if p]
    if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def _host(url: str) -> str:
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _site(match: re.Match[str]) -> str:
    url = match.group(0).rstrip(".,;:")
    host = _host(url)
    tail = match.group(0)[len(url) :]  # the sentence's own punctuation
    return (host.removeprefix("www.") if host else url) + tail


@per_run
@lru_cache(maxsize=8192)
def reader_text(text: str) -> str:
    """``text`` as a reader sees it: each ``[label](url)`` its label, each bare URL its site."""
    if "http" not in text and "www." not in text and "](" not in text:
        return text
    text = _LINK.sub(lambda m: m.group(1), text)
    return _BARE_URL.sub(_site, text)


def _shown_address(link: re.Match[str]) -> str:
    label, target = link.group(1), link.group(2)
    if target.lower().startswith("mailto:") and _MAILTO_OR_EMAIL.search(label):
        return label
    return link.group(0)


@per_run
@lru_cache(maxsize=8192)
def channels(text: str) -> frozenset[str]:
    """The contact channels the links of ``text`` give: e-mail addresses (``mailto:``
    targets included) and ``"form on <registrable domain>"`` for rights, opt-out,
    complaint and contact pages."""
    if "mailto:" in text:
        # A link that shows an address gives the address it shows: the one a reader sees
        # and copies ("[dpo@x.com](mailto:x@x.com)" gives dpo@x.com).
        text = _LINK.sub(_shown_address, text)
    found = {m.group(1).lower().rstrip(".") for m in _MAILTO_OR_EMAIL.finditer(text)}
    if "http" not in text and "www." not in text:
        return frozenset(found)
    for m in _LINK.finditer(text):
        label, url = m.group(1), m.group(2)
        if url.lower().startswith(("http://", "https://")) and is_channel(label, url):
            found.add(f"form on {registrable_domain(_host(url))}")
    for m in _BARE_URL.finditer(_LINK.sub(" ", text)):
        url = m.group(0).rstrip(".,;:")
        if is_channel("", url):
            found.add(f"form on {registrable_domain(_host(url))}")
    return frozenset(found)
