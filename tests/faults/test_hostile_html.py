"""Hostile HTML through the real pipeline: served, checked, stored, diffed.

Every page here is one of the seed policies (``seeds/``) with something hostile
done to it: 10,000 levels of nesting, 100,000 list items, multi-megabyte
attributes, broken markup, scripts and styles inside the policy text.  A local
HTTP server serves it and ``run_checks`` checks it, as ``monitor check`` does;
then the stored version is read back from the database.

The oracle is the unharmed seed page: checked the same way, it gives the
policy's clauses (and every line of the seed text is in them).  A hostile page
must give the same clauses, plus whatever policy text the test added; or, when
the page no longer holds the policy, an anomaly and no new version.  Never a
crash, never a hang (each check runs under a generous time limit), never a
version holding markup, script or style text.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.bundled import seeds_dir
from monitor.config import load_config
from monitor.demo import load_seed_pages
from monitor.models import CheckOutcome
from monitor.pipeline import fetch_options, run_checks
from monitor.records import CheckResult
from monitor.store import Store
from monitor.text.canonical import fold, is_noise_text, visible_text
from monitor.text.markdown import parse_markdown

from ..conftest import WriteConfig, run_monitor

LIMIT = 60.0  # seconds for one check: generous, this guards against a hang, not for speed
N = 10_000  # levels of nesting

PCX = "pcextreme-privacy"  # div soup
CONTACT = "contactklantenservice-privacy"  # an HTML 4.01 table layout, windows-1252
DID = "didvirtualnumbers-privacy"  # <article>
HOST = "host-tracker-privacy"  # <main>, with scraping noise ("li>", "< div class=...")
ZOO = "zooplus-klantenservice-privacy"  # role=main

_MANIFEST = {e["name"]: e for e in json.loads((seeds_dir() / "policies.json").read_text("utf-8"))}
_PAGES = {page.name: page for page in load_seed_pages()}
# Text that must never reach a stored version: the hostile pages put it in
# scripts, styles, attributes, comments and templates.
_JUNK = re.compile(
    r"KWAADAARDIG|alert\(|javascript|onerror|onclick|document\.|function\s*\(|</?[a-z]+[\s>]|"
    r"\{\s*\"@|color\s*:",
    re.IGNORECASE,
)


def charset(name: str) -> str:
    return str(_MANIFEST[name].get("encoding") or "utf-8")


def seed_html(name: str) -> str:
    return _PAGES[name].body.decode(charset(name))


def once(html: str, old: str, new: str) -> str:
    """``html`` with its one occurrence of ``old`` replaced (a missing anchor fails the test)."""
    assert html.count(old) == 1, f"{old[:60]!r} occurs {html.count(old)} times"
    return html.replace(old, new)


def policy_part(html: str, start: str, end: str) -> tuple[str, str, str]:
    """``html`` split around the part from ``start`` up to (not including) ``end``."""
    i = html.index(start)
    j = html.index(end, i)
    return html[:i], html[i:j], html[j:]


@dataclass(frozen=True)
class Checked:
    result: CheckResult
    text: str  # the latest stored version's canonical text ("" when none)
    versions: int  # how many versions are stored

    @property
    def clauses(self) -> list[str]:
        return [block.text for block in parse_markdown(self.text)]


class Site:
    """Serves pages at ``/<name>`` from a real local server and checks them with the pipeline."""

    def __init__(self, server: HTTPServer, write_config: Callable[..., Path]) -> None:
        self.server = server
        self.write_config = write_config
        self.bodies: dict[str, tuple[bytes, str]] = {}
        self.config: Path | None = None  # the config file of the last check

    def serve(self, name: str, html: str, *, encoding: str = "utf-8") -> None:
        if name not in self.bodies:
            self.server.expect_request(f"/{name}").respond_with_handler(self._respond(name))
        self.bodies[name] = (html.encode(encoding), f"text/html; charset={encoding}")

    def _respond(self, name: str) -> Callable[[Request], Response]:
        def respond(request: Request) -> Response:
            body, content_type = self.bodies[name]
            return Response(body, content_type=content_type)

        return respond

    def check(self, name: str) -> Checked:
        """One check of ``name``, as ``monitor check NAME`` runs it, within :data:`LIMIT`."""
        self.config = self.write_config({n: self.server.url_for(f"/{n}") for n in self.bodies})
        config = load_config(self.config)
        options = fetch_options(config, backoff=0.01)
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["results"] = run_checks(config, [name], options=options)
            except BaseException as exc:  # re-raised below, in the test's thread
                box["error"] = exc

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(LIMIT)
        assert not worker.is_alive(), f"the check of {name} did not finish in {LIMIT:.0f} s"
        if "error" in box:
            raise box["error"]
        (result,) = box["results"]
        with Store.open(config.monitor.database) as store:
            versions = store.versions(name)
        return Checked(result, versions[-1].text if versions else "", len(versions))


@pytest.fixture
def site(httpserver: HTTPServer, write_config: WriteConfig) -> Site:
    return Site(httpserver, write_config)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], list[str]]]:
    """The clauses a check of the unharmed seed page stores (each page checked once)."""
    found: dict[str, list[str]] = {}

    with HTTPServer() as server:

        def clauses(name: str) -> list[str]:
            if name not in found:
                root = tmp_path_factory.mktemp(name)
                site = Site(server, lambda policies: _write_config(root, policies))
                site.serve(name, seed_html(name), encoding=charset(name))
                checked = site.check(name)
                assert checked.result.outcome is CheckOutcome.NEW_VERSION, checked.result.error
                _assert_seed_text(name, checked.text)
                found[name] = checked.clauses
            return found[name]

        yield clauses


def _write_config(root: Path, policies: dict[str, str]) -> Path:
    lines = ["[monitor]", "allow_private_networks = true", ""]
    for name, url in policies.items():
        lines += ["[[policy]]", f'name = "{name}"', f'url = "{url}"', ""]
    path = root / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@cache
def seed_lines(name: str) -> tuple[str, ...]:
    """The seed text's lines as a reader sees them (README: every one is on the page)."""
    text = (seeds_dir() / _MANIFEST[name]["text"]).read_text("utf-8")
    lines = (fold(line.strip().lstrip("•")) for line in text.splitlines())
    return tuple(line for line in lines if line and not is_noise_text(line))


