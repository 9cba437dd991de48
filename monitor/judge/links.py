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
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["channels", "reader_text", "registrable_domain"]

# [label](target): the label may hold one level of brackets ("[see [1]](...)").
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"'<]+", re.IGNORECASE)
_MAILTO_OR_EMAIL = re.compile(r"(?:mailto:)?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)", re.IGNORECASE)

# Words that make a link a channel for the user, in its label or its URL
# (English, Dutch, German, French).  Whole words or word starts.
_CHANNEL = re.compile(
    r"(?<![a-z0-9])(?:opt[\s_-]?out|unsubscribe|do[\s_-]not[\s_-]sell|privacy[\s_-]?choices|"
    r"privacy[\s_-]?(?:request|settings|center|centre|portal|form)|"
    r"(?:data|access|deletion|subject)[\s_-]?request|dsar|web[\s_-]?form|form|forms|"
    r"complain\w*|complaint\w*|exercise|your[\s_-]rights|rights?[\s_-]request|contact\w*|"
    r"dpo|data[\s_-]protection[\s_-]officer|supervisory|"
    r"formulier\w*|klacht\w*|bezwaar|verzoek\w*|inzage|afmelden|uitschrijven|functionaris|"
    r"formular\w*|beschwerde\w*|widerspruch|antrag|auskunft\w*|abmelden|kontakt\w*|"
    r"datenschutzbeauftragte\w*|formulaire\w*|plainte\w*|réclamation\w*|opposition|"
    r"désinscri\w*|délégué\w*)(?![a-z0-9])",
    re.IGNORECASE,
)
# A query value that is an id, token or signature rather than words or an address.
_TOKEN = re.compile(r"[A-Za-z0-9_\-+=~.%]{16,}")
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


@lru_cache(maxsize=8192)
def reader_text(text: str) -> str:
    """``text`` as a reader sees it: each ``[label](url)`` its label, each bare URL its site."""
    if "http" not in text and "www." not in text and "](" not in text:
        return text
    text = _LINK.sub(lambda m: m.group(1), text)
    return _BARE_URL.sub(_site, text)


def _is_channel(label: str, url: str) -> bool:
    """Whether a link's label or address names a rights, opt-out, complaint or contact
    page.  In the address only the path, the query's names and the values that read as
    addresses or words count: a signature or id ("h=AUAf4m...", 40 random characters)
    can spell "form" by chance."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return bool(_CHANNEL.search(label))
    words = [parts.path]
    for name, value in query:
        words.append(name)
        if not _TOKEN.fullmatch(value):
            words.append(value)
    where = unquote(" ".join(words)).replace("/", " ")
    return bool(_CHANNEL.search(label) or _CHANNEL.search(where))


def _shown_address(link: re.Match[str]) -> str:
    label, target = link.group(1), link.group(2)
    if target.lower().startswith("mailto:") and _MAILTO_OR_EMAIL.search(label):
        return label
    return link.group(0)


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
        if url.lower().startswith(("http://", "https://")) and _is_channel(label, url):
            found.add(f"form on {registrable_domain(_host(url))}")
    for m in _BARE_URL.finditer(_LINK.sub(" ", text)):
        url = m.group(0).rstrip(".,;:")
        if _is_channel("", url):
            found.add(f"form on {registrable_domain(_host(url))}")
    return frozenset(found)
