"""Page chrome: deterministic page variants around one policy, to prove noise immunity.

``policy_fragment`` marks up a plain seed text (as in ``seeds/text/*.txt``) as an HTML
fragment.  ``wrap`` puts a fragment into a whole page in one of ``TEMPLATES``: very
different layouts, each with realistic Dutch site furniture.  ``perturb`` adds noise of
the ``NOISE_KINDS`` to any page (generated or not) without changing the visible text of
the policy.  Everything is a pure function of its arguments: the same seed gives the
same bytes, on every run and every machine.

Used by tests, benchmarks and demos.  Standard library plus lxml (``perturb`` parses the
page to know what is policy and what is furniture).
"""

from __future__ import annotations

import base64
import json
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape, unescape
from typing import Any

from lxml import etree
from lxml import html as lhtml

__all__ = ["NOISE_KINDS", "TEMPLATES", "perturb", "policy_fragment", "wrap"]

NOISE_KINDS: tuple[str, ...] = (
    "nonce",
    "tracking",
    "footer_year",
    "attribute_order",
    "whitespace",
    "strong_b",
    "list_markup",
    "cookie_banner",
    "ads",
    "csrf",
    "comments",
)


# --------------------------------------------------------------------------- helpers


def _rng(*parts: object) -> random.Random:
    """A private generator seeded from a string (sha512-based, so stable everywhere)."""
    return random.Random("\x1f".join(str(p) for p in parts))


def _text(s: str) -> str:
    return escape(s, quote=False)


def _attr(s: str) -> str:
    return escape(s, quote=True)


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _b36(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(n))


def _urlsafe(rng: random.Random, nbytes: int) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(nbytes)).decode("ascii").rstrip("=")


def _nonce(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(16)).decode("ascii")


def _fill(template: str, **values: str) -> str:
    """Replace ``{{name}}`` placeholders (one pass: values are never re-scanned)."""
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)


def _norm(s: str) -> str:
    return " ".join(s.split())


def _plain(markup: str) -> str:
    """The text of a small piece of markup, whitespace collapsed."""
    return _norm(unescape(re.sub(r"<[^>]*>", "", markup)))


def _slug(s: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "sectie"


# --------------------------------------------------------------------- policy_fragment

_NUMBERED = re.compile(r"(\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.)\s*(?=[^\W\d_])")
_LABEL = re.compile(r"([^\W\d_][^.,:;!?@/()\[\]\n]{1,58}?)(:|\s[-–]\s)(?=\s*\S)")
_INLINE = re.compile(
    r"(?P<url>\bhttps?://[^\s<>\"“”]+|\bwww\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s<>\"“”]*)?)"
    r"|(?P<mail>[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b)"
    r"|“(?P<quote>[^“”\n]{1,80})”",
    re.IGNORECASE,
)
_URL_TRAIL = ".,;:!?)]}'\""


def _links(s: str) -> str:
    """Escape ``s``; URLs and e-mail addresses become links, “quoted terms” emphasis."""
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(s):
        if m.group("quote") is not None:
            out += [_text(s[pos : m.start()]), f"“<em>{_text(m.group('quote'))}</em>”"]
            pos = m.end()
            continue
        target = m.group(0)
        while target and target[-1] in _URL_TRAIL:
            target = target[:-1]
        if not target:
            continue
        if m.group("mail") is not None:
            href = "mailto:" + target
        elif target.lower().startswith("http"):
            href = target
        else:
            href = "https://" + target
        out += [_text(s[pos : m.start()]), f'<a href="{_attr(href)}">{_text(target)}</a>']
        pos = m.start() + len(target)
    out.append(_text(s[pos:]))
    return "".join(out)


def _inline(line: str) -> str:
    """One line of running text: a leading short label ("Rechtsgrondslag:", "Toegang op
    afstand - ") in <strong>, links and emphasis in the rest.  Text unchanged."""
    m = _LABEL.match(line)
    if m is None or len(m.group(1).split()) > 6:
        return _links(line)
    label, sep = m.group(1), m.group(2)
    head = (
        f"<strong>{_text(label + sep)}</strong>"
        if sep == ":"
        else f"<strong>{_text(label)}</strong>{_text(sep)}"
    )
    return head + _links(line[m.end() :])


def _heading_tag(line: str, *, first: bool, blank_after: bool) -> str | None:
    m = _NUMBERED.match(line)
    if m is not None and len(line) < 120 and not line.endswith((":", ",", ";")):
        return "h2" if len(re.findall(r"\d+", m.group(1))) == 1 else "h3"
    if (
        not blank_after
        or len(line) >= 90
        or line.endswith((".", ",", ":", ";"))
        or not line[0].isalnum()
    ):
        return None
    return "h1" if first else "h2"


def policy_fragment(text: str) -> str:
    """Mark up a plain seed policy text (as in seeds/text/*.txt) as an HTML fragment.

    Short title-like lines (no final period, < 90 chars, followed by a blank line)
    become <h2> (the first line <h1>); numbered headings like '1. Verzamelde informatie'
    / '1.1 Onderwerp' become <h2>/<h3>; lines starting with '•' become <ul><li> (glyph
    dropped; consecutive bullets form one list); other paragraphs become <p> (the lines
    of a multi-line paragraph separated by <br>).  URLs and e-mail addresses become
    links, a short leading label <strong>.  All text HTML-escaped, wording unchanged.
    """
    blocks: list[tuple[list[str], bool]] = []  # (lines, followed by a blank line)
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append((current, True))
            current = []
    if current:
        blocks.append((current, False))

    items: list[tuple[str, str]] = []
    for index, (lines, blank_after) in enumerate(blocks):
        if len(lines) == 1:
            tag = _heading_tag(lines[0], first=index == 0, blank_after=blank_after)
            if tag is not None:
                items.append((tag, _text(lines[0])))
                continue
        i = 0
        while i < len(lines):
            if lines[i].startswith("•"):
                items.append(("li", _inline(lines[i][1:].strip())))
                i += 1
                continue
            j = i
            while j < len(lines) and not lines[j].startswith("•"):
                j += 1
            items.append(("p", "<br>\n".join(_inline(line) for line in lines[i:j])))
            i = j

    out: list[str] = []
    i = 0
    while i < len(items):
        tag, body = items[i]
        if tag != "li":
            out.append(f"<{tag}>{body}</{tag}>")
            i += 1
            continue
        lis: list[str] = []
        while i < len(items) and items[i][0] == "li":
            lis.append(f"<li>{items[i][1]}</li>")
            i += 1
        out.append("<ul>\n" + "\n".join(lis) + "\n</ul>")
    return "\n".join(out) + ("\n" if out else "")


# ------------------------------------------------------------------ fragment rewriting

_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1\s*>", re.S | re.I)


def _with_ids(fragment: str, prefix: str = "") -> tuple[str, list[tuple[int, str, str]]]:
    """Give <h2>/<h3> ids (kept when present); return the headings as (level, id, text)."""
    seen: set[str] = set()
    heads: list[tuple[int, str, str]] = []

    def add(m: re.Match[str]) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2), m.group(3)
        if level not in (2, 3):
            return m.group(0)
        text = _plain(inner)
        found = re.search(r"""\sid\s*=\s*["']?([^"'\s>]+)""", attrs)
        if found:
            hid = found.group(1)
        else:
            base = prefix + _slug(text)[:48]
            hid, n = base, 2
            while hid in seen:
                hid, n = f"{base}-{n}", n + 1
            attrs = f' id="{hid}"' + attrs
        seen.add(hid)
        heads.append((level, hid, text))
        return f"<h{level}{attrs}>{inner}</h{level}>"

    return _HEADING.sub(add, fragment), heads


def _paragraphs(fragment: str) -> list[str]:
    found = re.findall(r"<(?:p|li)\b[^>]*>(.*?)</(?:p|li)>", fragment, re.S | re.I)
    return [t for t in (_plain(p) for p in found) if len(t) > 40]


# ---------------------------------------------------------------------------- perturb