def _assert_seed_text(name: str, text: str) -> None:
    readable = fold(visible_text(text).replace("\\", ""))
    missing = [line for line in seed_lines(name) if line not in readable]
    assert not missing, f"{name}: seed lines not in the version: {missing[:3]}"


def assert_version(checked: Checked, expected: list[str]) -> None:
    """A new version whose clauses are exactly ``expected`` and hold no junk."""
    assert checked.result.outcome is CheckOutcome.NEW_VERSION, checked.result.error
    assert checked.clauses == expected
    junk = _JUNK.search(checked.text)
    assert junk is None, (
        f"junk in the version: {checked.text[junk.start() - 60 : junk.end() + 60]!r}"
    )


# -- deep nesting -------------------------------------------------------------------------------


def beyond_libxml2(html: str) -> bool:
    """Whether the page nests deeper than libxml2 parses (it stops at 2,048 levels)."""
    parser = etree.HTMLParser(recover=True, huge_tree=True)
    etree.fromstring(html, parser)
    return any("depth" in entry.message for entry in parser.error_log)


def _nest_divs(html: str) -> str:
    # three sections of the policy 10,000 divs deep, the rest around them
    before, part, after = policy_part(html, "<h3>Contact(formulier)", "<h3>Websites van derden")
    return before + "<div>" * N + part + "</div>" * N + after


def _nest_divs_unclosed(html: str) -> str:
    # ... and never closed: the rest of the page (chrome too) lies 10,000 deep
    before, part, after = policy_part(html, "<h3>Contact(formulier)", "<h3>Websites van derden")
    return before + '<div class="wp-block-group">' * N + part + after


