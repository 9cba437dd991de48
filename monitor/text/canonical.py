"""Canonical text: the small folds that make two renderings of the same words equal.

Used by the normaliser on every block of text, and on every kept link.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from monitor import patterns
from monitor.models import Block

__all__ = [
    "add_block",
    "clean_url",
    "decode_cfemail",
    "detect_language",
    "fold",
    "is_noise_text",
    "visible_text",
]

_SPACES = dict.fromkeys(
    [0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x0009, 0x000B, 0x000C],
    " ",
)
_INVISIBLE = dict.fromkeys([0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E], None)
# Control characters carry no words and could drive a terminal: dropped.  Not the ones
# str.split() takes for white space (tab to CR, U+001C-U+001F, U+0085: spaces, as
# always), nor U+0001 and U+0002, the cell and line-break marks of the HTML walk.
_CONTROLS = dict.fromkeys(
    [0x00, *range(0x03, 0x09), *range(0x0E, 0x1C), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0)],
    None,
)
_QUOTES = {
    **dict.fromkeys([0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x2039, 0x203A], "'"),
    **dict.fromkeys([0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB], '"'),
}
_TABLE = str.maketrans({**_SPACES, **_INVISIBLE, **_QUOTES, **_CONTROLS})


_SPECIAL = patterns.compile(
    "[" + re.escape("".join(map(chr, {**_SPACES, **_INVISIBLE, **_QUOTES, **_CONTROLS}))) + "]"
)
_ASCII_CONTROL = patterns.compile("[\\x00\\x03-\\x08\\x0e-\\x1b\\x7f]")


def fold(text: str) -> str:
    """NFC; non-breaking, thin and zero-width spaces, soft hyphens and typographic
    quotes folded; control characters dropped; white space collapsed and trimmed."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if _SPECIAL.search(text):
            text = text.translate(_TABLE)
    elif _ASCII_CONTROL.search(text):
        text = text.translate(_TABLE)
    return " ".join(text.split())


# Query parameters that identify a visit, a campaign or a signature, never a document.
_TRACKING = patterns.compile(
    r"^(utm_\w+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|igshid|"
    r"mc_cid|mc_eid|_ga|_gl|_hsenc|_hsmi|__hstc|__hssc|__hsfp|hsctatracking|mkt_tok|trk|spm|"
    r"ref|ref_src|referrer|sid|ssid|session|sessionid|session_id|phpsessid|jsessionid|"
    r"aspsessionid\w*|cfid|cftoken|s_cid|icid|ncid|cmpid|campaign|oly_anon_id|oly_enc_id|"
    r"rb_clickid|vero_id|wickedid|x-amz-[\w-]+|expires|signature|key-pair-id|token|"
    r"v|ver|cb|cachebuster|_|nonce|timestamp|ts)$",
    re.IGNORECASE,
)


# What a browser percent-encodes before it follows a link (white space, quotes, angle
# brackets...): left raw, they would end the Markdown link early or read as markup.
_URL_UNSAFE = patterns.compile(r"[\x00-\x20\"<>`{}\x7f]")


_ESCAPE = patterns.compile(r"%[0-9a-f]{2}")

# A UUID in a link's path or query: a per-visit token far more often than a document's
# name (a redirect "/redirect/website.v1.<uuid>/settings" new on every render made a
# version of every fetch of a real policy). Written as the nil UUID, so the link reads
# the same from one fetch to the next.
_UUID = patterns.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)
NIL_UUID = "00000000-0000-0000-0000-000000000000"


# Link shims: a redirector that carries the real target in a parameter, signed anew on
# every render (Facebook's l.php?u=...&h=...). The link reads as its target.
_SHIMS = {
    ("l.facebook.com", "/l.php"): "u",
    ("lm.facebook.com", "/l.php"): "u",
    ("l.messenger.com", "/l.php"): "u",
    ("l.instagram.com", "/"): "u",
    ("l.threads.com", "/"): "u",
    ("www.google.com", "/url"): "q",
    ("www.youtube.com", "/redirect"): "q",
}


def _unshim(parts: SplitResult) -> str | None:
    name = _SHIMS.get((parts.netloc.lower(), parts.path or "/"))
    if name is None:
        return None
    for key, value in parse_qsl(parts.query):
        if key == name and value.lower().startswith(("http://", "https://")):
            return value
    return None


def clean_url(url: str) -> str:
    """``url`` without tracking, session and signing parameters or a fragment, a UUID in
    its path or query written as the nil UUID; a link shim's target instead of the shim."""
    try:
        parts = urlsplit(url.strip())
        target = _unshim(parts)
        if target is not None:
            parts = urlsplit(target)
    except ValueError:
        return _URL_UNSAFE.sub(_percent, url.strip())
    query = ""
    if parts.query:  # most links have none: parsing and encoding nothing gives ""
        query = urlencode(
            [
                (k, _UUID.sub(NIL_UUID, v))
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not _TRACKING.match(k)
            ]
        )
    path = parts.path
    if ";" in path:
        path = re.sub(r";jsessionid=[^/?#]*", "", path, flags=re.IGNORECASE)
    path = _UUID.sub(NIL_UUID, path)
    # the host is lower case, its percent escapes upper case (as _percent writes them),
    # so that cleaning a cleaned URL again changes nothing
    netloc = parts.netloc.lower()
    if "%" in netloc:
        netloc = _ESCAPE.sub(lambda m: m.group(0).upper(), netloc)
    url = urlunsplit((parts.scheme.lower(), netloc, path, query, ""))
    return _URL_UNSAFE.sub(_percent, url)