_SKIP = {"head", "script", "style", "noscript", "template", "svg", "title", "iframe"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_RAW = {"script", "style", "textarea", "title", "xmp", "pre", "plaintext", "noscript"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PROSE_MIN = 30
_ROOT_SHARE = 0.6
_SMALL_SHARE = 0.15


def _tag(el: Any) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _is_hidden(el: Any) -> bool:
    if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    return _tag(el) == "dialog" and el.get("open") is None


def _prose(s: str | None) -> int:
    n = len(_norm(s)) if s else 0
    return n if n >= _PROSE_MIN else 0


@dataclass
class _Ctx:
    """What perturb knows about a parsed page: where the policy is (``root``, the
    deepest element holding most of the visible running text) and how much running
    text every element holds."""

    doc: Any
    body: Any
    root: Any
    weights: dict[Any, int]
    total: int
    policy_side: set[Any] = field(default_factory=set)  # root and its ancestors

    @classmethod
    def of(cls, doc: Any) -> _Ctx:
        body = doc.find("body")
        if body is None:
            body = doc
        weights: dict[Any, int] = {}

        def measure(el: Any, in_link: bool) -> int:
            tag = _tag(el)
            if not tag or tag in _SKIP or _is_hidden(el):
                weights[el] = 0
                return 0
            link = in_link or tag == "a"
            total = 0 if link else _prose(el.text)
            for child in el:
                total += measure(child, link)
                total += 0 if link else _prose(child.tail)
            weights[el] = total
            return total

        total = measure(body, False)
        root = body
        while True:
            children = [c for c in root if _tag(c)]
            best = max(children, key=lambda c: weights.get(c, 0), default=None)
            if best is None or weights.get(best, 0) < _ROOT_SHARE * max(total, 1) or total == 0:
                break
            root = best
        side = {root, *root.iterancestors()}
        return cls(doc, body, root, weights, total, side)

    def furniture(self, el: Any) -> bool:
        """True when ``el`` is certainly not (part of) the policy."""
        if el in self.policy_side:
            return False
        if any(a is self.root for a in el.iterancestors()):
            return False
        return self.weights.get(el, 0) <= _SMALL_SHARE * self.total


def _elements(ctx: _Ctx) -> list[Any]:
    return [el for el in ctx.doc.iter() if isinstance(el.tag, str)]


def _set_param(url: str, key: str, value: str) -> str:
    """``url`` with query parameter ``key`` set to ``value`` (other parameters verbatim)."""
    base, hash_, frag = url.partition("#")
    path, q, query = base.partition("?")
    parts = [p for p in query.split("&") if p] if q else []
    pref = key + "="
    replaced = False
    for i, p in enumerate(parts):
        if p == key or p.startswith(pref):
            parts[i] = pref + value
            replaced = True
    if not replaced:
        parts.append(pref + value)
    return path + "?" + "&".join(parts) + hash_ + frag


def _k_nonce(ctx: _Ctx, rng: random.Random) -> bool:
    changed = False
    for el in _elements(ctx):
        old = el.get("nonce")
        if old is not None:
            new = _nonce(rng)
            while new == old:
                new = _nonce(rng)
            el.set("nonce", new)
            changed = True
        tag = _tag(el)
        rel = (el.get("rel") or "").lower()
        attr = None
        if tag == "script" and el.get("src"):
            attr = "src"
        elif tag == "link" and el.get("href") and ("stylesheet" in rel or "preload" in rel):
            attr = "href"
        if attr is not None and not el.get(attr).startswith("data:"):
            el.set(attr, _set_param(el.get(attr), "v", _hex(rng, rng.choice((8, 10, 12)))))
            changed = True
    return changed


_TRACKING_KEYS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "fbclid",
    "gclid", "msclkid", "mc_eid", "sid", "sessionid", "PHPSESSID", "_ga",
)  # fmt: skip


def _tracking_value(key: str, rng: random.Random) -> str:
    if key == "utm_source":
        return rng.choice(("nieuwsbrief", "facebook", "google", "linkedin", "instagram", "x"))
    if key == "utm_medium":
        return rng.choice(("email", "cpc", "social", "referral", "banner", "display", "organic"))
    if key == "utm_campaign":
        season = rng.choice(("voorjaar", "zomer", "najaar", "winter", "blackfriday", "q3"))
        return f"{season}_{rng.randint(2019, 2031)}_{_b36(rng, 4)}"
    if key in ("utm_content", "utm_term"):
        return rng.choice(("footer", "header", "cta", "tekstlink", "privacy", "v")) + _hex(rng, 3)
    if key == "fbclid":
        return "IwAR" + _urlsafe(rng, 30)
    if key == "gclid":
        return "Cj0KCQjw" + _urlsafe(rng, 36)
    if key == "msclkid":
        return _hex(rng, 32)
    if key == "_ga":
        return (
            f"2.{rng.randint(10**8, 10**9)}.{rng.randint(10**8, 10**9)}-{rng.randint(10**8, 10**9)}"
        )
    return _hex(rng, rng.choice((26, 32, 40)))


def _retrack(url: str, rng: random.Random) -> str:
    query = url.partition("#")[0].partition("?")[2]
    present = [k for k in _TRACKING_KEYS if re.search(rf"(?:^|&){re.escape(k)}=", query)]
    keys = present[: rng.randint(1, max(1, len(present)))] if present else []
    keys += rng.sample(_TRACKING_KEYS, rng.randint(1, 3))
    new = url
    for key in dict.fromkeys(keys):
        new = _set_param(new, key, _tracking_value(key, rng))
    return new if new != url else _set_param(url, "utm_id", _hex(rng, 8))


def _k_tracking(ctx: _Ctx, rng: random.Random) -> bool:
    links = [
        el
        for el in ctx.doc.iter("a", "area")
        if (href := (el.get("href") or "").strip())
        and not href.startswith("#")
        and not re.match(r"(?i)(mailto|tel|javascript|data|sms):", href)
    ]
    if not links:
        return False
    inside = [el for el in links if any(a is ctx.root for a in el.iterancestors())]
    forced = {links[0], *(inside[:1])}
    for el in links:
        if el in forced or rng.random() < 0.7:
            el.set("href", _retrack(el.get("href").strip(), rng))
    return True


_COPYRIGHT = re.compile(
    r"((?:©|\(c\)|copyright)\s*(?:\d{4}\s*[-–—]\s*)?)((?:19|20)\d{2})(?!\d)", re.I
)


def _k_footer_year(ctx: _Ctx, rng: random.Random) -> bool:
    shift = rng.choice((-3, -2, -1, 1, 2, 3, 4))
    changed = False

    def bump(s: str) -> str:
        if len(s) > 240:  # a copyright line is short; running text is never touched
            return s
        return _COPYRIGHT.sub(lambda m: m.group(1) + str(int(m.group(2)) + shift), s)

    for el in _elements(ctx):
        if el.text and _tag(el) not in _RAW and ctx.furniture(el):
            new = bump(el.text)
            if new != el.text:
                el.text, changed = new, True
        parent = el.getparent()
        if el.tail and parent is not None and ctx.furniture(parent):
            new = bump(el.tail)
            if new != el.tail:
                el.tail, changed = new, True
    return changed


def _k_attribute_order(ctx: _Ctx, rng: random.Random) -> bool:
    changed = False
    for el in _elements(ctx):
        items = list(el.attrib.items())
        if len(items) < 2 or rng.random() < 0.2:
            continue
        new = items[:]
        rng.shuffle(new)
        if new == items:
            new = items[1:] + items[:1]
        el.attrib.clear()
        for key, value in new:
            el.set(key, value)
        changed = True
    return changed


def _k_strong_b(ctx: _Ctx, rng: random.Random) -> bool:
    swap = {"b": "strong", "strong": "b", "i": "em", "em": "i"}
    changed = False
    for el in _elements(ctx):
        new = swap.get(_tag(el))
        if new is not None:
            el.tag = new
            changed = True
    return changed


def _k_list_markup(ctx: _Ctx, rng: random.Random) -> bool:
    lists = [el for el in _elements(ctx) if _tag(el) in ("ul", "ol")]
    if not lists:
        return False
    first = rng.randrange(len(lists))
    for i, el in enumerate(lists):
        if i == first or rng.random() < 0.5:
            el.tag = "ol" if _tag(el) == "ul" else "ul"
    return True


_BANNER_HINT = re.compile(
    r"cookie|consent|gdpr|onetrust|cookiebot|cybot|cc-window|cc-banner|cmp-|cky-|"
    r"cookiemelding|privacy-?banner",
    re.I,
)
_ACCEPT = re.compile(
    r"accept|akkoord|toestaan|weiger|alles toe|prima|allow|agree|reject|\bok\b|"
    r"alleen noodzakelijk|instellingen",
    re.I,
)
_BANNER_TEXTS = (
    "Wij gebruiken cookies om onze website goed te laten werken, het gebruik te meten en "
    "je advertenties te tonen die bij je passen.",
    "Deze website gebruikt functionele en analytische cookies. Met jouw toestemming "
    "plaatsen wij ook marketingcookies van onze partners.",
    "We maken gebruik van cookies en vergelijkbare technieken om je een betere "
    "gebruikservaring te geven. Klik op Accepteren om akkoord te gaan.",
    "Cookies helpen ons deze site te verbeteren. Wij en onze 87 partners slaan gegevens "
    "op of lezen deze uit op je apparaat.",
    "Om je de beste ervaring te bieden gebruiken wij cookies. Je kunt je voorkeuren "
    "altijd wijzigen via Cookie-instellingen onderaan de pagina.",
)
_BANNER_MARKUP = (
    '<div class="cc-window cc-banner cc-bottom" role="dialog" aria-live="polite" '
    'aria-label="cookiemelding" id="cc-{id}"><span class="cc-message">{msg} '
    '<a class="cc-link" href="/cookies?utm_source=cookiebar">Meer informatie</a></span>'
    '<div class="cc-compliance"><a class="cc-btn cc-deny" role="button">Weigeren</a> '
    '<a class="cc-btn cc-allow" role="button">Accepteren</a></div></div>',
    '<div id="cookie-consent-{id}" class="cookie-consent-banner" data-nosnippet="">'
    '<p class="cookie-consent-banner__text">{msg}</p><button type="button" '
    'class="cookie-consent-banner__accept">Alles accepteren</button> <button type="button" '
    'class="cookie-consent-banner__reject">Alleen noodzakelijk</button></div>',
    '<dialog open class="cmp-dialog" id="cmp-{id}" aria-label="Cookie-instellingen">'
    '<form method="dialog"><p>{msg}</p><button value="ok">Akkoord</button> '
    '<button value="settings">Instellingen</button></form></dialog>',
)


def _banners(ctx: _Ctx) -> list[Any]:
    found: list[Any] = []
    for el in _elements(ctx):
        if _tag(el) in _SKIP or _tag(el) in ("html", "body"):
            continue
        hints = " ".join(
            el.get(a) or "" for a in ("id", "class", "aria-label", "aria-labelledby", "data-testid")
        )
        if not _BANNER_HINT.search(hints) or not ctx.furniture(el):
            continue
        if any(a in found for a in el.iterancestors()):
            continue
        controls = [
            c.get("value") or "" if _tag(c) == "input" else c.text_content()
            for c in el.iter("button", "a", "input")
        ]
        if any(_ACCEPT.search(t) and len(_norm(t)) < 40 for t in controls):
            found.append(el)
    return found


def _new_banner(rng: random.Random) -> Any:
    markup = rng.choice(_BANNER_MARKUP).format(id=_hex(rng, 6), msg=rng.choice(_BANNER_TEXTS))
    return lhtml.fragment_fromstring(markup)


def _k_cookie_banner(ctx: _Ctx, rng: random.Random) -> bool:
    banners = _banners(ctx)
    action = rng.choice(("add", "remove", "reword")) if banners else "add"
    if action == "remove":
        victim = rng.choice(banners)
        victim.drop_tree()
        return True
    if action == "reword":
        banner = rng.choice(banners)
        slots = [
            (el, attr)
            for el in banner.iter()
            for attr in ("text", "tail")
            if (attr == "text" or el is not banner)
            and len(_norm(getattr(el, attr) or "")) >= 25
            and (attr == "tail" or _tag(el) not in _RAW)
        ]
        if slots:
            el, attr = slots[0]
            old = getattr(el, attr)
            new = rng.choice([t for t in _BANNER_TEXTS if t != _norm(old)])
            lead = " " if old[:1].isspace() else ""
            trail = " " if old[-1:].isspace() else ""
            setattr(el, attr, lead + new + trail)
            return True
    banner = _new_banner(rng)
    if rng.random() < 0.5:
        ctx.body.insert(0, banner)
    else:
        ctx.body.append(banner)
    return True


_CONTAINERS = {"div", "header", "footer", "aside", "nav", "section", "td", "form"}
_CHROME_NAME = re.compile(
    r"(?:^|[\s_-])(sidebar|footer|header|masthead|widget|widget-area|navbar|topbar|"
    r"col-md-4|rightcol|leftcol|site-info|site-footer|site-header|usp|menu)(?:$|[\s_-])",
    re.I,
)
_CHROME_ROLE = {"banner", "contentinfo", "complementary", "navigation"}


def _ad(rng: random.Random) -> Any:
    size = rng.choice(("300x250", "728x90", "320x100", "160x600", "970x250"))
    w, h = size.split("x")
    ad_id = f"div-gpt-ad-{rng.randint(10**12, 10**13 - 1)}-{rng.randint(0, 9)}"
    markup = (
        f'<div class="ad-slot ad-slot--{size}" data-ad-id="{ad_id}" '
        f'data-ad-unit="/{rng.randint(10**7, 10**8)}/nl_site/{_b36(rng, 6)}" '
        f'style="min-height:{h}px"><span class="ad-slot__label">Advertentie</span>'
        f'<ins class="adsbygoogle" style="display:inline-block;width:{w}px;height:{h}px" '
        f'data-ad-client="ca-pub-{rng.randint(10**15, 10**16 - 1)}" '
        f'data-ad-slot="{rng.randint(10**9, 10**10 - 1)}"></ins></div>'
    )
    return lhtml.fragment_fromstring(markup)


def _k_ads(ctx: _Ctx, rng: random.Random) -> bool:
    spots: list[tuple[Any, bool]] = [(ctx.body, True), (ctx.body, False)]
    for el in _elements(ctx):
        tag = _tag(el)
        if tag not in _CONTAINERS or el is ctx.body or not ctx.furniture(el):
            continue
        names = f"{el.get('id') or ''} {el.get('class') or ''}"
        if (
            tag in ("header", "footer", "aside", "nav")
            or (el.get("role") or "") in _CHROME_ROLE
            or _CHROME_NAME.search(names)
        ):
            spots += [(el, True), (el, False)]
    for parent, at_start in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        ad = _ad(rng)
        if at_start:
            parent.insert(0, ad)
        else:
            parent.append(ad)
    return True


_CSRF_NAME = re.compile(
    r"csrf|xsrf|_token|authenticity|requestverification|form_key|form_build_id|nonce", re.I
)


def _k_csrf(ctx: _Ctx, rng: random.Random) -> bool:
    changed = False
    for form in ctx.doc.iter("form"):
        tokens = [
            el
            for el in form.iter("input")
            if (el.get("type") or "").lower() == "hidden"
            and _CSRF_NAME.search(el.get("name") or "")
        ]
        for el in tokens:
            el.set("value", _urlsafe(rng, 32))
        if not tokens or rng.random() < 0.3:
            name = rng.choice(
                ("csrf_token", "_token", "authenticity_token", "__RequestVerificationToken")
            )
            hidden = lhtml.fragment_fromstring(
                f'<input type="hidden" name="{name}" value="{_urlsafe(rng, 32)}">'
            )
            form.insert(0, hidden)
        changed = True
    return changed


_COMMENT_HEX = re.compile(r"\b[0-9a-f]{7,40}\b")


def _comment(rng: random.Random) -> str:
    build = _hex(rng, rng.choice((7, 12, 40)))
    return rng.choice(
        (
            f" build {build} ",
            f" generated in {rng.randint(8, 950)} ms by web-{rng.randint(1, 24):02d},"
            f" build {build} ",
            f" cache: HIT {build} ",
            f" release {rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}+{build} ",
            f" end .container ({build}) ",
            f" page-id {rng.randint(100, 99999)} / rev {build} ",
        )
    )


def _k_comments(ctx: _Ctx, rng: random.Random) -> bool:
    for node in list(ctx.doc.iter(etree.Comment)):
        if _COMMENT_HEX.search(node.text or ""):
            node.text = _COMMENT_HEX.sub(lambda m: _hex(rng, len(m.group(0))), node.text)
    hosts = [
        el
        for el in _elements(ctx)
        if _tag(el) not in _VOID and _tag(el) not in _RAW and _tag(el) not in ("html", "select")
    ]
    for _ in range(rng.randint(3, 9)):
        host = rng.choice(hosts)
        host.insert(rng.randint(0, len(host)), etree.Comment(_comment(rng)))
    return True


_KINDS: dict[str, Callable[[_Ctx, random.Random], bool]] = {
    "nonce": _k_nonce,
    "tracking": _k_tracking,
    "footer_year": _k_footer_year,
    "attribute_order": _k_attribute_order,
    "strong_b": _k_strong_b,
    "list_markup": _k_list_markup,
    "cookie_banner": _k_cookie_banner,
    "ads": _k_ads,
    "csrf": _k_csrf,
    "comments": _k_comments,
}

# ------------------------------------------------------------------ whitespace reflow

_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<![^>]*>"
    r"|<\?[^>]*>"
    r"|<(script|style|textarea|title|pre|xmp|noscript)\b[^>]*>.*?</\1\s*>"
    r"|</?[a-zA-Z][^\s/>]*(?:\"[^\"]*\"|'[^']*'|[^'\">])*>"
    r"|[^<]+|<",
    re.S | re.I,
)
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*?)(\s*/?)>", re.S)
_ATTRS = re.compile(
    r"""(?:[ \t\n\r\f]+[^\s"'>/=]+(?:[ \t\n\r\f]*=[ \t\n\r\f]*"""
    r"""(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*"""
)
_ATTR = re.compile(
    r"""[ \t\n\r\f]+([^\s"'>/=]+(?:[ \t\n\r\f]*=[ \t\n\r\f]*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)"""
)
_HTML_WS = re.compile(r"[ \t\n\r\f]+")
_BLOCK = {
    "html", "head", "body", "meta", "link", "div", "p", "ul", "ol", "li", "dl", "dt", "dd",
    "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2", "h3",
    "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
    "form", "fieldset", "blockquote", "figure", "figcaption", "address", "hr", "center",
    "dialog", "details", "summary", "option",
}  # fmt: skip


def _ws_run(rng: random.Random, *, newline: bool) -> str:
    if newline:
        return "\n" + rng.choice(("", "  ", "    ", "\t", "\t\t", "      ", " \t"))
    return rng.choice((" ", "  ", "   ", "\n", "\n    ", " \t", "\t", "\n\t"))


def _block_tag(token: str) -> bool:
    m = _TAG.match(token)
    return m is not None and m.group(2).lower() in _BLOCK


def _reflow_tag(token: str, rng: random.Random) -> str:
    m = _TAG.fullmatch(token)
    if m is None or m.group(1) or not _ATTRS.fullmatch(m.group(3)):
        return token
    attrs = _ATTR.findall(m.group(3))
    if not attrs:
        return token
    seps = [rng.choice((" ", " ", "  ", "\n  ", "\n\t", "\t")) for _ in attrs]
    return (
        "<"
        + m.group(2)
        + "".join(s + a for s, a in zip(seps, attrs, strict=True))
        + m.group(4)
        + ">"
    )


def _reflow(page: str, rng: random.Random) -> str:
    """Change whitespace only where HTML collapses it: never inside raw text (scripts,
    <pre>, <textarea>...), never adding any between inline content, never touching
    non-breaking spaces or any other character."""
    matches = list(_TOKEN.finditer(page))
    tokens = [m.group(0) for m in matches]
    out: list[str] = []
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok.startswith("<"):
            plain_tag = len(tok) > 1 and (tok[1].isalpha() or tok[1] == "/")
            if plain_tag and matches[i].group(1) is None:
                if rng.random() < 0.3:
                    tok = _reflow_tag(tok, rng)
                if _block_tag(tok) and _block_tag(nxt) and rng.random() < 0.5:
                    tok += _ws_run(rng, newline=True)
            out.append(tok)
            continue
        if not _HTML_WS.sub("", tok):  # whitespace only
            out.append(_ws_run(rng, newline=rng.random() < 0.7))
            continue
        parts = _HTML_WS.split(tok)
        runs = _HTML_WS.findall(tok)
        pieces = [parts[0]]
        for run, part in zip(runs, parts[1:], strict=True):
            pieces.append(_ws_run(rng, newline=False) if rng.random() < 0.35 else run)
            pieces.append(part)
        text = "".join(pieces)
        if parts[0] and _block_tag(prev) and rng.random() < 0.5:
            text = _ws_run(rng, newline=True) + text
        if parts[-1] and _block_tag(nxt) and rng.random() < 0.5:
            text += _ws_run(rng, newline=True)
        out.append(text)
    result = "".join(out)
    if result == page:  # nothing to reflow: a newline after the first tag is always safe
        m = re.search(r"<(?:!doctype|html|head|body)\b[^>]*>", result, re.I)
        if m:
            result = result[: m.end()] + "\n" + result[m.end() :]
    return result


def _parse(page: str) -> Any:
    return lhtml.document_fromstring(page)


_HAS_DOCTYPE = re.compile(r"\s*(?:<!--.*?-->\s*)*<!doctype", re.I | re.S)


def _serialize(doc: Any, *, doctype: bool = True) -> str:
    """lxml's serialization of the whole document: what perturb writes, and what wrap
    returns, so that perturbing a generated page changes exactly what the noise touches.
    Without ``doctype`` the one libxml2 invents for doctype-less input is left out."""
    out = str(lhtml.tostring(doc.getroottree(), encoding="unicode"))
    if not doctype:
        out = re.sub(r"^<!DOCTYPE[^>]*>\n?", "", out, flags=re.I)
    return out if out.endswith("\n") else out + "\n"


def perturb(html: str, *, seed: int, kinds: Sequence[str] = NOISE_KINDS) -> str:
    """The same page with noise that must never change the extracted policy text.

    Each kind in ``kinds`` (any of NOISE_KINDS; order does not matter) is applied with
    its own generator derived from ``seed``.  A kind that finds nothing to change (no
    forms for "csrf", no copyright line for "footer_year"...) changes nothing, and a page
    no kind changes comes back byte for byte.  Kinds that edit the document (all but
    "whitespace") write it back in lxml's serialization, which is what ``wrap`` returns,
    so on generated pages only the noise differs.

    The policy is located as the deepest element holding most (60 %) of the page's
    visible running text, as on any real policy page; structural noise (ads, banners,
    copyright years) only goes where that element is not.
    """
    wanted = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = [k for k in wanted if k not in NOISE_KINDS]
    if unknown:
        raise ValueError(f"unknown noise kind(s) {unknown}; known: {', '.join(NOISE_KINDS)}")
    out = html
    dom_kinds = [k for k in NOISE_KINDS if k in wanted and k != "whitespace"]
    if dom_kinds and html.strip():
        source = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
        try:
            doc = _parse(source)
        except (etree.ParserError, ValueError):  # nothing but comments, say
            doc = None
        if doc is not None:
            ctx = _Ctx.of(doc)
            changed = False
            for kind in dom_kinds:
                changed |= _KINDS[kind](ctx, _rng("perturb", seed, kind))
            if changed:
                out = _serialize(doc, doctype=bool(_HAS_DOCTYPE.match(source)))
    if "whitespace" in wanted:
        out = _reflow(out, _rng("perturb", seed, "whitespace"))
    return out


# -------------------------------------------------------------------------- templates