def _nest_spans(html: str) -> str:
    sentence = "Voor iedere dienst die je afneemt moet je je eerst registreren."
    return once(html, sentence, "<span>" * N + sentence + "</span>" * N)


def _nest_lists(html: str) -> str:
    p = re.search(r"<p>(We nemen beveiligingsmaatregelen[^<]*)</p>", html)
    assert p is not None
    return once(html, p.group(0), "<ul><li>" * N + p.group(1) + "</li></ul>" * N)


def _nest_tables(html: str) -> str:
    p = re.search(r"<p>(Deze verklaring is niet van toepassing[^<]*)</p>", html)
    assert p is not None
    nested = "<table><tr><td>" * N + p.group(1) + "</td></tr></table>" * N
    return once(html, p.group(0), nested)


def _nest_article(html: str) -> str:
    # the whole article body inside 10,000 sections, with a cookie banner and a script
    # at the bottom (furniture that the deep nesting must not turn into policy text)
    start = html.index(">", html.index("<article")) + 1
    end = html.index("</article>")
    hostile = (
        '<div class="cookie-banner">Wij gebruiken cookies. KWAADAARDIG</div>'
        "<script>document.write('KWAADAARDIG')</script><div hidden>KWAADAARDIG</div>"
    )
    return (
        html[:start] + "<section>" * N + html[start:end] + hostile + "</section>" * N + html[end:]
    )


def _nest_table_layout(html: str) -> str:
    # the table layout's policy cell, 10,000 tables deeper
    start = html.index(">", html.index('<td class="policy"')) + 1
    end = html.index("</td>", start)
    nested = "<table><tr><td>" * N + html[start:end] + "</td></tr></table>" * N
    return html[:start] + nested + html[end:]


@pytest.mark.parametrize(
    ("name", "harm"),
    [
        (PCX, _nest_divs),
        (PCX, _nest_divs_unclosed),
        (PCX, _nest_spans),
        (PCX, _nest_lists),
        (PCX, _nest_tables),
        (DID, _nest_article),
        (CONTACT, _nest_table_layout),
    ],
    ids=["divs", "divs-unclosed", "span-in-p", "lists", "tables", "article", "table-layout"],
)
def test_deeply_nested_policy_text_is_found(
    site: Site, clean: Callable[[str], list[str]], name: str, harm: Callable[[str], str]
) -> None:
    html = harm(seed_html(name))
    assert beyond_libxml2(html)
    site.serve(name, html, encoding=charset(name))
    checked = site.check(name)
    assert_version(checked, clean(name))


def test_nesting_that_cannot_be_flattened_is_an_anomaly(site: Site) -> None:
    # Headings inside headings, 10,000 deep in the middle of the policy: libxml2 stops
    # at 2,048 levels and drops the rest of the page, so reading on would store half a
    # policy. The check says so instead, and stores nothing.
    html = once(
        seed_html(PCX),
        "<h3>Registreren</h3>",
        "<h4>" * N + "Registreren" + "</h4>" * N + "<h3>Registreren</h3>",
    )
    assert beyond_libxml2(html)
    site.serve(PCX, html)
    checked = site.check(PCX)
    assert checked.result.outcome is CheckOutcome.ANOMALY
    assert "nests elements too deeply" in (checked.result.error or ""), checked.result.error
    assert checked.versions == 0


# -- 100,000 list items -------------------------------------------------------------------------


def test_a_hundred_thousand_list_items(site: Site, clean: Callable[[str], list[str]]) -> None:
    items = [f"Bestelling {i:06d}: naam, factuuradres en betalingsgegevens" for i in range(100_000)]
    html = once(
        seed_html(PCX),
        "<li>IP adres waar vanaf de registratie of bestelling is uitgevoerd</li>",
        "<li>IP adres waar vanaf de registratie of bestelling is uitgevoerd</li>"
        + "".join(f"<li>{item}</li>\n" for item in items),
    )
    assert 5_000_000 < len(html) < 10_000_000  # the default max_bytes
    site.serve(PCX, html)
    checked = site.check(PCX)
    expected = clean(PCX)
    at = expected.index("IP adres waar vanaf de registratie of bestelling is uitgevoerd") + 1
    assert_version(checked, expected[:at] + items + expected[at:])