def _percent(match: re.Match[str]) -> str:
    return f"%{ord(match.group()):02X}"


def decode_cfemail(encoded: str) -> str | None:
    """Undo Cloudflare e-mail protection (``data-cfemail`` / ``#hex``): XOR with the first byte."""
    try:
        data = bytes.fromhex(encoded.strip())
    except ValueError:
        return None
    if len(data) < 2:
        return None
    key = data[0]
    try:
        address = bytes(b ^ key for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return address if "@" in address and address.isprintable() else None


_NOISE = patterns.compile(
    r"^(loading|laden|bezig met laden|wird geladen|chargement|even geduld|please wait|"
    r"scroll naar boven|naar boven|terug naar boven|back to top|to top|nach oben|"
    r"retour en haut|haut de page|lees meer|read more|weiterlesen|lire la suite|"
    r"print|afdrukken|drucken|imprimer|delen|share|tweet|teilen|partager|"
    r"\[email(?:\s|\u00a0)*protected\])[\s.…!]*$",
    re.IGNORECASE,
)


# A cookie-consent banner rendered as text: its buttons, and its short invitation.
_CONSENT_BUTTON = (
    r"(?:(?:accept|reject|allow|deny|decline|refuse|agree)(?: all| to all)?"
    r"(?: strictly necessary| necessary| essential| non-essential| optional)?(?: cookies)?|"
    r"only (?:strictly )?necessary(?: cookies)?|(?:cookie|privacy) (?:settings|preferences)|"
    r"manage (?:cookies|preferences|choices|options)|customi[sz]e|"
    r"(?:alle )?cookies? (?:accepteren|weigeren|toestaan)|alles (?:accepteren|weigeren)|"
    r"accepteren|weigeren|akkoord|instellingen|alle (?:akzeptieren|ablehnen)|"
    r"(?:alle )?cookies (?:akzeptieren|ablehnen|zulassen)|einstellungen|"
    r"tout (?:accepter|refuser)|accepter|refuser|paramétrer|personnaliser)"
)
_CONSENT_BUTTONS = patterns.compile(rf"^(?:\s*{_CONSENT_BUTTON}\s*[|·/,]?)+$", re.IGNORECASE)
_CONSENT_BANNER = patterns.compile(
    r"^(?:we(?:'d| would) like to use cookies|we use cookies|this (?:web)?site uses cookies|"
    r"deze (?:web)?site (?:maakt gebruik van|gebruikt) cookies|wij gebruiken cookies|"
    r"wir verwenden cookies|diese (?:web)?seite verwendet cookies|"
    r"(?:ce site|nous) utilis\w+ des cookies)"
    r".*\b(?:accept all|accept cookies|allow all|agree to all|alles accepteren|"
    r"alle cookies accepteren|alle akzeptieren|alle cookies akzeptieren|tout accepter|"
    r"accepter tous)",
    re.IGNORECASE | re.DOTALL,
)


def is_noise_text(text: str) -> bool:
    """True for a block that is only page furniture: a spinner, "back to top", "share",
    a cookie-consent banner's buttons or its short invitation to accept."""
    if len(text) < 40 and _NOISE.match(text):
        return True
    if len(text) < 120 and _CONSENT_BUTTONS.match(text):
        return True
    return len(text) < 450 and bool(_CONSENT_BANNER.match(text))


def add_block(blocks: list[Block], kind: str, text: str, level: int = 0) -> None:
    """Append a block of ``text`` (folded) unless it is empty or page furniture."""
    text = fold(text)
    if text and not is_noise_text(text):
        blocks.append(Block(kind, text, level))


_STOPWORDS = {
    "nl": "de het een en van ik je jij u uw wij we ons onze zijn is niet wordt worden "
    "met voor op aan bij door als dat die deze dit ook of naar om te tot kunnen "
    "gegevens persoonsgegevens wanneer welke hebben heeft",
    "en": "the and of to a in is you your we our us for on with that this are be by "
    "as or not may will information personal data which when have has from",
    "de": "der die das und ist nicht wir sie ihre ihr unsere den dem des ein eine zu "
    "mit von auf für werden wird oder als auch bei daten personenbezogenen",
    "fr": "le la les et des du un une est vous votre vos nous notre nos pour dans sur "
    "avec que qui ne pas sont être ou par au aux données personnelles",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_TOKEN = patterns.compile(r"[a-zà-ÿß]+")


def detect_language(text: str) -> str | None:
    """nl, en, de or fr by stop-word counts over the first 6,000 characters; None if unsure."""
    tokens = _TOKEN.findall(text[:6_000].lower())
    if len(tokens) < 8:
        return None
    scores = sorted(
        ((sum(1 for t in tokens if t in words), lang) for lang, words in _WORDS.items()),
        reverse=True,
    )
    (best, lang), (second, _) = scores[0], scores[1]
    if best >= 4 and best >= 1.5 * second:
        return lang
    return None


_LINK = patterns.compile(r"\[([^\]]*)\]\((?:https?|mailto):[^)\s]*\)")


def visible_text(text: str) -> str:
    """Canonical text as a reader sees it: ``[label](url)`` links reduced to their label."""
    return _LINK.sub(r"\1", text).replace("\\|", "|")