@dataclass
class _Page:
    fragment: str
    title: str
    year: int
    rng: random.Random
    nonce: str = ""
    build: str = ""

    def __post_init__(self) -> None:
        self.nonce = _nonce(self.rng)
        self.build = _hex(self.rng, 10)

    def common(self) -> dict[str, str]:
        r = self.rng
        return {
            "title": _text(self.title),
            "title_attr": _attr(self.title),
            "year": str(self.year),
            "nonce": self.nonce,
            "build": self.build,
            "csrf": _urlsafe(r, 32),
            "csrf2": _urlsafe(r, 32),
            "sid": _hex(r, 32),
            "cart": str(r.randint(0, 4)),
            "pixel": str(r.randint(10**14, 10**15 - 1)),
            "gclid": "Cj0KCQjw" + _urlsafe(r, 30),
            "fbclid": "IwAR" + _urlsafe(r, 28),
            "fragment": self.fragment,
        }


_GTM = """window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('consent', 'default', {'ad_storage': 'denied', 'analytics_storage': 'denied',
  'ad_user_data': 'denied', 'ad_personalization': 'denied', 'wait_for_update': 500});
(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});
var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';
j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;
f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','{{gtm}}');"""

_FB_PIXEL = """!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
document,'script','https://connect.facebook.net/nl_NL/fbevents.js');
fbq('init', '{{pixel}}');
fbq('track', 'PageView');"""


def _links_list(items: Sequence[tuple[str, str]], li: str = "", a: str = "") -> str:
    li_attr = f' class="{li}"' if li else ""
    a_attr = f' class="{a}"' if a else ""
    return "\n".join(
        f'<li{li_attr}><a{a_attr} href="{_attr(href)}">{_text(label)}</a></li>'
        for label, href in items
    )


# ---- bootstrap ---------------------------------------------------------------------

_BOOTSTRAP = """<!DOCTYPE html>
<html lang="nl" data-bs-theme="light">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} | Nimbus Hosting</title>
<meta name="description" content="Lees hoe Nimbus Hosting omgaat met jouw persoonsgegevens.">
<meta property="og:type" content="website">
<meta property="og:title" content="{{title_attr}}">
<meta property="og:site_name" content="Nimbus Hosting">
<meta property="og:image" content="https://www.nimbus-hosting.example/img/og-default.png">
<link rel="canonical" href="https://www.nimbus-hosting.example/juridisch/privacy">
<link rel="preconnect" href="https://cdn.jsdelivr.example">
<link href="https://cdn.jsdelivr.example/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css"
  rel="stylesheet" crossorigin="anonymous">
<link rel="stylesheet"
  href="https://cdn.jsdelivr.example/npm/bootstrap-icons@1.11.1/font/bootstrap-icons.css">
<link rel="stylesheet" href="/assets/css/app.css?v={{build}}">
<link rel="icon" href="/favicon.ico" sizes="any">
<style nonce="{{nonce}}">
body { padding-top: 4.5rem; }
.toc-card { top: 5.5rem; }
#cookieConsent { z-index: 1080; max-width: 960px; }
.back-to-top { position: fixed; right: 1rem; bottom: 1rem; }
</style>
<script nonce="{{nonce}}">
{{gtm_js}}
</script>
</head>
<body class="d-flex flex-column h-100">
<noscript><iframe src="https://www.googletagmanager.example/ns.html?id={{gtm}}" height="0"
  width="0" style="display:none;visibility:hidden"></iframe></noscript>
<nav class="navbar navbar-expand-lg navbar-dark bg-dark fixed-top" aria-label="Hoofdmenu">
  <div class="container">
    <a class="navbar-brand d-flex align-items-center"
      href="/?utm_source=privacy&amp;utm_medium=logo">
      <img src="/assets/img/logo-white.svg" alt="Nimbus Hosting" width="132" height="28">
    </a>
    <button class="navbar-toggler" type="button" data-bs-toggle="collapse"
      data-bs-target="#mainNav" aria-controls="mainNav" aria-expanded="false"
      aria-label="Menu openen"><span class="navbar-toggler-icon"></span></button>
    <div class="collapse navbar-collapse" id="mainNav">
      <ul class="navbar-nav me-auto mb-2 mb-lg-0">
        <li class="nav-item"><a class="nav-link" href="/webhosting">Webhosting</a></li>
        <li class="nav-item dropdown">
          <a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown"
            aria-expanded="false">Servers</a>
          <ul class="dropdown-menu">
            <li><a class="dropdown-item" href="/vps">VPS</a></li>
            <li><a class="dropdown-item" href="/dedicated">Dedicated servers</a></li>
            <li><a class="dropdown-item" href="/managed-kubernetes">Managed Kubernetes</a></li>
            <li><hr class="dropdown-divider"></li>
            <li><a class="dropdown-item" href="/colocatie">Colocatie</a></li>
          </ul>
        </li>
        <li class="nav-item"><a class="nav-link" href="/domeinnamen">Domeinnamen</a></li>
        <li class="nav-item"><a class="nav-link" href="/e-mail">Zakelijke e-mail</a></li>
        <li class="nav-item"><a class="nav-link" href="/ssl">SSL-certificaten</a></li>
        <li class="nav-item"><a class="nav-link" href="/support">Support</a></li>
        <li class="nav-item"><a class="nav-link" href="/blog?utm_source=nav">Blog</a></li>
      </ul>
      <form class="d-flex me-lg-3" role="search" action="/zoeken" method="get">
        <input class="form-control form-control-sm me-2" type="search" name="q"
          placeholder="Zoeken" aria-label="Zoeken">
        <button class="btn btn-sm btn-outline-light" type="submit"><i class="bi bi-search"></i>
          Zoeken</button>
      </form>
      <a class="btn btn-sm btn-outline-light me-2"
        href="https://mijn.nimbus-hosting.example/login?utm_source=site&amp;utm_medium=navbar"
        >Inloggen</a>
      <a class="btn btn-sm btn-warning" href="/winkelwagen?sid={{sid}}"><i class="bi bi-cart3"></i>
        Winkelwagen <span class="badge text-bg-dark">{{cart}}</span></a>
    </div>
  </div>
</nav>
<div class="container mt-4 flex-shrink-0">
  <nav aria-label="breadcrumb">
    <ol class="breadcrumb">
      <li class="breadcrumb-item"><a href="/">Home</a></li>
      <li class="breadcrumb-item"><a href="/juridisch">Juridisch</a></li>
      <li class="breadcrumb-item active" aria-current="page">{{title}}</li>
    </ol>
  </nav>
  <div class="alert alert-info d-flex align-items-center small" role="alert">
    <i class="bi bi-info-circle me-2"></i>
    <div><strong>Let op:</strong> per 1 maart {{year}} hebben we onze lijst met subverwerkers
      bijgewerkt. <a href="/juridisch/subverwerkers?utm_source=privacy&amp;utm_medium=alert"
      class="alert-link">Bekijk de lijst</a></div>
  </div>
  <div class="row g-5">
    <div class="col-md-8">
{{fragment}}
    </div>
    <div class="col-md-4">
      <div class="position-sticky toc-card">
        <div class="card mb-4">
          <div class="card-header fw-semibold">Inhoud</div>
          <div class="list-group list-group-flush small">
{{toc}}
          </div>
        </div>
        <div class="card mb-4 text-bg-light">
          <div class="card-body">
            <img src="/assets/img/support-team.jpg" class="rounded-circle float-end ms-2"
              width="56" height="56" alt="Ons supportteam">
            <h5 class="card-title">Hulp nodig?</h5>
            <p class="card-text small">Ons supportteam is <b>24/7</b> bereikbaar via chat en
              telefoon. Gemiddelde wachttijd: <em>2 minuten</em>.</p>
            <a href="tel:+31301234567" class="btn btn-primary btn-sm"><i
              class="bi bi-telephone"></i> 030 123 45 67</a>
            <a href="/support/chat?utm_source=privacy&amp;utm_medium=sidebar"
              class="btn btn-outline-primary btn-sm">Start chat</a>
          </div>
        </div>
        <div class="card">
          <div class="card-body">
            <h5 class="card-title">Nieuwsbrief</h5>
            <p class="card-text small">Maandelijks tips over hosting, beveiliging en acties.</p>
            <form action="/nieuwsbrief" method="post">
              <input type="hidden" name="_token" value="{{csrf}}">
              <input type="email" class="form-control form-control-sm mb-2" name="email"
                placeholder="jouw@e-mailadres.nl" required>
              <button class="btn btn-dark btn-sm w-100" type="submit">Aanmelden</button>
            </form>
          </div>
        </div>
      </div>
    </div>
  </div>
</div>
<footer class="footer mt-auto py-5 bg-body-tertiary border-top">
  <div class="container">
    <div class="row">
{{footer_cols}}
      <div class="col-md-3 mb-3">
        <h5>Contact</h5>
        <address class="small">Nimbus Hosting B.V.<br>Catharijnesingel 52<br>3511 GC Utrecht<br>
          <a href="mailto:info@nimbus-hosting.example">info@nimbus-hosting.example</a></address>
        <img src="/assets/img/iso27001.png" width="64" height="64" alt="ISO 27001 gecertificeerd">
        <img src="/assets/img/dhpa.png" width="64" height="64" alt="Lid van DHPA">
      </div>
    </div>
    <div class="d-flex flex-column flex-sm-row justify-content-between pt-4 mt-4 border-top">
      <p class="small text-body-secondary">© 2009-{{year}} Nimbus Hosting B.V. · KvK 58123476 ·
        BTW NL852963741B01</p>
      <ul class="list-unstyled d-flex">
        <li class="ms-3"><a class="link-body-emphasis" aria-label="LinkedIn"
          href="https://www.linkedin.example/company/nimbus-hosting?utm_source=website&amp;utm_medium=footer&amp;utm_campaign=social"
          ><i class="bi bi-linkedin"></i></a></li>
        <li class="ms-3"><a class="link-body-emphasis" aria-label="Facebook"
          href="https://www.facebook.example/nimbushosting?fbclid={{fbclid}}"
          ><i class="bi bi-facebook"></i></a></li>
        <li class="ms-3"><a class="link-body-emphasis" aria-label="Status"
          href="https://status.nimbus-hosting.example/?utm_source=website&amp;gclid={{gclid}}"
          ><i class="bi bi-activity"></i></a></li>
      </ul>
    </div>
  </div>
</footer>
<div id="cookieConsent" class="alert alert-dark fade show position-fixed bottom-0 start-0 m-3
  shadow" role="alert" aria-live="polite">
  <p class="mb-2"><i class="bi bi-cookie"></i> Wij gebruiken cookies om onze website goed te
    laten werken, het gebruik te analyseren en je relevante aanbiedingen te tonen.
    <a href="/juridisch/cookies?utm_source=cookiebar&amp;utm_medium=banner" class="alert-link"
    >Meer informatie</a></p>
  <div class="btn-group btn-group-sm">
    <button type="button" class="btn btn-success" data-consent="all">Accepteren</button>
    <button type="button" class="btn btn-outline-light" data-consent="none">Weigeren</button>
    <button type="button" class="btn btn-link text-light" data-bs-toggle="modal"
      data-bs-target="#loginModal">Instellingen</button>
  </div>
</div>
<div class="modal fade" id="loginModal" tabindex="-1" aria-labelledby="loginModalLabel"
  aria-hidden="true" style="display:none">
  <div class="modal-dialog"><div class="modal-content">
    <div class="modal-header"><h5 class="modal-title" id="loginModalLabel">Inloggen op Mijn
      Nimbus</h5><button type="button" class="btn-close" data-bs-dismiss="modal"
      aria-label="Sluiten"></button></div>
    <div class="modal-body">
      <form action="https://mijn.nimbus-hosting.example/login" method="post">
        <input type="hidden" name="_token" value="{{csrf2}}">
        <label class="form-label" for="login-email">E-mailadres</label>
        <input class="form-control" id="login-email" type="email" name="email">
        <label class="form-label" for="login-pw">Wachtwoord</label>
        <input class="form-control" id="login-pw" type="password" name="password">
        <button class="btn btn-primary mt-3" type="submit">Inloggen</button>
        <a href="/wachtwoord-vergeten" class="small">Wachtwoord vergeten?</a>
      </form>
    </div>
  </div></div>
</div>
<a href="#" class="btn btn-primary back-to-top" aria-label="Terug naar boven"><i
  class="bi bi-arrow-up"></i></a>
<script src="https://cdn.jsdelivr.example/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js"
  crossorigin="anonymous"></script>
<script src="/assets/js/app.js?v={{build}}" defer></script>
<script nonce="{{nonce}}">
document.querySelectorAll('[data-consent]').forEach(function (button) {
  button.addEventListener('click', function () {
    document.cookie = 'nimbus_consent=' + button.dataset.consent + ';path=/;max-age=31536000';
    document.getElementById('cookieConsent').remove();
  });
});
</script>
<noscript><img height="1" width="1" style="display:none" alt=""
  src="https://www.facebook.example/tr?id={{pixel}}&amp;ev=PageView&amp;noscript=1"></noscript>
</body>
</html>
"""

_BOOTSTRAP_FOOTER = (
    ("Producten", ("Webhosting", "VPS", "Dedicated servers", "Domeinnamen", "SSL-certificaten")),
    ("Support", ("Kennisbank", "Status", "Contact", "Storingen", "Verhuisservice")),
    ("Over Nimbus", ("Over ons", "Werken bij", "Datacenters", "Duurzaamheid", "Partners")),
)


def _t_bootstrap(p: _Page) -> str:
    fragment, heads = _with_ids(p.fragment)
    toc = "\n".join(
        f'<a class="list-group-item list-group-item-action{" ps-4" if level == 3 else ""}" '
        f'href="#{_attr(hid)}">{_text(text)}</a>'
        for level, hid, text in heads
    )
    cols = "\n".join(
        f'<div class="col-6 col-md-3 mb-3">\n<h5>{_text(head)}</h5>\n'
        '<ul class="nav flex-column">\n'
        + _links_list(
            [(x, f"/{_slug(x)}?utm_source=footer&utm_medium=link") for x in items],
            li="nav-item mb-2",
            a="nav-link p-0 text-body-secondary",
        )
        + "\n</ul>\n</div>"
        for head, items in _BOOTSTRAP_FOOTER
    )
    values = p.common() | {"fragment": fragment, "toc": toc, "footer_cols": cols}
    values["gtm"] = "GTM-" + _b36(p.rng, 6).upper()
    values["gtm_js"] = _fill(_GTM, gtm=values["gtm"])
    return _fill(_BOOTSTRAP, **values)


# ---- wordpress ---------------------------------------------------------------------