# -- huge attributes ----------------------------------------------------------------------------

_FIRST = "<p>Via onze online systemen worden persoonsgegevens verwerkt."
_CONTACT_LINK = '<a href="/contact">contactformulier</a>'


def _huge_title(html: str) -> str:
    return once(html, _FIRST, f'<p title="{"Let op: " * 700_000}">' + _FIRST[3:])


def _huge_href(html: str) -> str:
    # a five-megabyte address: no browser follows it, so it is no link (the label stays)
    href = "https://www.pcextreme.example/contact?ref=" + "a1b2c3d4" * 650_000
    return once(html, _CONTACT_LINK, f'<a href="{href}">contactformulier</a>')


def _huge_query(html: str) -> str:
    href = "https://www.pcextreme.example/contact?" + "&".join(f"v{i}=x" for i in range(400_000))
    return once(html, _CONTACT_LINK, f'<a href="{href}">contactformulier</a>')


def _thousand_attributes(html: str) -> str:
    attributes = " ".join(f'data-veld-{i}="waarde {i}"' for i in range(1000))
    html = once(html, _FIRST, f"<p {attributes}>" + _FIRST[3:])
    return once(html, '<div class="text-block">', f'<div class="text-block" {attributes}>')


def _huge_class(html: str) -> str:
    # one class name of megabytes on the policy's container, and one of many names
    html = once(
        html, '<div class="text-block">', f'<div class="text-block {"wp-block-" * 400_000}">'
    )
    names = " ".join(f"mt-{i} sm:px-{i}" for i in range(150_000))
    return once(html, _FIRST, f'<p class="{names}" id="{"-" * 1_000_000}">' + _FIRST[3:])


@pytest.mark.parametrize(
    "harm",
    [_huge_title, _huge_href, _huge_query, _thousand_attributes, _huge_class],
    ids=["title", "href", "query", "thousand", "class"],
)
def test_huge_attributes(
    site: Site, clean: Callable[[str], list[str]], harm: Callable[[str], str]
) -> None:
    html = harm(seed_html(PCX))
    assert len(html) > len(seed_html(PCX)) + 20_000
    site.serve(PCX, html)
    assert_version(site.check(PCX), clean(PCX))


# -- malformed and unclosed markup --------------------------------------------------------------


def _text_block(html: str, harm: Callable[[str], str]) -> str:
    """``harm`` done to the pcextreme policy (its ``text-block``), not to the page's chrome."""
    before, part, after = policy_part(
        html, '<div class="text-block">', '<div class="share-buttons">'
    )
    return before + harm(part) + after


def _unclosed_p(html: str) -> str:
    return _text_block(html, lambda part: part.replace("</p>", ""))


def _unclosed_li(html: str) -> str:
    return _text_block(html, lambda part: part.replace("</li>", ""))


def _stray_end_tags(html: str) -> str:
    # every paragraph followed by end tags of elements that are not open
    return _text_block(html, lambda part: part.replace("</p>", "</p></div></span></td></li>"))


def _unquoted_attributes(html: str) -> str:
    return re.sub(r'(\s[\w-]+)="([\w./:#-]*)"', r"\1=\2", html)


def _comment_never_closed(html: str) -> str:
    # after the last paragraph: the rest of the page (all chrome) is a comment
    return once(html, "contact met ons opnemen</a>.</p>", "contact met ons opnemen</a>.</p><!-- ")


def _cdata(html: str) -> str:
    html = once(
        html,
        "verwerkt. We achten",
        "verwerkt. <![CDATA[ KWAADAARDIG: nog laten nakijken door juristen ]]>We achten",
    )
    return once(
        html,
        "<h3>Beveiliging</h3>",
        "<script>//<![CDATA[\nKWAADAARDIG(']]>');\n//]]></script><h3>Beveiliging</h3>",
    )


def _table_cells_unclosed(html: str) -> str:
    return re.sub(r"</(td|tr|th)>", "", html)


def _truncated_after_policy(html: str) -> str:
    # the page ends inside a tag, right after the policy
    return html[: html.index('<div class="share-buttons">') + len("<div cla")]


@pytest.mark.parametrize(
    ("name", "harm"),
    [
        (PCX, _unclosed_p),
        (HOST, lambda html: html.replace("</p>", "")),
        (PCX, _unclosed_li),
        (PCX, _stray_end_tags),
        (PCX, _unquoted_attributes),
        (ZOO, _unquoted_attributes),
        (PCX, _comment_never_closed),
        (PCX, _cdata),
        (CONTACT, _table_cells_unclosed),
        (PCX, _truncated_after_policy),
    ],
    ids=[
        "unclosed-p",
        "unclosed-p-everywhere",
        "unclosed-li",
        "stray-end-tags",
        "unquoted-attributes",
        "unquoted-attributes-role-main",
        "comment-never-closed",
        "cdata",
        "unclosed-table-cells",
        "truncated-mid-tag",
    ],
)
def test_malformed_markup_keeps_the_policy(
    site: Site, clean: Callable[[str], list[str]], name: str, harm: Callable[[str], str]
) -> None:
    html = harm(seed_html(name))
    assert html != seed_html(name)
    site.serve(name, html, encoding=charset(name))
    assert_version(site.check(name), clean(name))


def test_unclosed_table_in_the_policy(site: Site, clean: Callable[[str], list[str]]) -> None:
    # a cookie table that is never closed: the rest of the policy lands in its last cell
    # (as in a browser); every clause is still there, in order, and the cells' text too
    cells = [
        "Cookie", "Doel", "Bewaartermijn",
        "_ga", "Statistieken over het gebruik van de website", "2 jaar",
        "sessie", "Inloggen in het controlepaneel", "tot het einde van de sessie",
    ]  # fmt: skip
    table = "<table class='cookies'>" + "".join(
        "<tr>" + "".join(f"<td>{cell}" for cell in cells[i : i + 3]) for i in range(0, 9, 3)
    )
    html = once(seed_html(PCX), "<h3>Beveiliging</h3>", table + "<h3>Beveiliging</h3>")
    site.serve(PCX, html)
    checked = site.check(PCX)
    assert checked.result.outcome is CheckOutcome.NEW_VERSION
    assert _JUNK.search(checked.text) is None
    clauses = iter(checked.clauses)
    assert all(any(c == want for c in clauses) for want in clean(PCX)), "a clause is lost"
    readable = visible_text(checked.text)
    assert all(cell in readable for cell in cells)


@pytest.mark.parametrize(
    "harm",
    [
        lambda html: once(html, "<em>Wet Bescherming", "<em>Wet Bescherming<!-- "),
        lambda html: html[: html.index("<em>Wet Bescherming") + 2],
    ],
    ids=["comment-never-closed", "truncated-mid-tag"],
)
def test_a_page_cut_short_is_an_anomaly(
    site: Site, clean: Callable[[str], list[str]], harm: Callable[[str], str]
) -> None:
    # after a full version, a page whose policy stops in its second paragraph (an
    # unclosed comment hides the rest; the body ends inside a tag) is no new version
    site.serve(PCX, seed_html(PCX))
    first = site.check(PCX)
    assert first.result.outcome is CheckOutcome.NEW_VERSION and first.clauses == clean(PCX)
    site.serve(PCX, harm(seed_html(PCX)))
    cut = site.check(PCX)
    assert cut.result.outcome is CheckOutcome.ANOMALY
    assert "truncated" in (cut.result.error or ""), cut.result.error
    assert cut.versions == 1 and cut.text == first.text


# -- scripts and styles inside the policy text --------------------------------------------------

_MID = "verwerkt. We achten"  # between two sentences of the first paragraph


def _in_sentence(snippet: str) -> Callable[[str], str]:
    return lambda html: once(html, _MID, f"verwerkt. {snippet}We achten")