_WORDPRESS = """<!DOCTYPE html>
<html lang="nl-NL" class="no-js">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{{title}} &#8211; De Groene Fietser</title>
<meta name="robots" content="max-image-preview:large">
<link rel="alternate" type="application/rss+xml" title="De Groene Fietser &raquo; Feed"
  href="https://degroenefietser.example/feed/">
<link rel="stylesheet" id="wp-block-library-css"
  href="https://degroenefietser.example/wp-includes/css/dist/block-library/style.min.css?ver=6.4.3"
  media="all">
<link rel="stylesheet" id="fietser-style-css"
  href="https://degroenefietser.example/wp-content/themes/fietser/style.css?ver={{build}}"
  media="all">
<style id="global-styles-inline-css" nonce="{{nonce}}">
body{--wp--preset--color--black: #000000;--wp--preset--color--groen: #2f6b3a;}
.has-groen-color{color: var(--wp--preset--color--groen) !important;}
</style>
<script nonce="{{nonce}}" id="wp-emoji-settings">
window._wpemojiSettings = {"baseUrl":
"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/14.0.0\\/72x72\\/","ext":".png",
"source":{"concatemoji":
"https:\\/\\/degroenefietser.example\\/wp-includes\\/js\\/wp-emoji-release.min.js"}};
</script>
<script src="https://degroenefietser.example/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"
  id="jquery-core-js"></script>
<script nonce="{{nonce}}" id="google-gtag">
window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('js', new Date());
gtag('config', 'G-{{ga}}', {'anonymize_ip': true});
</script>
</head>
<body class="privacy-policy page-template-default page page-id-3 wp-custom-logo
  wp-embed-responsive">
<a class="skip-link screen-reader-text" href="#primary">Ga naar de inhoud</a>
<div id="page" class="site">
<header id="masthead" class="site-header">
  <div class="site-branding">
    <a href="https://degroenefietser.example/" class="custom-logo-link" rel="home"><img
      width="240" height="60" src="https://degroenefietser.example/wp-content/uploads/logo.png"
      class="custom-logo" alt="De Groene Fietser" decoding="async"></a>
    <p class="site-title"><a href="https://degroenefietser.example/" rel="home">De Groene
      Fietser</a></p>
    <p class="site-description">Duurzaam fietsen sinds 2009</p>
  </div>
  <nav id="site-navigation" class="main-navigation" aria-label="Hoofdmenu">
    <button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
    <div class="menu-hoofdmenu-container"><ul id="primary-menu" class="menu">
{{menu}}
    </ul></div>
  </nav>
  <div class="header-actions">
    <a class="header-account" href="https://degroenefietser.example/mijn-account/">Inloggen</a>
    <a class="header-cart" href="https://degroenefietser.example/winkelwagen/">Winkelwagen
      <span class="count">{{cart}}</span></a>
    <form role="search" method="get" class="search-form"
      action="https://degroenefietser.example/">
      <label><span class="screen-reader-text">Zoeken naar:</span>
        <input type="search" class="search-field" placeholder="Zoeken &hellip;" value="" name="s">
      </label>
      <input type="submit" class="search-submit" value="Zoeken">
    </form>
  </div>
</header>
<div id="content" class="site-content">
<main id="primary" class="site-main">
<article id="post-3" class="post-3 page type-page status-publish hentry">
  <header class="entry-header">
    <div class="entry-meta"><span class="posted-on">Bijgewerkt op <time class="entry-date
      updated" datetime="{{year}}-03-12T09:14:00+01:00">12 maart {{year}}</time></span>
      <span class="byline"> door <span class="author vcard"><a class="url fn n"
      href="https://degroenefietser.example/author/redactie/">redactie</a></span></span></div>
  </header>
  <div class="entry-content">
{{fragment}}
  </div>
  <footer class="entry-footer">
    <div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social">
      <h3 class="sd-title">Deel dit artikel:</h3>
      <div class="sd-content"><ul>
{{share}}
      </ul></div>
    </div></div>
    <span class="edit-link"><a class="post-edit-link"
      href="https://degroenefietser.example/wp-admin/post.php?post=3&amp;action=edit"
      >Bewerken<span class="screen-reader-text"> {{title}}</span></a></span>
  </footer>
</article>
<div id="comments" class="comments-area">
  <p class="no-comments">Reacties zijn gesloten.</p>
</div>
<nav class="navigation post-navigation" aria-label="Berichten">
  <h2 class="screen-reader-text">Berichtnavigatie</h2>
  <div class="nav-links">
    <div class="nav-previous"><a href="https://degroenefietser.example/algemene-voorwaarden/"
      rel="prev"><span class="meta-nav">Vorige</span> Algemene voorwaarden</a></div>
    <div class="nav-next"><a href="https://degroenefietser.example/retourbeleid/"
      rel="next"><span class="meta-nav">Volgende</span> Retourbeleid</a></div>
  </div>
</nav>
</main>
<aside id="secondary" class="widget-area">
  <section id="search-2" class="widget widget_search">
    <form role="search" method="get" class="search-form"
      action="https://degroenefietser.example/">
      <input type="search" class="search-field" placeholder="Zoek een artikel" name="s">
      <button type="submit">Zoeken</button>
    </form>
  </section>
  <section id="recent-posts-2" class="widget widget_recent_entries">
    <h2 class="widget-title">Recente berichten</h2>
    <ul>
{{recent}}
    </ul>
  </section>
  <section id="categories-2" class="widget widget_categories">
    <h2 class="widget-title">Categorieën</h2>
    <ul>
{{categories}}
    </ul>
  </section>
  <section id="text-3" class="widget widget_text">
    <h2 class="widget-title">Over ons</h2>
    <div class="textwidget"><p><img src="https://degroenefietser.example/wp-content/uploads/winkel.jpg"
      width="300" height="200" alt="Onze winkel aan de Melkmarkt" loading="lazy"></p>
      <p>De Groene Fietser is een <strong>onafhankelijke fietsenwinkel</strong> in hartje Zwolle.
      Wij repareren, verkopen en verhuren (elektrische) fietsen.</p>
      <p><em>Open:</em> di t/m za 9.00-18.00 uur</p></div>
  </section>
  <section id="tag_cloud-2" class="widget widget_tag_cloud">
    <h2 class="widget-title">Tags</h2>
    <div class="tagcloud">
{{tags}}
    </div>
  </section>
</aside>
</div>
<footer id="colophon" class="site-footer">
  <div class="footer-widgets">
    <div class="footer-widget"><h2 class="widget-title">Klantenservice</h2><ul>
{{service}}
    </ul></div>
    <div class="footer-widget"><h2 class="widget-title">Bezoek ons</h2>
      <p>De Groene Fietser<br>Melkmarkt 17<br>8011 MC Zwolle<br>Tel. 038 - 421 55 10</p></div>
  </div>
  <div class="site-info">
    <span>© 2009-{{year}} De Groene Fietser · KvK 64219873 · BTW NL002198734B42</span>
    <span class="sep"> | </span>
    <a href="https://wordpress.example/?utm_source=footer&amp;utm_medium=credit">Trots aangedreven
      door WordPress</a>
  </div>
</footer>
</div>
<div id="cookie-law-info-bar" data-nosnippet="true" class="cli-bar-container cli-style-v2"
  style="background-color:#ffffff;color:#333333;position:fixed;bottom:0;width:100%">
  <span class="cli-bar-message">Wij gebruiken cookies op onze website om je de meest relevante
    ervaring te bieden door je voorkeuren en herhaalbezoeken te onthouden. Door op
    &ldquo;Accepteren&rdquo; te klikken, stem je in met het gebruik van ALLE cookies.</span>
  <span class="cli-bar-btn_container"><a role="button" class="cli_settings_button"
    >Cookie-instellingen</a> <a role="button" id="cookie_action_close_header_reject"
    class="cookie_action_close_header_reject cli_action_button">Weigeren</a>
    <a role="button" id="cookie_action_close_header"
    class="cookie_action_close_header cli_action_button">Accepteren</a></span>
</div>
<div id="cliSettingsPopup" class="cli-modal" hidden>
  <p>Privacyoverzicht: deze website gebruikt cookies om je ervaring te verbeteren terwijl je
    door de website navigeert.</p>
  <label><input type="checkbox" checked disabled> Noodzakelijk</label>
  <label><input type="checkbox"> Analytisch</label>
</div>
<script src="https://degroenefietser.example/wp-content/themes/fietser/js/navigation.js?ver={{build}}"
  id="fietser-navigation-js"></script>
<script nonce="{{nonce}}" id="wpcf7-js-extra">
var wpcf7 = {"api":{"root":"https:\\/\\/degroenefietser.example\\/wp-json\\/",
  "namespace":"contact-form-7\\/v1"}};
</script>
<script nonce="{{nonce}}">
{{fb_js}}
</script>
<noscript><img height="1" width="1" style="display:none" alt=""
  src="https://www.facebook.example/tr?id={{pixel}}&amp;ev=PageView&amp;noscript=1"></noscript>
</body>
</html>
"""

_WP_MENU = (
    ("Home", "/"),
    ("Fietsen", "/fietsen/"),
    ("E-bikes", "/e-bikes/"),
    ("Accessoires", "/accessoires/"),
    ("Werkplaats", "/werkplaats/"),
    ("Fietsverhuur", "/verhuur/"),
    ("Blog", "/blog/"),
    ("Over ons", "/over-ons/"),
    ("Contact", "/contact/"),
)
_WP_RECENT = (
    "Zo houd je je e-bike accu gezond in de winter",
    "Vijf fietsroutes door het Vechtdal",
    "Bakfiets of fietskar: wat past bij jouw gezin?",
    "Nieuw in de winkel: de Gazelle Ultimate C380",
    "Waarom je band vaker oppompen scheelt",
)
_WP_CATEGORIES = (
    ("E-bikes", 24), ("Onderhoud", 31), ("Routes", 12), ("Nieuws", 45), ("Reviews", 18),
)  # fmt: skip
_WP_TAGS = (
    "accu", "bakfiets", "banden", "fietsroutes", "gazelle", "kettingolie", "kinderfiets",
    "racefiets", "verlichting", "winter", "zwolle",
)  # fmt: skip


def _t_wordpress(p: _Page) -> str:
    r = p.rng
    site = "https://degroenefietser.example"
    menu = "\n".join(
        f'<li id="menu-item-{10 + i}" class="menu-item menu-item-type-post_type">'
        f'<a href="{site}{href}">{_text(label)}</a></li>'
        for i, (label, href) in enumerate(_WP_MENU)
    )
    page_url = f"{site}/privacybeleid/"
    share = "\n".join(
        f'<li class="share-{cls}"><a rel="nofollow noopener noreferrer" class="share-{cls} '
        f'sd-button share-icon" href="{_attr(href)}" target="_blank" title="Deel via {label}">'
        f'<svg class="sharing-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
        f'<path d="M8 0a8 8 0 1 0 0 16A8 8 0 0 0 8 0z"></path></svg><span>{label}</span></a></li>'
        for cls, label, href in (
            ("facebook", "Facebook", f"{page_url}?share=facebook&nb=1&utm_source=share"),
            ("x", "X", f"{page_url}?share=x&nb=1&utm_source=share&utm_medium=social"),
            ("linkedin", "LinkedIn", f"{page_url}?share=linkedin&nb=1"),
            ("jetpack-whatsapp", "WhatsApp", f"{page_url}?share=jetpack-whatsapp&nb=1"),
            ("email", "E-mail", f"mailto:?subject=Privacybeleid&body={page_url}"),
        )
    )
    recent = "\n".join(
        f'<li><a href="{site}/{p.year}/{r.randint(1, 12):02d}/{_slug(t)}/?utm_source=sidebar">'
        f"{_text(t)}</a></li>"
        for t in _WP_RECENT
    )
    categories = "\n".join(
        f'<li class="cat-item"><a href="{site}/category/{_slug(c)}/">{_text(c)}</a> ({n})</li>'
        for c, n in _WP_CATEGORIES
    )
    tags = "\n".join(
        f'<a href="{site}/tag/{t}/" class="tag-cloud-link" style="font-size: '
        f'{r.choice((8, 10, 12, 14, 16, 18, 22))}pt;">{t}</a>'
        for t in _WP_TAGS
    )
    service = _links_list(
        [
            (x, f"{site}/{_slug(x)}/")
            for x in ("Verzenden", "Retourneren", "Garantie", "Privacybeleid", "Cookiebeleid")
        ]
    )
    values = p.common() | {
        "menu": menu,
        "share": share,
        "recent": recent,
        "categories": categories,
        "tags": tags,
        "service": service,
        "ga": _b36(p.rng, 10).upper(),
    }
    values["fb_js"] = _fill(_FB_PIXEL, pixel=values["pixel"])
    return _fill(_WORDPRESS, **values)


# ---- table-layout ------------------------------------------------------------------

_TABLE = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"
"http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Van Dam Installatietechniek - {{title}}</title>
<meta name="keywords" content="cv-ketel, installateur, loodgieter, Hoogeveen, airco, warmtepomp">
<link href="css/stijl.css?v={{build}}" rel="stylesheet" type="text/css">
<script language="JavaScript" type="text/javascript" nonce="{{nonce}}">
<!--
function MM_swapImgRestore() { //v3.0
  var i,x,a=document.MM_sr; for(i=0;a&&i<a.length&&(x=a[i])&&x.oSrc;i++) x.src=x.oSrc;
}
function MM_preloadImages() { //v3.0
  var d=document; if(d.images){ if(!d.MM_p) d.MM_p=new Array();
    var i,j=d.MM_p.length,a=MM_preloadImages.arguments; for(i=0; i<a.length; i++)
    if (a[i].indexOf("#")!=0){ d.MM_p[j]=new Image; d.MM_p[j++].src=a[i];}}
}
function acceptCookies() { document.cookie = "cookies=ja; path=/";
  document.getElementById('cookiebar').style.display = 'none'; }
//-->
</script>
</head>
<body bgcolor="#FFFFFF" text="#000000" link="#003399" vlink="#663399" alink="#FF0000"
  leftmargin="0" topmargin="0" marginwidth="0" marginheight="0"
  onload="MM_preloadImages('images/nav_home_f2.gif','images/nav_contact_f2.gif')">
<a name="top"></a>
<center>
<table width="780" border="0" cellspacing="0" cellpadding="0" bgcolor="#FFFFFF">
  <tr>
    <td colspan="3"><table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>
      <td width="250"><a href="index.php?PHPSESSID={{sid}}"><img src="images/logo_vandam.gif"
        width="250" height="80" border="0" alt="Van Dam Installatietechniek"></a></td>
      <td align="right" valign="bottom" bgcolor="#003366"><font
        face="Verdana, Arial, Helvetica, sans-serif" size="1" color="#FFFFFF"><b>Welkom
        gast!</b> | <a href="login.php?PHPSESSID={{sid}}"><font color="#FFCC00">Inloggen</font></a>
        | <a href="winkelwagen.php?PHPSESSID={{sid}}"><font color="#FFCC00">Winkelwagen
        ({{cart}})</font></a> | <a href="contact.php?PHPSESSID={{sid}}"><font
        color="#FFCC00">Contact</font></a>&nbsp;&nbsp;</font></td>
    </tr></table></td>
  </tr>
  <tr>
    <td colspan="3" bgcolor="#FFCC00"><marquee scrollamount="3" behavior="scroll"><font
      face="Verdana, Arial, Helvetica, sans-serif" size="2" color="#003366"><b>NIEUW:</b>
      24-uurs storingsdienst voor cv-ketels en warmtepompen! Bel <b>0528 - 27 14 00</b>
      &nbsp;&nbsp;&nbsp;*** Vraag nu een <i>gratis</i> offerte aan voor zonnepanelen
      ***</font></marquee></td>
  </tr>
  <tr>
    <td width="170" valign="top" bgcolor="#E6ECF2">
      <table width="170" border="0" cellspacing="0" cellpadding="4">
        <tr><td bgcolor="#003366"><font face="Verdana, Arial, Helvetica, sans-serif" size="2"
          color="#FFFFFF"><b>Menu</b></font></td></tr>
{{leftnav}}
        <tr><td><img src="images/spacer.gif" width="1" height="10" alt=""></td></tr>
        <tr><td><font face="Verdana, Arial, Helvetica, sans-serif" size="1"><b>Actueel</b></font>
          <ul type="square">
            <li><a href="nieuws.php?id=112&amp;PHPSESSID={{sid}}"><font size="1">Subsidie
              warmtepomp {{year}} aangevraagd?</font></a></li>
            <li><a href="nieuws.php?id=109&amp;PHPSESSID={{sid}}"><font size="1">Wij zoeken een
              servicemonteur</font></a></li>
            <li><a href="nieuws.php?id=104&amp;PHPSESSID={{sid}}"><font size="1">Onderhoud
              cv-ketel: waarom jaarlijks?</font></a></li>
          </ul></td></tr>
        <tr><td><form name="zoekform" method="get" action="zoeken.php"><font
          face="Verdana, Arial, Helvetica, sans-serif" size="1"><b>Zoeken:</b></font><br>
          <input type="text" name="zoek" size="14"> <input type="submit" value="Zoek">
          <input type="hidden" name="PHPSESSID" value="{{sid}}"></form></td></tr>
        <tr><td bgcolor="#D5DEE8"><form name="nieuwsbrief" method="post"
          action="nieuwsbrief.php"><font face="Verdana, Arial, Helvetica, sans-serif"
          size="1"><b>Nieuwsbrief</b><br>Ontvang 4x per jaar onze tips!</font><br>
          <input type="text" name="email" size="14" value="uw e-mailadres"><br>
          <input type="submit" value="Aanmelden"></form></td></tr>
        <tr><td align="center"><img src="images/keurmerk_installq.gif" width="120" height="60"
          alt="InstallQ erkend"><br><br><img src="cgi-bin/counter.cgi?df=vandam.dat"
          width="88" height="15" alt="teller"><br><font
          face="Verdana, Arial, Helvetica, sans-serif" size="1">Bezoekers sinds 1999:
          {{visitors}}</font></td></tr>
      </table>
    </td>
    <td width="10"><img src="images/spacer.gif" width="10" height="1" alt=""></td>
    <td width="600" valign="top">
      <table width="100%" border="0" cellspacing="0" cellpadding="6">
        <tr><td><font face="Verdana, Arial, Helvetica, sans-serif" size="1">U bent hier:
          <a href="index.php?PHPSESSID={{sid}}">Home</a> &gt; <a
          href="informatie.php?PHPSESSID={{sid}}">Informatie</a> &gt; {{title}}</font></td></tr>
        <tr><td><img src="images/kop_informatie.jpg" width="588" height="90"
          alt="Informatie"></td></tr>
        <tr><td class="inhoud" valign="top">
{{fragment}}
        </td></tr>
        <tr><td align="right"><font face="Verdana, Arial, Helvetica, sans-serif" size="1"><a
          href="javascript:window.print()"><img src="images/print.gif" width="16" height="16"
          border="0" alt=""> Print deze pagina</a> | <a href="#top">Naar boven</a> |
          Laatst bijgewerkt: 12-03-{{year}}</font></td></tr>
      </table>
    </td>
  </tr>
  <tr>
    <td colspan="3" align="center"><map name="keurmerken">
      <area shape="rect" coords="0,0,180,40" alt="InstallQ"
        href="https://www.installq.example/?utm_source=vandam&amp;utm_medium=footer">
      <area shape="rect" coords="190,0,380,40" alt="Techniek Nederland"
        href="https://www.technieknederland.example/leden?utm_source=vandam&amp;gclid={{gclid}}">
      </map><img src="images/footer_keurmerken.gif" width="780" height="40" border="0"
      usemap="#keurmerken" alt="Keurmerken"></td>
  </tr>
  <tr>
    <td colspan="3" align="center" bgcolor="#003366"><font
      face="Verdana, Arial, Helvetica, sans-serif" size="1" color="#FFFFFF">© 2009-{{year}}
      Van Dam Installatietechniek | Industrieweg 14, 7903 AL Hoogeveen | Tel. 0528 - 27 14 00
      | KvK 04051234<br><a href="disclaimer.php?PHPSESSID={{sid}}"><font
      color="#FFCC00">Disclaimer</font></a> | <a href="privacy.php?PHPSESSID={{sid}}"><font
      color="#FFCC00">Privacy</font></a> | <a href="sitemap.php?PHPSESSID={{sid}}"><font
      color="#FFCC00">Sitemap</font></a> | Deze site is geoptimaliseerd voor 1024x768 en
      Internet Explorer</font></td>
  </tr>