def _between_blocks(snippet: str) -> Callable[[str], str]:
    return lambda html: once(html, "<h3>Beveiliging</h3>", f"{snippet}<h3>Beveiliging</h3>")


def _event_handlers(html: str) -> str:
    html = once(
        html, _FIRST, f"<p onclick=\"alert('KWAADAARDIG')\" onmouseover=alert(1)>{_FIRST[3:]}"
    )
    html = once(html, "<h3>Beveiliging</h3>", '<h3 onfocus="document.cookie">Beveiliging</h3>')
    return once(html, _MID, "verwerkt. <img src=x onerror=\"alert('KWAADAARDIG')\">We achten")


def _javascript_links(html: str) -> str:
    html = once(
        html, _CONTACT_LINK, "<a href=\"javascript:alert('KWAADAARDIG')\">contactformulier</a>"
    )
    html = once(
        html,
        '<a href="/contact">contact met ons opnemen</a>',
        '<a href=" JaVaScRiPt:void(0)" onclick="document.location=1">contact met ons opnemen</a>',
    )
    return once(
        html,
        '<a href="/ssl-certificaten">SSL certificaat</a>',
        "<a href=\"jav&#x09;ascript:alert('KWAADAARDIG')\">SSL certificaat</a>",
    )


@pytest.mark.parametrize(
    "harm",
    [
        _in_sentence(
            "<script>document.write('KWAADAARDIG'); function f() { return 1 < 2; }</script>"
        ),
        _in_sentence('<script>var end = "<\\/script>"; alert("KWAADAARDIG");</script>'),
        _in_sentence(
            "<script>document.write('<scr' + 'ipt>alert(1)</scr' + 'ipt>KWAADAARDIG');</script>"
        ),
        _in_sentence(
            "<script><!-- document.write('<script>alert(1)</script>'); KWAADAARDIG(); --></script>"
        ),
        _in_sentence("<style>p::after { content: 'KWAADAARDIG'; color: red }</style>"),
        _in_sentence("<noscript><p>Schakel JavaScript in. KWAADAARDIG</p><img src=x></noscript>"),
        _in_sentence("<svg><script>alert('KWAADAARDIG')</script><text>KWAADAARDIG</text></svg>"),
        _between_blocks("<template><p>Sjabloon KWAADAARDIG {{ name }}</p></template>"),
        _between_blocks(
            '<script type="application/ld+json">{"@context": "https://schema.org", '
            '"@type": "WebPage", "name": "KWAADAARDIG </p><p>"}</script>'
        ),
        _between_blocks('<script type="text/x-template"><p>KWAADAARDIG</p></script>'),
        _event_handlers,
        _javascript_links,
    ],
    ids=[
        "inline-script",
        "escaped-end-tag-in-string",
        "split-end-tag-in-string",
        "double-escaped-script",
        "inline-style",
        "noscript",
        "svg-script",
        "template",
        "json-ld",
        "script-template",
        "event-handlers",
        "javascript-links",
    ],
)
def test_scripts_and_styles_never_reach_a_clause(
    site: Site, clean: Callable[[str], list[str]], harm: Callable[[str], str]
) -> None:
    html = harm(seed_html(PCX))
    assert re.search("KWAADAARDIG|javascript|alert", html, re.IGNORECASE)
    site.serve(PCX, html)
    assert_version(site.check(PCX), clean(PCX))


def test_scripts_and_hidden_text_deep_in_the_nesting(
    site: Site, clean: Callable[[str], list[str]]
) -> None:
    # beyond libxml2's depth the page is re-read by a simpler parser: scripts, styles,
    # hidden elements and furniture deep inside must still be dropped
    hostile = (
        "<script>document.write('KWAADAARDIG')</script><style>p { color: red }</style>"
        "<div style='display:none'>KWAADAARDIG</div><p aria-hidden=true>KWAADAARDIG</p>"
        "<div class='share-buttons'><a href='https://x.example/'>Deel KWAADAARDIG</a></div>"
    )
    html = once(
        seed_html(PCX), "<h3>Beveiliging</h3>", "<div>" * N + hostile + "<h3>Beveiliging</h3>"
    )
    assert beyond_libxml2(html)
    site.serve(PCX, html)
    assert_version(site.check(PCX), clean(PCX))