</table>
</center>
<div id="cookiebar" style="position:fixed;bottom:0;left:0;right:0;background:#FFFFCC;
  border-top:1px solid #CCCC99;padding:6px;font:11px Verdana,Arial,sans-serif;z-index:999"
  >Deze website maakt gebruik van cookies. Door verder te surfen gaat u akkoord met ons
  cookiebeleid. <a href="#" onclick="acceptCookies();return false;"><b>Akkoord</b></a> |
  <a href="#" onclick="acceptCookies();return false;">Weigeren</a> | <a
  href="cookies.php?PHPSESSID={{sid}}&amp;utm_source=cookiebar">Meer info</a></div>
<script type="text/javascript" nonce="{{nonce}}">
var _gaq = _gaq || [];
_gaq.push(['_setAccount', 'UA-{{ua}}-1']);
_gaq.push(['_gat._anonymizeIp']);
_gaq.push(['_trackPageview']);
(function() {
  var ga = document.createElement('script'); ga.type = 'text/javascript'; ga.async = true;
  ga.src = ('https:' == document.location.protocol ? 'https://ssl' : 'http://www')
    + '.google-analytics.com/ga.js';
  var s = document.getElementsByTagName('script')[0]; s.parentNode.insertBefore(ga, s);
})();
</script>
<noscript><img src="https://stats.vandam-installatie.example/piwik.php?idsite=3&amp;rec=1"
  style="border:0" alt=""></noscript>
</body>
</html>
"""

_TABLE_NAV = (
    "Home", "Over ons", "Cv-ketels", "Warmtepompen", "Airconditioning", "Zonnepanelen",
    "Sanitair", "Loodgieterswerk", "Onderhoudscontract", "Storing melden", "Offerte aanvragen",
    "Vacatures", "Contact", "Route",
)  # fmt: skip


def _t_table(p: _Page) -> str:
    values = p.common()
    nav = "\n".join(
        f'        <tr><td><img src="images/pijl.gif" width="7" height="7" alt=""> '
        f'<a href="{_slug(x)}.php?PHPSESSID={values["sid"]}"><font '
        f'face="Verdana, Arial, Helvetica, sans-serif" size="2">{_text(x)}</font></a></td></tr>'
        for x in _TABLE_NAV
    )
    values |= {
        "leftnav": nav,
        "visitors": f"{p.rng.randint(100000, 999999):07d}",
        "ua": str(p.rng.randint(1000000, 9999999)),
    }
    return _fill(_TABLE, **values)


# ---- spa ---------------------------------------------------------------------------

_SPA = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charSet="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · Snelpakket</title>
<meta name="description" content="Snelpakket: pakketjes versturen en ontvangen wanneer het jou
  uitkomt.">
<meta property="og:title" content="{{title_attr}} · Snelpakket">
<meta name="next-head-count" content="6">
<link rel="preload" href="/_next/static/css/{{css}}.css" as="style">
<link rel="stylesheet" href="/_next/static/css/{{css}}.css" data-n-g="">
<noscript data-n-css=""></noscript>
<script defer="" nomodule="" src="/_next/static/chunks/polyfills-{{chunk1}}.js"></script>
<script src="/_next/static/chunks/webpack-{{chunk2}}.js" defer=""></script>
<script src="/_next/static/chunks/framework-{{chunk3}}.js" defer=""></script>
<script src="/_next/static/chunks/pages/_app-{{chunk4}}.js" defer=""></script>
<script src="/_next/static/{{build}}/_buildManifest.js" defer=""></script>
<style data-emotion="css {{emotion}}" nonce="{{nonce}}">
{{css_rules}}
</style>
</head>
<body>
<div id="__next">
<div class="{{c_app}}" data-testid="app-shell">
<div class="{{c_topbar}}">
  <div class="{{c_row}}"><a class="{{c_logo}}" href="/?utm_source=legal&amp;utm_medium=logo"
    data-testid="header-logo"><img alt="Snelpakket" src="/_next/static/media/logo.{{chunk1}}.svg"
    width="148" height="32" decoding="async"></a>
  <div class="{{c_menu}}" data-testid="main-menu">
{{menu}}
  </div>
  <form class="{{c_search}}" action="/zoeken" method="get" data-testid="search-form"><input
    class="{{c_input}}" name="q" placeholder="Zoek op track &amp; trace-code of onderwerp"
    autocomplete="off"><button class="{{c_button}}" type="submit">Zoeken</button></form>
  <div class="{{c_actions}}"><a class="{{c_link}}" href="/inloggen?returnTo=%2Fprivacy"
    data-testid="login-link">Inloggen</a><a class="{{c_cta}}"
    href="/winkelwagen?sid={{sid}}">Winkelwagen<span class="{{c_badge}}">{{cart}}</span></a></div>
  </div>
</div>
<div class="{{c_notice}}"><div class="{{c_row}}">Let op: door drukte kan de bezorging
  vandaag tot 2 uur later zijn. <a class="{{c_link}}"
  href="/status?utm_source=banner&amp;utm_campaign=drukte">Bekijk de status</a></div></div>
<div class="{{c_layout}}">
  <div class="{{c_side}}" data-testid="legal-menu">
    <div class="{{c_sidehead}}">Juridisch</div>
{{legal_menu}}
  </div>
  <div class="{{c_wrap1}}"><div class="{{c_wrap2}}"><div class="{{c_wrap3}}"><div
    class="{{c_wrap4}}"><div class="{{c_wrap5}}"><div class="{{c_crumbs}}"><a
    class="{{c_link}}" href="/">Home</a> / <a class="{{c_link}}" href="/juridisch">Juridisch</a>
    / <span>{{title}}</span></div><div class="{{c_wrap6}}"><div class="{{c_wrap7}}"><div
    class="{{c_body}}" data-testid="legal-page-body">
{{fragment}}
  </div></div><div class="{{c_feedback}}"><span>Heb je nog vragen?</span> <a
    class="{{c_link}}" href="/klantenservice?utm_source=legal">Neem contact op</a></div></div>
  </div></div></div></div></div>
</div>
<div class="{{c_app_promo}}"><img alt="" src="/_next/static/media/app-phone.{{chunk2}}.png"
  width="220" height="180" loading="lazy"><div class="{{c_app_text}}"><strong>Volg je pakket
  live in de app</strong> <span>Download de Snelpakket-app voor iOS en Android.</span></div><a
  href="https://apps.apple.example/nl/app/snelpakket/id1234567890?utm_source=web"><img
  alt="Download in de App Store" src="/_next/static/media/appstore.svg" width="120"
  height="40"></a><a href="https://play.google.example/store/apps/details?id=nl.snelpakket&amp;gclid={{gclid}}"
  ><img alt="Ontdek het op Google Play" src="/_next/static/media/googleplay.svg" width="135"
  height="40"></a></div>
<div class="{{c_footer}}" data-testid="footer">
  <div class="{{c_footcols}}">
{{footer}}
  </div>
  <div class="{{c_footbottom}}">© 2009-{{year}} Snelpakket B.V. · Stationsplein 8, 2011 LR
    Haarlem · KvK 71234598 · <a class="{{c_link}}"
    href="/cookies?utm_source=footer&amp;fbclid={{fbclid}}">Cookie-instellingen</a></div>
</div>
<div class="{{c_consent}}" aria-label="Cookiemelding" data-testid="cookie-banner"><div
  class="{{c_consent_text}}"><b>Cookies? Prima!</b> Wij gebruiken cookies en vergelijkbare
  technieken om de app en website te verbeteren en om advertenties af te stemmen op jouw
  interesses.</div><div class="{{c_consent_buttons}}"><button class="{{c_button}}"
  type="button">Accepteren</button><button class="{{c_button_ghost}}"
  type="button">Weigeren</button></div></div>
<div class="{{c_skeleton}}" aria-hidden="true"><div class="{{c_bar}}"></div><div
  class="{{c_bar}}"></div></div>
</div>
</div>
<script id="__NEXT_DATA__" type="application/json">{{next_data}}</script>
<script nonce="{{nonce}}">(self.__next_f=self.__next_f||[]).push([0]);
self.__next_f.push([1,{{rsc}}])</script>
<script nonce="{{nonce}}">
{{gtm_js}}
</script>
<noscript><img height="1" width="1" style="display:none" alt=""
  src="https://px.ads.linkedin.example/collect/?pid={{pixel}}&amp;fmt=gif"></noscript>
</body>
</html>
"""

_SPA_PARTS = [
    "app",
    "topbar",
    "row",
    "logo",
    "menu",
    "search",
    "input",
    "button",
    "actions",
    "link",
    "cta",
    "badge",
    "notice",
    "layout",
    "side",
    "sidehead",
    "wrap1",
    "wrap2",
    "wrap3",
    "wrap4",
    "wrap5",
    "wrap6",
    "wrap7",
    "crumbs",
    "body",
    "feedback",
    "app_promo",
    "app_text",
    "footer",
    "footcols",
    "footcol",
    "foothead",
    "footbottom",
    "consent",
    "consent_text",
    "consent_buttons",
    "button_ghost",
    "skeleton",
    "bar",
    "menuitem",
    "sideitem",
    "h1",
    "h2",
    "h3",
    "p",
    "list",
    "item",
    "strong",
    "em",
]
_SPA_MENU = ("Versturen", "Ontvangen", "Zakelijk", "Servicepunten", "Tarieven", "Help")
_SPA_LEGAL = ("Algemene voorwaarden", "Privacyverklaring", "Cookieverklaring", "Disclaimer")
_SPA_FOOTER = (
    ("Versturen", ("Pakket versturen", "Brievenbuspakje", "Internationaal", "Retourlabel")),
    ("Ontvangen", ("Track & trace", "Bezorgmoment wijzigen", "Servicepunt kiezen")),
    ("Over ons", ("Werken bij", "Duurzaamheid", "Pers", "Investeerders")),
)


def _spa_fragment(fragment: str, cls: dict[str, str]) -> str:
    """Block markup becomes divs with hashed classes (headings keep an ARIA role)."""

    def block(m: re.Match[str]) -> str:
        close, name = m.group(1), m.group(2).lower()
        inline = name in ("strong", "b", "em", "i")
        if close:
            return "</span>" if inline else "</div>"
        if inline:
            return f'<span class="{cls["strong" if name in ("strong", "b") else "em"]}">'
        if name[0] == "h":
            level = name[1]
            return f'<div class="{cls["h" + min(level, "3")]}" role="heading" aria-level="{level}">'
        part = {"ul": "list", "ol": "list", "li": "item"}.get(name, "p")
        return f'<div class="{cls[part]}">'

    return re.sub(r"<(/?)(h[1-6]|p|ul|ol|li|strong|b|em|i)\b[^>]*>", block, fragment, flags=re.I)


def _t_spa(p: _Page) -> str:
    r = p.rng
    cls = {part: f"css-{_b36(r, 6)}" for part in _SPA_PARTS}
    values = p.common() | {f"c_{k}": v for k, v in cls.items()}
    menu = "\n".join(
        f'<a class="{cls["menuitem"]}" href="/{_slug(x)}" data-testid="nav-{_slug(x)}">{x}</a>'
        for x in _SPA_MENU
    )
    legal = "\n".join(
        f'<a class="{cls["sideitem"]}" href="/juridisch/{_slug(x)}">{x}</a>' for x in _SPA_LEGAL
    )
    footer = "\n".join(
        f'<div class="{cls["footcol"]}"><div class="{cls["foothead"]}">{_text(head)}</div>'
        f'<ul class="{cls["list"]}">'
        + "".join(
            f'<li><a class="{cls["link"]}" href="/{_slug(x)}?utm_source=footer">{_text(x)}</a></li>'
            for x in items
        )
        + "</ul></div>"
        for head, items in _SPA_FOOTER
    )
    css_rules = "\n".join(
        f".{name}{{display:{r.choice(('flex', 'block', 'grid'))};"
        f"padding:{r.randint(0, 24)}px;color:#{_hex(r, 6)};}}"
        for name in cls.values()
    )
    paragraphs = _paragraphs(p.fragment)
    heads = [_plain(m.group(3)) for m in _HEADING.finditer(p.fragment)]
    data = {
        "props": {
            "pageProps": {
                "page": {
                    "slug": "privacy",
                    "title": p.title,
                    "seo": {"description": paragraphs[0][:155] if paragraphs else p.title},
                    "summary": paragraphs[:3],
                    "toc": heads[:8],
                    "updatedAt": f"{p.year}-03-12T08:00:00.000Z",
                },
                "__N_SSG": True,
            }
        },
        "page": "/juridisch/[slug]",
        "query": {"slug": "privacy"},
        "buildId": p.build,
        "isFallback": False,
        "gsp": True,
        "locale": "nl",
        "locales": ["nl", "en"],
        "defaultLocale": "nl",
        "scriptLoader": [],
    }
    rsc = json.dumps(
        "2:I["
        + str(r.randint(1000, 9999))
        + ',["app/page"],"LegalPage"]\n3:'
        + json.dumps({"title": p.title, "intro": paragraphs[:1]}, ensure_ascii=False),
        ensure_ascii=False,
    )
    values |= {
        "fragment": _spa_fragment(p.fragment, cls),
        "menu": menu,
        "legal_menu": legal,
        "footer": footer,
        "css_rules": css_rules,
        "emotion": " ".join(v[4:] for v in cls.values()),
        "css": _hex(r, 16),
        "chunk1": _hex(r, 16),
        "chunk2": _hex(r, 16),
        "chunk3": _hex(r, 16),
        "chunk4": _hex(r, 16),
        "next_data": _script_json(json.dumps(data, ensure_ascii=False)),
        "rsc": _script_json(rsc),
    }
    values["gtm_js"] = _fill(_GTM, gtm="GTM-" + _b36(r, 7).upper())
    return _fill(_SPA, **values)