# -- hostile policy text in the HTML diff -------------------------------------------------------

_REPORT_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "section", "h1",
    "h4", "p", "span", "strong", "table", "tr", "th", "td", "ul", "li", "div", "del", "ins",
}  # fmt: skip
_REPORT_ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "class"}


def test_hostile_policy_text_is_inert_in_the_html_diff(site: Site) -> None:
    # Policy text that reads as markup (escaped in the page, so it is text) and links
    # with hostile targets, stored by two checks, then rendered by `monitor diff --format html`.
    img = "<img src=x onerror=alert(1)>"
    breakout = "</style><script>alert(2)</script>"
    title = "</title><script>alert(3)</script>"
    html = seed_html(PCX)
    changed = once(
        html,
        "verwerkt. We achten",
        f"verwerkt. Wij delen ze met {escape(img)} partners. We achten",
    )
    changed = once(changed, "<h3>Beveiliging</h3>", f"<h3>Beveiliging {escape(title)}</h3>")
    changed = once(
        changed,
        "<h3>Websites van derden</h3>",
        f"<p>{escape(breakout)} Wij bewaren je gegevens voortaan tien jaar.</p>"
        "<h3>Websites van derden</h3>",
    )
    changed = once(
        changed,
        _CONTACT_LINK,
        '<a href="javascript:alert(4)">contactformulier</a> of de '
        '<a href="https://evil.example/&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;">'
        "klachtenpagina</a>",
    )
    changed = once(
        changed,
        '<a href="/contact">contact met ons opnemen</a>',
        "<a href='mailto:privacy\"><img src=x onerror=alert(6)>@pcextreme.example'>"
        "contact met ons opnemen</a>",
    )
    site.serve(PCX, html)
    assert site.check(PCX).result.outcome is CheckOutcome.NEW_VERSION
    site.serve(PCX, changed)
    second = site.check(PCX)
    assert second.result.outcome is CheckOutcome.NEW_VERSION and second.versions == 2
    stored = visible_text(second.text)
    assert img in stored and breakout in stored and title in stored  # the text is kept as text
    # link targets are kept percent-encoded, as a browser would follow them, never as markup
    assert "(https://evil.example/%22%3E%3Cscript%3Ealert(5)%3C/script%3E)" in second.text
    assert "(mailto:privacy%22%3E%3Cimg%20src=x%20onerror=alert(6)%3E@pcextreme.example)" in (
        second.text
    )
    assert "alert(5)<" not in second.text and "alert(6)>" not in second.text

    assert site.config is not None
    diff = run_monitor("--config", str(site.config), "diff", PCX, "--format", "html")
    assert diff.returncode in (0, 1) and not diff.stderr, diff.stderr
    report = diff.stdout
    assert report.startswith("<!DOCTYPE html>") and "default-src 'none'" in report
    assert "<script" not in report.lower() and "<img" not in report.lower()
    assert escape(img, quote=False) in report and escape(breakout, quote=False) in report
    doc = etree.fromstring(report, etree.HTMLParser())
    elements = list(doc.iter(etree.Element))
    assert {el.tag for el in elements} <= _REPORT_TAGS
    attributes = {name for el in elements for name in el.attrib}
    assert attributes <= _REPORT_ATTRIBUTES, attributes - _REPORT_ATTRIBUTES
    (style,) = doc.iter("style")
    assert "alert" not in (style.text or "") and "script" not in (style.text or "")
    (head_title,) = doc.iter("title")
    assert "alert" not in (head_title.text or "")
    shown = "".join(doc.find("body").itertext())
    # the hostile text is on the page, as text: every change it was in is shown
    assert img in shown and breakout in shown and title in shown
    assert "klachtenpagina" in shown and "javascript:" not in shown