def _script_json(s: str) -> str:
    """JSON that is safe inside <script>: no '</' and no '<!--'."""
    return s.replace("</", "<\\/").replace("<!--", "<\\!--")


# ---- docs --------------------------------------------------------------------------

_DOCS = """<!DOCTYPE html>
<html lang="nl" dir="ltr" class="docs-wrapper plugin-docs docs-version-current"
  data-theme="light">
<head>
<meta charset="UTF-8">
<meta name="generator" content="Docusaurus v3.1.1">
<title data-rh="true">{{title}} | Fluxo Docs</title>
<meta data-rh="true" name="viewport" content="width=device-width,initial-scale=1">
<meta data-rh="true" property="og:title" content="{{title_attr}} | Fluxo Docs">
<meta data-rh="true" name="docsearch:language" content="nl">
<meta data-rh="true" name="docsearch:version" content="current">
<link data-rh="true" rel="canonical" href="https://docs.fluxo.example/juridisch/privacy">
<link rel="stylesheet" href="/assets/css/styles.{{css}}.css">
<script src="/assets/js/runtime~main.{{js1}}.js" defer="defer"></script>
<script src="/assets/js/main.{{js2}}.js" defer="defer"></script>
<script nonce="{{nonce}}">
!function(){var t=localStorage.getItem("theme");
document.documentElement.setAttribute("data-theme",t||"light")}();
</script>
<script nonce="{{nonce}}" async src="https://plausible.fluxo.example/js/script.js"
  data-domain="docs.fluxo.example"></script>
</head>
<body class="navigation-with-keyboard">
<div id="__docusaurus">
<div role="region" aria-label="Ga naar hoofdinhoud"><a class="skipToContent_fXgn"
  href="#__docusaurus_skipToContent_fallback">Ga naar hoofdinhoud</a></div>
<div class="theme-announcement-bar announcementBar_mb4j" role="banner"><div
  class="announcementBarContent_xLdY">🎉 Fluxo 4.0 is uit! <a target="_blank"
  rel="noopener noreferrer"
  href="https://fluxo.example/blog/fluxo-4?utm_source=docs&amp;utm_medium=announcement">Lees
  de release notes</a></div><button type="button" aria-label="Sluiten"
  class="clean-btn close closeButton_CVFx">×</button></div>
<nav aria-label="Hoofdnavigatie" class="navbar navbar--fixed-top">
  <div class="navbar__inner">
    <div class="navbar__items">
      <a class="navbar__brand" href="/"><div class="navbar__logo"><img src="/img/logo.svg"
        alt="Fluxo logo" class="themedImage_ToTc" width="32" height="32"></div><b
        class="navbar__title text--truncate">Fluxo Docs</b></a>
      <a aria-current="page" class="navbar__item navbar__link navbar__link--active"
        href="/docs/intro">Documentatie</a>
      <a class="navbar__item navbar__link" href="/api">API-referentie</a>
      <a class="navbar__item navbar__link" href="/tutorials">Tutorials</a>
      <a class="navbar__item navbar__link" href="https://fluxo.example/blog?utm_source=docs"
        >Blog</a>
      <a class="navbar__item navbar__link" href="/changelog">Changelog</a>
    </div>
    <div class="navbar__items navbar__items--right">
      <div class="navbar__item dropdown dropdown--hoverable"><a class="navbar__link"
        href="#" aria-haspopup="true" aria-expanded="false" role="button">v4.0</a><ul
        class="dropdown__menu"><li><a class="dropdown__link" href="/docs/next/intro">Next</a></li>
        <li><a class="dropdown__link" href="/docs/intro">4.0</a></li><li><a
        class="dropdown__link" href="/docs/3.x/intro">3.x</a></li></ul></div>
      <div class="navbar__item"><select aria-label="Taal" name="locale"><option value="nl"
        selected>Nederlands</option><option value="en">English</option></select></div>
      <a href="https://github.example/fluxo/fluxo?utm_source=docs" target="_blank"
        rel="noopener noreferrer" class="navbar__item navbar__link header-github-link"
        aria-label="GitHub-repository">GitHub</a>
      <a class="navbar__item navbar__link" href="https://app.fluxo.example/login">Inloggen</a>
      <a class="navbar__item navbar__link" href="https://marketplace.fluxo.example/cart?sid={{sid}}"
        >Winkelwagen ({{cart}})</a>
      <a class="navbar__item button button--primary button--sm"
        href="https://app.fluxo.example/signup?utm_source=docs&amp;utm_medium=navbar"
        >Aan de slag</a>
      <div class="navbarSearchContainer_Bca1"><button type="button"
        class="DocSearch DocSearch-Button" aria-label="Zoeken"><span
        class="DocSearch-Button-Placeholder">Zoeken</span><span class="DocSearch-Button-Keys"
        ><kbd class="DocSearch-Button-Key">⌘</kbd><kbd class="DocSearch-Button-Key">K</kbd
        ></span></button></div>
    </div>
  </div>
</nav>
<div id="__docusaurus_skipToContent_fallback" class="main-wrapper mainWrapper_z2l0">
<div class="docsWrapper_hBAB">
<div class="docRoot_UBD9">
<aside class="theme-doc-sidebar-container docSidebarContainer_YfHR">
  <div class="sidebarViewport_aRkj"><div class="sidebar_njMd">
  <nav aria-label="Documentatie-zijbalk" class="menu thin-scrollbar menu_SIkG">
    <ul class="theme-doc-sidebar-menu menu__list">
{{sidebar}}
    </ul>
  </nav></div></div>
</aside>
<main class="docMainContainer_TBSr">
<div class="container padding-top--md padding-bottom--lg">
<div class="row">
<div class="col docItemCol_VOVn">
  <div class="docItemContainer_Djhp">
  <article>
    <nav class="theme-doc-breadcrumbs breadcrumbsContainer_Z_bl" aria-label="Kruimelpad">
      <ul class="breadcrumbs">
        <li class="breadcrumbs__item"><a aria-label="Startpagina" class="breadcrumbs__link"
          href="/">Home</a></li>
        <li class="breadcrumbs__item"><span class="breadcrumbs__link">Juridisch</span></li>
        <li class="breadcrumbs__item breadcrumbs__item--active"><span
          class="breadcrumbs__link">{{title}}</span></li>
      </ul>
    </nav>
    <span class="theme-doc-version-badge badge badge--secondary">Versie: 4.0</span>
    <div class="tocCollapsible_ETCw theme-doc-toc-mobile tocMobile_ITEo"><button
      type="button" class="clean-btn tocCollapsibleButton_TO0P">Op deze pagina</button></div>
    <div class="theme-doc-markdown markdown">
{{fragment}}
    </div>
    <footer class="theme-doc-footer docusaurus-mt-lg">
      <div class="row margin-top--sm theme-doc-footer-edit-meta-row">
        <div class="col"><a
          href="https://github.example/fluxo/docs/edit/main/docs/juridisch/privacy.md?utm_source=docs"
          target="_blank" rel="noopener noreferrer" class="theme-edit-this-page">Bewerk deze
          pagina</a></div>
        <div class="col lastUpdated_JAkA"><span class="theme-last-updated">Laatst bijgewerkt
          op <b><time datetime="{{year}}-03-12T10:02:00.000Z">12 maart {{year}}</time></b> door
          <b>docs-bot</b></span></div>
      </div>
      <div class="feedback-widget" data-page="/juridisch/privacy">
        <span class="feedback-widget__question">Was deze pagina nuttig?</span>
        <button type="button" class="button button--outline button--sm"
          data-vote="yes">Ja</button>
        <button type="button" class="button button--outline button--sm"
          data-vote="no">Nee</button>
        <form class="feedback-widget__form" action="/api/feedback" method="post" hidden>
          <input type="hidden" name="csrf_token" value="{{csrf}}">
          <label for="fb-text">Wat kunnen we verbeteren?</label>
          <textarea id="fb-text" name="comment" rows="3"></textarea>
          <button type="submit">Versturen</button>
        </form>
      </div>
    </footer>
  </article>
  <nav class="pagination-nav docusaurus-mt-lg" aria-label="Documentatiepagina's">
    <a class="pagination-nav__link pagination-nav__link--prev"
      href="/juridisch/gebruiksvoorwaarden"><span class="pagination-nav__sublabel">Vorige</span>
      <span class="pagination-nav__label">Gebruiksvoorwaarden</span></a>
    <a class="pagination-nav__link pagination-nav__link--next"
      href="/juridisch/cookiebeleid"><span class="pagination-nav__sublabel">Volgende</span>
      <span class="pagination-nav__label">Cookiebeleid</span></a>
  </nav>
  </div>
</div>
<div class="col col--3">
  <div class="tableOfContents_bqdL thin-scrollbar theme-doc-toc-desktop">
    <div class="tocTitle_Fx3l">Op deze pagina</div>
    <ul class="table-of-contents table-of-contents__left-border">
{{toc}}
    </ul>
  </div>
</div>
</div>
</div>
</main>
</div>
</div>
</div>
<footer class="footer footer--dark">
  <div class="container container-fluid">
    <div class="row footer__links">
{{footer}}
    </div>
    <div class="footer__bottom text--center">
      <div class="margin-bottom--sm"><img src="/img/fluxo-wordmark.svg" alt="Fluxo"
        class="footer__logo" width="120" height="28"></div>
      <div class="footer__copyright">© 2009-{{year}} Fluxo Software B.V. · Keizersgracht 100,
        1015 AA Amsterdam · KvK 70112233. Gebouwd met Docusaurus.</div>
    </div>
  </div>
</footer>
<div class="cookie-consent cookie-consent--bottom" role="region"
  aria-label="Cookiemelding"><p>Deze documentatie gebruikt <em>alleen</em> analytische
  cookies zonder persoonsgegevens. Mogen we daarnaast een chatwidget laden?</p><button
  type="button" class="button button--primary button--sm">Akkoord</button><button
  type="button" class="button button--secondary button--sm">Weigeren</button></div>
<div id="docsearch-modal" class="DocSearch-Container" hidden><p>Zoeken in de documentatie</p>
  <p class="DocSearch-Help">Geen recente zoekopdrachten</p></div>
</div>
<noscript><img src="https://plausible.fluxo.example/api/event?n=pageview&amp;nojs=1"
  width="1" height="1" alt="" style="display:none"></noscript>
</body>
</html>
"""

_DOCS_SIDEBAR = (
    ("Aan de slag", ("Introductie", "Installatie", "Snelstart", "Configuratie", "Concepten")),
    ("Gidsen", ("Projecten", "Omgevingen", "Deployments", "Secrets beheren", "Webhooks",
                "Rollen en rechten", "Single sign-on", "Auditlog", "Back-ups", "Migreren")),
    ("Integraties", ("GitHub", "GitLab", "Bitbucket", "Slack", "Microsoft Teams", "Jira",
                     "Datadog", "Sentry", "Terraform", "Kubernetes")),
    ("API-referentie", ("Authenticatie", "Paginering", "Foutcodes", "Rate limits",
                        "Projects API", "Deployments API", "Users API", "Events API")),
    ("CLI", ("fluxo login", "fluxo init", "fluxo deploy", "fluxo logs", "fluxo env")),
    ("Juridisch", ("Gebruiksvoorwaarden", "{{title}}", "Cookiebeleid", "Verwerkersovereenkomst",
                   "Subverwerkers", "Beveiliging", "Responsible disclosure")),
)  # fmt: skip
_DOCS_FOOTER = (
    ("Docs", ("Introductie", "API-referentie", "CLI", "Changelog")),
    ("Community", ("Discord", "Forum", "Stack Overflow", "Meetups")),
    ("Meer", ("Blog", "GitHub", "Status", "Prijzen", "Contact")),
)


def _t_docs(p: _Page) -> str:
    fragment, heads = _with_ids(p.fragment)
    fragment = re.sub(
        r'(<h([23]) id="([^"]+)"[^>]*>)(.*?)(</h\2>)',
        lambda m: (
            f'{m.group(1)}{m.group(4)}<a href="#{m.group(3)}" class="hash-link" '
            f'aria-label="Directe link naar deze kop" title="Directe link naar deze kop"></a>'
            f"{m.group(5)}"
        ),
        fragment,
        flags=re.S,
    )
    sidebar: list[str] = []
    for cat, items in _DOCS_SIDEBAR:
        entries = []
        for item in items:
            label = p.title if item == "{{title}}" else item
            extra = ' menu__link--active" aria-current="page' if item == "{{title}}" else ""
            entries.append(
                f'<li class="theme-doc-sidebar-item-link menu__list-item"><a class="menu__link'
                f'{extra}" href="/{_slug(cat)}/{_slug(label)}">{_text(label)}</a></li>'
            )
        sidebar.append(
            '<li class="theme-doc-sidebar-item-category menu__list-item">'
            f'<div class="menu__list-item-collapsible"><a class="menu__link menu__link--sublist '
            f'menu__link--sublist-caret" href="/{_slug(cat)}">{_text(cat)}</a></div>'
            '<ul class="menu__list">' + "".join(entries) + "</ul></li>"
        )
    toc = "\n".join(
        f'<li><a href="#{_attr(hid)}" class="table-of-contents__link toc-highlight">'
        f"{_text(text)}</a></li>"
        if level == 2
        else f'<li><ul><li><a href="#{_attr(hid)}" class="table-of-contents__link toc-highlight">'
        f"{_text(text)}</a></li></ul></li>"
        for level, hid, text in heads
    )
    footer = "\n".join(
        f'<div class="col footer__col"><div class="footer__title">{head}</div>'
        '<ul class="footer__items clean-list">'
        + "".join(
            f'<li class="footer__item"><a class="footer__link-item" '
            f'href="https://fluxo.example/{_slug(x)}?utm_source=docs&amp;utm_medium=footer">'
            f"{_text(x)}</a></li>"
            for x in items
        )
        + "</ul></div>"
        for head, items in _DOCS_FOOTER
    )
    values = p.common() | {
        "fragment": fragment,
        "sidebar": "\n".join(sidebar),
        "toc": toc,
        "footer": footer,
        "css": _hex(p.rng, 8),
        "js1": _hex(p.rng, 8),
        "js2": _hex(p.rng, 8),
    }
    return _fill(_DOCS, **values)


# ---- minimal -----------------------------------------------------------------------


def _t_minimal(p: _Page) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_text(p.title)}</title>\n</head>\n<body>\n{p.fragment}</body>\n</html>\n"
    )


# ---- shop --------------------------------------------------------------------------

_MEGA = {
    "Wonen": (
        "Banken: Hoekbanken, Loungebanken, 2-zitsbanken, 3-zitsbanken, Slaapbanken, "
        "Bankstellen, Hockers, Poefs",
        "Stoelen: Eetkamerstoelen, Fauteuils, Relaxstoelen, Barkrukken, Schommelstoelen, "
        "Bureaustoelen, Klapstoelen, Kinderstoelen",
        "Tafels: Eettafels, Salontafels, Bijzettafels, Bureaus, Sidetables, Ronde tafels, "
        "Uitschuiftafels, Bartafels",
        "Kasten: Boekenkasten, Dressoirs, Tv-meubels, Kledingkasten, Vitrinekasten, "
        "Wandplanken, Ladekasten, Opbergboxen",
        "Decoratie: Vloerkleden, Gordijnen, Spiegels, Kussens, Plaids, Vazen, Kunstplanten, "
        "Wanddecoratie",
    ),
    "Slapen": (
        "Bedden: Boxsprings, Tweepersoonsbedden, Eenpersoonsbedden, Stapelbedden, Hoogslapers, "
        "Bedframes, Opklapbedden, Logeerbedden",
        "Matrassen: Pocketveringmatrassen, Koudschuimmatrassen, Traagschuimmatrassen, "
        "Latexmatrassen, Topdekmatrassen, Kindermatrassen, Matrasbeschermers, Oplegmatrassen",
        "Beddengoed: Dekbedovertrekken, Hoeslakens, Kussenslopen, Dekbedden, Hoofdkussens, "
        "Spreien, Molton, Flanellen lakens",
        "Slaapkamer: Nachtkastjes, Kaptafels, Kledingrekken, Schoenenkasten, Linnenkasten, "
        "Wandkasten, Bedbanken, Spiegelkasten",
        "Nachtmode: Pyjama's, Badjassen, Pantoffels, Nachthemden, Slaapmaskers, Oordopjes, "
        "Wekkers, Slaaplampen",
    ),
    "Keuken": (
        "Koken: Pannensets, Koekenpannen, Braadpannen, Wokpannen, Snelkookpannen, Steelpannen, "
        "Grillpannen, Pannendeksels",
        "Apparatuur: Airfryers, Blenders, Keukenmachines, Waterkokers, Broodroosters, "
        "Koffiemachines, Staafmixers, Magnetrons",
        "Servies: Borden, Kommen, Mokken, Glazen, Bestek, Schalen, Theepotten, Serviessets",
        "Bakken: Bakvormen, Taartvormen, Mengkommen, Deegrollers, Bakpapier, Spuitzakken, "
        "Keukenweegschalen, Muffinvormen",
        "Opbergen: Voorraadbussen, Vershoudbakjes, Broodtrommels, Kruidenrekken, "
        "Vaatwasmanden, Afvalbakken, Lunchboxen, Drinkflessen",
    ),
    "Tuin": (
        "Tuinmeubelen: Loungesets, Tuinstoelen, Tuintafels, Ligbedden, Tuinbanken, Hangstoelen, "
        "Picknicktafels, Tuinkussens",
        "Barbecues: Gasbarbecues, Houtskoolbarbecues, Elektrische barbecues, Kamado's, "
        "Pizzaovens, Rookovens, Barbecuehoezen, Grillaccessoires",
        "Gereedschap: Grasmaaiers, Heggenscharen, Bladblazers, Snoeischaren, Schoffels, Harken, "
        "Kruiwagens, Tuinslangen",
        "Planten: Buitenplanten, Bloembollen, Zaden, Potgrond, Meststoffen, Plantenbakken, "
        "Kweekkassen, Moestuinbakken",
        "Schaduw: Parasols, Zweefparasols, Schaduwdoeken, Partytenten, Pergola's, "
        "Zonneschermen, Windschermen, Parasolvoeten",
    ),
    "Klussen": (
        "Elektrisch gereedschap: Accuboormachines, Klopboormachines, Decoupeerzagen, "
        "Cirkelzagen, Schuurmachines, Multitools, Accuschroevendraaiers, Gereedschapskisten",
        "Verf: Muurverf, Lakverf, Beits, Grondverf, Kwasten, Verfrollers, Afplaktape, Plamuur",
        "Bevestiging: Schroeven, Pluggen, Spijkers, Bouten, Lijm, Kit, Haken, Beugels",
        "Sanitair: Kranen, Douchekoppen, Toiletbrillen, Wastafels, Badkamerkasten, Badmatten, "
        "Doucheputjes, Sifons",
        "Elektra: Stopcontacten, Verlengsnoeren, Schakelaars, Kabelhaspels, Dimmers, "
        "Slimme stekkers, Bewegingsmelders, Installatiedraad",
    ),
    "Verlichting": (
        "Binnen: Hanglampen, Plafondlampen, Vloerlampen, Tafellampen, Wandlampen, Spots, "
        "Bureaulampen, Kroonluchters",
        "Buiten: Tuinverlichting, Buitenwandlampen, Sokkellampen, Grondspots, Lichtsnoeren, "
        "Solarlampen, Schijnwerpers, Tuinfakkels",
        "Lampen: LED-lampen, Filamentlampen, GU10-spots, E27-lampen, E14-lampen, Tl-buizen, "
        "Dimbare lampen, Halogeenlampen",
        "Slimme verlichting: Starterssets, Lichtstrips, Bridges, Bewegingssensoren, "
        "Smart schakelaars, Slimme plafondlampen, Slimme lampen, Accessoires",
        "Sfeer: Kaarsen, LED-kaarsen, Windlichten, Lantaarns, Lichtslingers, Nachtlampjes, "
        "Kerstverlichting, Neonlampen",
    ),
    "Kinderen": (
        "Speelgoed: Bouwblokken, Poppen, Knuffels, Puzzels, Gezelschapsspellen, "
        "Speelgoedauto's, Houten speelgoed, Educatief speelgoed",
        "Buitenspelen: Trampolines, Zandbakken, Schommels, Glijbanen, Speelhuisjes, "
        "Loopfietsen, Steps, Opblaasbaden",
        "Babykamer: Ledikanten, Commodes, Boxen, Wiegjes, Babyfoons, Aankleedkussens, "
        "Boxkleden, Muziekmobielen",
        "Onderweg: Kinderwagens, Buggy's, Autostoelen, Draagzakken, Luiertassen, "
        "Fietsstoeltjes, Reisbedjes, Regenhoezen",
        "Kinderkamer: Kinderbedden, Kinderbureaus, Speelgoedkisten, Tipitenten, Speelkleden, "
        "Muurstickers, Kapstokken, Boekenrekjes",
    ),
    "Dieren": (
        "Hond: Hondenvoer, Hondensnacks, Hondenmanden, Halsbanden, Riemen, Hondenspeelgoed, "
        "Benches, Vachtverzorging",
        "Kat: Kattenvoer, Kattensnacks, Krabpalen, Kattenbakken, Kattenbakvulling, "
        "Kattenspeelgoed, Kattenluiken, Transportmanden",
        "Knaagdier: Knaagdierenvoer, Kooien, Hooi, Bodembedekking, Drinkflesjes, Knaaghout, "
        "Konijnenrennen, Hooiruiven",
        "Vogel: Vogelvoer, Vogelkooien, Voederhuisjes, Nestkastjes, Zitstokken, Vogelbadjes, "
        "Strooivoer, Vetbollen",
        "Vis: Aquaria, Visvoer, Aquariumfilters, Luchtpompen, Aquariumverlichting, "
        "Waterplanten, Vijverbenodigdheden, Waterverbeteraars",
    ),
}

_SHOP = """<!DOCTYPE html>
<html lang="nl" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>{{title}} | Huis &amp; Hobby - Alles voor in en om het huis</title>
<meta name="description" content="Klantenservice Huis &amp; Hobby: {{title_attr}}">
<link rel="preload" as="font" type="font/woff2" crossorigin href="/static/fonts/inter.woff2">
<link rel="stylesheet" href="/static/css/main.min.css?v={{build}}">
<link rel="stylesheet" href="/static/css/cms.min.css?v={{build}}" media="print"
  onload="this.media='all'">
<script nonce="{{nonce}}">
document.documentElement.className = document.documentElement.className.replace('no-js', 'js');
window.dataLayer = window.dataLayer || [];
dataLayer.push({"pageType": "service", "customerType": "guest", "cartValue": {{cart}} * 24.95,
  "visitorId": "{{sid}}"});
</script>
<script nonce="{{nonce}}">
{{gtm_js}}
</script>
<script src="https://cdn.cookielaw.example/scripttemplates/otSDKStub.js" data-language="nl"
  data-domain-script="{{ot}}" charset="UTF-8"></script>
</head>
<body class="page-service page-cms cms-privacy">
<noscript><iframe src="https://sst.huisenhobby.example/ns.html?id={{gtm}}" height="0" width="0"
  style="display:none;visibility:hidden"></iframe></noscript>
<div class="promo-bar" data-promo-id="promo-{{promo}}"><a
  href="/acties/voorjaarsdeals?utm_source=site&amp;utm_medium=promobar&amp;utm_campaign=vj{{year}}"
  >Voorjaarsdeals: tot <strong>50% korting</strong> op tuinmeubelen &amp; barbecues
  &rsaquo;</a></div>
<div class="usp-bar"><ul class="usp-bar__list">
  <li><i class="icon icon-check"></i> <b>Gratis verzending</b> vanaf € 29</li>
  <li><i class="icon icon-check"></i> Voor 23:59 besteld, morgen in huis</li>
  <li><i class="icon icon-check"></i> 30 dagen bedenktijd</li>
  <li><i class="icon icon-star"></i> Klanten geven ons een <strong>9,1</strong>
    ({{reviews}} beoordelingen)</li>
</ul></div>
<header class="site-header">
  <div class="site-header__top">
    <a class="site-header__logo" href="/?utm_source=privacy&amp;utm_medium=logo"><img
      src="/static/img/huis-en-hobby-logo.svg" alt="Huis &amp; Hobby" width="180"
      height="44"></a>
    <form class="search-form" action="/zoeken" method="get" role="search">
      <select name="cat" aria-label="Categorie"><option value="">Alle categorieën</option>
{{search_options}}
      </select>
      <input type="search" name="q" placeholder="Zoek tussen 40.000+ artikelen"
        autocomplete="off" aria-label="Zoeken">
      <button type="submit" class="search-form__button">Zoeken</button>
    </form>
    <div class="header-account"><a href="/account/inloggen?PHPSESSID={{sid}}">Inloggen</a>
      <span>of</span> <a href="/account/registreren">Account aanmaken</a></div>
    <a class="header-wishlist" href="/verlanglijst">Verlanglijst <span>({{wish}})</span></a>
    <div class="mini-cart">
      <a class="mini-cart__toggle" href="/winkelwagen?PHPSESSID={{sid}}">Winkelwagen <span
        class="mini-cart__count">{{cart}}</span></a>
      <div class="mini-cart__dropdown" style="display:none">
        <p class="mini-cart__item">Bamboe snijplank set (3 stuks) <b>€ 24,95</b></p>
        <p class="mini-cart__total">Subtotaal: € 24,95</p>
        <a class="button" href="/afrekenen">Afrekenen</a>
      </div>
    </div>
  </div>
  <nav class="mega-menu" aria-label="Categorieën">
    <ul class="mega-menu__top">
{{mega}}
    </ul>
  </nav>
</header>
<div class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/klantenservice">Klantenservice</a>
  &rsaquo; <span>{{title}}</span></div>
<div class="page-layout page-layout--2col">
  <div class="sidebar service-menu">
    <div class="service-menu__title">Klantenservice</div>
    <ul>
{{service_menu}}
    </ul>
    <div class="service-contact">
      <p><b>Bel ons:</b> 040 - 298 45 00<br><small>ma-vr 8:30-21:00, za 9:00-17:00</small></p>
      <button type="button" class="button button--chat">Start chat</button>
      <p class="service-contact__status">Gemiddelde wachttijd: 3 minuten</p>
    </div>
  </div>
  <div class="page-content">
    <div class="cms-page">
      <div class="cms-content">
{{fragment}}
      </div>
    </div>
    <div class="promo-tiles">
{{tiles}}
    </div>
    <div class="product-carousel">
      <div class="product-carousel__title">Nieuw binnen</div>
      <ul class="product-carousel__list">
{{products}}
      </ul>
    </div>
  </div>
</div>
<section class="newsletter">
  <h3>Blijf op de hoogte</h3>
  <p>Ontvang elke week de beste aanbiedingen en <b>10% korting</b> op je eerste bestelling.</p>
  <form action="/nieuwsbrief/aanmelden" method="post" class="newsletter__form">
    <input type="hidden" name="form_key" value="{{csrf}}">
    <input type="email" name="email" placeholder="Jouw e-mailadres" required>
    <button type="submit">Aanmelden</button>
  </form>
  <p class="newsletter__small">Je kunt je altijd weer afmelden.</p>
</section>
<div class="trust-badges">
{{badges}}
</div>
<footer class="site-footer">
  <div class="site-footer__columns">
{{footer}}
  </div>
  <div class="site-footer__payment">
{{payments}}
  </div>
  <div class="site-footer__bottom">
    <p>© 2009-{{year}} Huis &amp; Hobby B.V. | KvK 56781234 | BTW NL856712345B01 |
      Industrieweg 21, 5651 GL Eindhoven</p>
    <p><a href="/algemene-voorwaarden">Algemene voorwaarden</a> · <a href="/privacy">Privacy</a>
      · <a href="/cookies">Cookies</a> · <a href="/sitemap">Sitemap</a> · <i>Alle prijzen zijn
      inclusief btw.</i></p>
  </div>
</footer>
<div id="onetrust-consent-sdk">
  <div id="onetrust-banner-sdk" class="otFlat" role="region" aria-label="Cookiebanner">
    <div id="onetrust-policy"><h2 id="onetrust-policy-title">Wij gebruiken cookies</h2>
      <p id="onetrust-policy-text">Huis &amp; Hobby en derde partijen gebruiken cookies en
        vergelijkbare technieken om je een persoonlijke winkelervaring te bieden, om het
        gebruik van onze website te analyseren en om advertenties te tonen die bij jouw
        interesses passen. <a class="ot-cookie-policy-link"
        href="/cookies?utm_source=onetrust">Cookiebeleid</a></p></div>
    <div id="onetrust-button-group">
      <button id="onetrust-accept-btn-handler">Alle cookies accepteren</button>
      <button id="onetrust-reject-all-handler">Alleen noodzakelijke</button>
      <button id="onetrust-pc-btn-handler">Cookie-instellingen</button>
    </div>
  </div>
  <div id="onetrust-pc-sdk" class="otPcCenter" style="display:none" role="dialog"
    aria-modal="true" aria-label="Voorkeurencentrum">
    <h2>Voorkeurencentrum voor privacy</h2>
    <p>Wanneer je een website bezoekt, kan deze informatie in je browser opslaan of ophalen,
      meestal in de vorm van cookies.</p>
    <h3>Strikt noodzakelijke cookies</h3><p>Altijd actief</p>
    <h3>Prestatiecookies</h3><p>Deze cookies stellen ons in staat bezoeken te tellen.</p>
    <button>Mijn keuzes bevestigen</button>
  </div>
</div>
<div class="chat-launcher" data-widget="zendesk"><button type="button"
  aria-label="Open de chat"><img src="/static/img/chat.svg" alt="" width="24"
  height="24"></button></div>
<script src="/static/js/app.min.js?v={{build}}" defer></script>
<script src="/static/js/vendor.min.js?v={{build}}" defer></script>
<script nonce="{{nonce}}">
window.zESettings = {webWidget: {locale: 'nl', chat: {departments: {enabled: ['klantenservice']}}}};
</script>
<noscript><img height="1" width="1" style="display:none" alt=""
  src="https://www.facebook.example/tr?id={{pixel}}&amp;ev=PageView&amp;noscript=1"></noscript>
</body>
</html>
"""

_SHOP_SERVICE = (
    "Bestellen", "Betalen", "Verzenden en bezorgen", "Retourneren", "Garantie en reparatie",
    "Privacy", "Cookies", "Algemene voorwaarden", "Veelgestelde vragen", "Contact",
)  # fmt: skip
_SHOP_FOOTER = (
    ("Klantenservice", _SHOP_SERVICE),
    ("Over Huis & Hobby", ("Over ons", "Werken bij", "Winkels", "Duurzaamheid", "Pers",
                           "Affiliateprogramma", "Huis & Hobby Zakelijk")),
    ("Populair", ("Airfryer", "Loungeset", "Boxspring", "Gasbarbecue", "Parasol",
                  "Vloerlamp", "Eettafel", "Trampoline", "Kattenbak", "Accuboormachine",
                  "Vloerkleed", "Hanglamp", "Bureaustoel", "Tuinset", "Kerstboom")),
    ("Volg ons", ("Facebook", "Instagram", "Pinterest", "YouTube", "TikTok")),
)  # fmt: skip
_SHOP_PRODUCTS = (
    ("Bamboe snijplank set (3 stuks)", "24,95"),
    ("LED-tuinfakkel op zonne-energie", "12,99"),
    ("Velours hocker Lotte, oudroze", "79,00"),
    ("Kattenkrabpaal Maxi 150 cm", "64,95"),
    ("Accuboormachine 18V incl. 2 accu's", "129,00"),
)


def _t_shop(p: _Page) -> str:
    r = p.rng
    mega: list[str] = []
    for top, groups in _MEGA.items():
        cols: list[str] = []
        for group in groups:
            head, _, items = group.partition(": ")
            links = "".join(
                f'<li><a href="/{_slug(top)}/{_slug(head)}/{_slug(x)}">{_text(x)}</a></li>'
                for x in items.split(", ")
            )
            cols.append(
                f'<div class="mega-menu__col"><a class="mega-menu__heading" '
                f'href="/{_slug(top)}/{_slug(head)}">{_text(head)}</a><ul>{links}'
                f'<li class="mega-menu__all"><a href="/{_slug(top)}/{_slug(head)}">Bekijk alles'
                f"</a></li></ul></div>"
            )
        mega.append(
            f'<li class="mega-menu__item"><a class="mega-menu__toplink" href="/{_slug(top)}">'
            f'{_text(top)}</a><div class="mega-menu__panel">{"".join(cols)}'
            f'<div class="mega-menu__promo"><img src="/static/img/mega/{_slug(top)}.jpg" '
            f'alt="" width="280" height="180" loading="lazy"><span>Nieuw: {_text(top)}collectie'
            f"</span></div></div></li>"
        )
    mega.append(
        '<li class="mega-menu__item mega-menu__item--sale"><a class="mega-menu__toplink" '
        'href="/outlet?utm_source=megamenu">Outlet</a></li>'
    )
    options = "\n".join(f'<option value="{_slug(t)}">{_text(t)}</option>' for t in _MEGA)
    service = _links_list(
        [(x, f"/klantenservice/{_slug(x)}") for x in _SHOP_SERVICE],
        li="service-menu__item",
    )
    tiles = "\n".join(
        f'<a class="promo-tile" href="/acties/{_slug(t)}?utm_source=cms&amp;utm_medium=tile'
        f'&amp;utm_campaign={_slug(t)}"><img src="/static/img/tiles/{_slug(t)}.jpg" alt="" '
        f'width="380" height="220" loading="lazy"><span class="promo-tile__label">{_text(t)}'
        "</span></a>"
        for t in ("Gratis verzending vanaf € 29", "Nieuw: tuincollectie", "Outlet tot -70%")
    )
    products = "\n".join(
        f'<li class="product-card"><a href="/p/{_slug(name)}-{r.randint(100000, 999999)}">'
        f'<img src="/media/catalog/{_hex(r, 8)}.jpg" alt="{_attr(name)}" width="200" '
        f'height="200" loading="lazy"><span class="product-card__name">{_text(name)}</span>'
        f'<span class="product-card__price">€ {price}</span></a></li>'
        for name, price in _SHOP_PRODUCTS
    )
    badges = "\n".join(
        f'<a href="https://{host}/?utm_source=huisenhobby&amp;utm_medium=badge"><img '
        f'src="/static/img/badges/{_slug(alt)}.svg" alt="{_attr(alt)}" width="96" height="48"></a>'
        for host, alt in (
            ("www.thuiswinkel.example", "Thuiswinkel Waarborg"),
            ("nl.trustpilot.example", "Trustpilot 4,7 uit 5"),
            ("www.webwinkelkeur.example", "WebwinkelKeur"),
        )
    )
    footer = "\n".join(
        f'<div class="site-footer__col"><h4>{_text(head)}</h4><ul>'
        + "".join(
            f'<li><a href="/{_slug(x)}?utm_source=footer&amp;utm_medium=link">{_text(x)}</a></li>'
            for x in items
        )
        + "</ul></div>"
        for head, items in _SHOP_FOOTER
    )
    payments = "\n".join(
        f'<img src="/static/img/payment/{_slug(x)}.svg" alt="{x}" width="48" height="32">'
        for x in ("iDEAL", "Bancontact", "Visa", "Mastercard", "PayPal", "Klarna", "Apple Pay")
    )
    gtm = "GTM-" + _b36(r, 7).upper()
    values = p.common() | {
        "mega": "\n".join(mega),
        "search_options": options,
        "service_menu": service,
        "tiles": tiles,
        "products": products,
        "badges": badges,
        "footer": footer,
        "payments": payments,
        "gtm": gtm,
        "gtm_js": _fill(_GTM, gtm=gtm),
        "ot": f"{_hex(r, 8)}-{_hex(r, 4)}-{_hex(r, 4)}-{_hex(r, 4)}-{_hex(r, 12)}",
        "promo": str(r.randint(1000, 9999)),
        "reviews": f"{r.randint(10, 99)}.{r.randint(100, 999)}",
        "wish": str(r.randint(0, 9)),
    }
    return _fill(_SHOP, **values)


# ---- legal-portal ------------------------------------------------------------------

_LEGAL = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} - Juridische informatie - Vitaal Zorgverzekeringen</title>
<meta name="robots" content="index, follow">
<link rel="stylesheet" href="https://static.vitaal.example/portal/css/portal.css?v={{build}}">
<link rel="stylesheet" href="https://static.vitaal.example/portal/css/print.css" media="print">
<script nonce="{{nonce}}">
window.utag_data = {"page_type": "juridisch", "page_name": "privacy", "klant_ingelogd": "nee"};
</script>
<script nonce="{{nonce}}" src="https://tags.tiqcdn.example/utag/vitaal/main/prod/utag.js"
  async></script>
</head>
<body class="legal-portal theme-vitaal">
<a href="#privacy" class="skiplink">Direct naar de inhoud</a>
{{consent}}
<div class="consent-backdrop" aria-hidden="true"></div>
<header class="portal-header">
  <div class="portal-header__top">
    <ul class="segment-switch">
      <li><a href="/particulier" aria-current="true">Particulier</a></li>
      <li><a href="/zakelijk">Zakelijk</a></li>
      <li><a href="/werkgevers">Werkgevers</a></li>
      <li><a href="/zorgverleners">Zorgverleners</a></li>
    </ul>
    <div class="portal-header__service"><a href="/contact">Contact</a> <a
      href="https://mijn.vitaal.example/inloggen?utm_source=portal&amp;utm_medium=header"
      class="button button--small">Inloggen Mijn Vitaal</a> <a
      href="/aanvragen/winkelwagen?sid={{sid}}">Winkelwagen ({{cart}})</a> <a
      href="/en/legal">English</a></div>
  </div>
  <div class="portal-header__main">
    <a href="/" class="portal-logo"><img src="https://static.vitaal.example/img/vitaal-logo.svg"
      alt="Vitaal Zorgverzekeringen" width="170" height="48"></a>
    <ul class="portal-nav">
      <li><a href="/zorgverzekering">Zorgverzekering</a></li>
      <li><a href="/vergoedingen">Vergoedingen</a></li>
      <li><a href="/zorg-vinden">Zorg vinden</a></li>
      <li><a href="/declareren">Declareren</a></li>
      <li><a href="/premie-berekenen?utm_source=nav&amp;utm_campaign=overstapseizoen">Premie
        berekenen</a></li>
    </ul>
    <form class="portal-search" action="/zoeken" method="get" role="search">
      <label for="portal-q" class="visually-hidden">Zoeken</label>
      <input id="portal-q" type="search" name="q" placeholder="Waar ben je naar op zoek?">
      <button type="submit">Zoeken</button>
    </form>
  </div>
</header>
<div class="portal-hero">
  <h1 class="portal-hero__title">Juridische informatie</h1>
  <p class="portal-hero__lead">Hier vind je alle documenten over hoe wij met jouw gegevens en
    jouw verzekering omgaan. Heb je een vraag? Onze <a href="/contact">klantenservice</a>
    helpt je graag.</p>
</div>
<div class="portal-tabs">
  <div class="tablist" role="tablist" aria-label="Juridische documenten">
    <a href="/juridisch/privacy" role="tab" id="tab-privacy" aria-controls="privacy"
      aria-selected="true" class="tab tab--active">Privacy</a> |
    <a href="/juridisch/cookies" role="tab" id="tab-cookies" aria-controls="cookies"
      aria-selected="false" class="tab">Cookies</a> |
    <a href="/juridisch/voorwaarden" role="tab" id="tab-voorwaarden" aria-controls="voorwaarden"
      aria-selected="false" class="tab">Voorwaarden</a>
  </div>
  <div class="tab-content">
    <section id="privacy" class="tab-pane active" role="tabpanel" aria-labelledby="tab-privacy">
      <div class="doc-meta">Versie 3.2 · geldig vanaf 1 januari {{year}} · <a
        href="/juridisch/privacy/archief">Eerdere versies</a></div>
      <div class="doc-body">
{{fragment}}
      </div>
      <div class="doc-actions"><a href="/juridisch/privacy.pdf?utm_source=portal&amp;utm_medium=pdf"
        >Download als pdf (<b>212 kB</b>)</a> · <a href="javascript:window.print()">Afdrukken</a>
      </div>
    </section>
    <section id="cookies" class="tab-pane" role="tabpanel" aria-labelledby="tab-cookies" hidden>
      <h2>Cookieverklaring Vitaal</h2>
      <p>Vitaal Zorgverzekeringen plaatst functionele cookies die nodig zijn om Mijn Vitaal veilig
        te laten werken. Analytische cookies plaatsen wij alleen met jouw toestemming.</p>
      <table class="cookie-table">
        <tr><th>Naam</th><th>Doel</th><th>Bewaartermijn</th></tr>
        <tr><td>vit_session</td><td>Ingelogd blijven in Mijn Vitaal</td><td>Sessie</td></tr>
        <tr><td>vit_consent</td><td>Jouw cookiekeuze onthouden</td><td>12 maanden</td></tr>
        <tr><td>_ga</td><td>Bezoekersstatistieken (Google Analytics)</td><td>2 jaar</td></tr>
      </table>
      <p>Je kunt cookies altijd verwijderen via de instellingen van je browser.</p>
    </section>
    <section id="voorwaarden" class="tab-pane" role="tabpanel"
      aria-labelledby="tab-voorwaarden" style="display:none">
      <h2>Algemene voorwaarden zorgverzekering {{year}}</h2>
      <h3>Artikel 1 Begripsomschrijvingen</h3>
      <p>In deze voorwaarden wordt verstaan onder verzekeringnemer: degene die de
        verzekeringsovereenkomst met Vitaal is aangegaan.</p>
      <h3>Artikel 2 Premiebetaling</h3>
      <p>De premie wordt maandelijks vooraf in rekening gebracht. Bij betaling per jaar
        ontvang je 2 procent korting.</p>
      <h3>Artikel 3 Opzegging</h3>
      <p>Je kunt de verzekering jaarlijks opzeggen per 1 januari. De opzegging moet uiterlijk
        31 december door ons zijn ontvangen.</p>
    </section>
  </div>
</div>
<div class="sticky-help"><img src="https://static.vitaal.example/img/fg-icon.svg" alt=""
  width="32" height="32"> <span>Vragen over privacy? Mail onze functionaris
  gegevensbescherming: <a href="mailto:fg@vitaal.example">fg@vitaal.example</a></span></div>
<footer class="portal-footer">
  <div class="portal-footer__cols">
{{footer}}
  </div>
  <div class="portal-footer__legal">
    <p>© 2009-{{year}} Vitaal Zorgverzekeringen N.V. · Postbus 1234, 2500 AA Den Haag ·
      KvK 27104455 · AFM-vergunning 12000123</p>
    <ol class="portal-footer__links">
      <li><a href="/disclaimer">Disclaimer</a></li>
      <li><a href="/toegankelijkheid">Toegankelijkheid</a></li>
      <li><a href="/responsible-disclosure">Responsible disclosure</a></li>
      <li><a href="/sitemap?utm_source=footer&amp;sid={{sid}}">Sitemap</a></li>
    </ol>
  </div>
</footer>
<script nonce="{{nonce}}">
document.querySelectorAll('[role=tab]').forEach(function (tab) {
  tab.addEventListener('click', function (event) {
    event.preventDefault();
    document.querySelectorAll('.tab-pane').forEach(function (pane) {
      pane.hidden = pane.id !== tab.getAttribute('aria-controls');
    });
  });
});
</script>
<noscript><img src="https://vitaal.sc.omtrdc.example/b/ss/vitaalprod/1/H.27--NS/0"
  height="1" width="1" border="0" alt=""></noscript>
</body>
</html>
"""

_LEGAL_CONSENT_DIALOG = """<dialog open class="consent-dialog" id="consent-{{cid}}"
  aria-labelledby="consent-title">
  <form method="dialog" class="consent-dialog__form">
    <input type="hidden" name="consent_nonce" value="{{csrf2}}">
    <h2 id="consent-title">Jouw privacy-instellingen</h2>
    <p>Wij en onze 143 partners gebruiken cookies en vergelijkbare technieken. Sommige zijn
      nodig om deze website te laten werken, andere helpen ons de website te verbeteren en
      advertenties af te stemmen op jouw interesses.</p>
    <details><summary>Meer opties</summary>
      <label><input type="checkbox" name="analytics"> Analytische cookies</label>
      <label><input type="checkbox" name="marketing"> Marketingcookies</label>
    </details>
    <button value="accept" class="button button--primary">Accepteren</button>
    <button value="reject" class="button">Weigeren</button>
    <button value="prefs" class="button button--link">Voorkeuren</button>
  </form>
</dialog>"""

_LEGAL_CONSENT_DIV = """<div role="dialog" aria-modal="true" aria-labelledby="consent-title"
  class="consent-modal consent-modal--sticky" id="consent-{{cid}}">
  <h2 id="consent-title">Jouw privacy-instellingen</h2>
  <p>Wij en onze 143 partners gebruiken cookies en vergelijkbare technieken. Sommige zijn nodig
    om deze website te laten werken, andere helpen ons de website te verbeteren en advertenties
    af te stemmen op jouw interesses.</p>
  <div class="consent-modal__buttons">
    <button type="button" class="button button--primary">Accepteren</button>
    <button type="button" class="button">Weigeren</button>
    <button type="button" class="button button--link">Voorkeuren</button>
  </div>
</div>"""

_LEGAL_FOOTER = (
    ("Verzekeringen", ("Basisverzekering", "Aanvullende verzekering", "Tandartsverzekering",
                       "Buitenland")),
    ("Service", ("Declareren", "Zorgpas aanvragen", "Adres wijzigen", "Klacht indienen")),
    ("Over Vitaal", ("Organisatie", "Werken bij", "Nieuws", "Jaarverslag")),
)  # fmt: skip


def _t_legal(p: _Page) -> str:
    values = p.common()
    dialog = _LEGAL_CONSENT_DIALOG if p.rng.random() < 0.5 else _LEGAL_CONSENT_DIV
    values["consent"] = _fill(dialog, cid=_hex(p.rng, 6), csrf2=values["csrf2"])
    values["footer"] = "\n".join(
        f'<div class="portal-footer__col"><h4>{_text(head)}</h4><ul>'
        + _links_list([(x, f"/{_slug(x)}?utm_source=footer") for x in items])
        + "</ul></div>"
        for head, items in _LEGAL_FOOTER
    )
    return _fill(_LEGAL, **values)


_TEMPLATE_FUNCS: dict[str, Callable[[_Page], str]] = {
    "bootstrap": _t_bootstrap,
    "wordpress": _t_wordpress,
    "table-layout": _t_table,
    "spa": _t_spa,
    "docs": _t_docs,
    "minimal": _t_minimal,
    "shop": _t_shop,
    "legal-portal": _t_legal,
}

TEMPLATES: tuple[str, ...] = tuple(_TEMPLATE_FUNCS)


def wrap(
    fragment: str,
    template: str,
    *,
    title: str = "Privacyverklaring",
    seed: int = 0,
    year: int = 2024,
) -> str:
    """A whole HTML page with the fragment as its main content, in one of TEMPLATES.

    ``seed`` varies what a real site varies between requests (nonces, build hashes,
    session ids, hashed class names, counters); ``year`` is the copyright year in the
    footer.  The fragment is inserted verbatim, except that "docs" and "bootstrap" give
    its headings ids (for their tables of contents) and "spa" renders its block elements
    as <div>s: its text is never changed.
    """
    func = _TEMPLATE_FUNCS.get(template)
    if func is None:
        raise ValueError(f"unknown template {template!r}; known: {', '.join(TEMPLATES)}")
    return _serialize(_parse(func(_Page(fragment, title, year, _rng("wrap", template, seed)))))
