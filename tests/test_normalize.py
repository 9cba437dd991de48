"""Normalise: canonical Markdown blocks from HTML, PDF, Markdown and text."""

from __future__ import annotations

import json
import os
import time
import uuid
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.bundled import seeds_dir
from monitor.models import Block
from monitor.text.canonical import clean_url, decode_cfemail, detect_language, fold, visible_text
from monitor.text.formats import detect_format
from monitor.text.markdown import parse_markdown, render_markdown
from monitor.text.normalize import normalize
from monitor.text.segment import segment

from .pdfs import make_pdf

GOLDEN = Path(__file__).parent / "golden"
SEEDS = json.loads((seeds_dir() / "policies.json").read_text("utf-8"))


def page(body: str, head: str = "") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


def blocks(body: str | bytes, **kwargs: object) -> list[tuple[str, str]]:
    raw = page(body) if isinstance(body, str) else body
    return [(b.kind, b.text) for b in normalize(raw, content_type="text/html", **kwargs).blocks]  # type: ignore[arg-type]


def clause_listing(raw: bytes) -> str:
    lines = []
    for clause in segment(normalize(raw, content_type="text/html")):
        trail = " > ".join(clause.section)
        lines.append(f"[{trail}] {clause.kind}: {clause.text}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("entry", SEEDS, ids=[e["name"] for e in SEEDS])
def test_seed_pages_match_their_golden_clause_lists(entry: dict[str, str]) -> None:
    """The golden files were reviewed by eye; regenerate with UPDATE_GOLDEN=1."""
    raw = (seeds_dir() / entry["page"]).read_bytes()
    listing = clause_listing(raw)
    golden = GOLDEN / f"{entry['name']}.clauses.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(listing, encoding="utf-8")
    assert listing == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", SEEDS, ids=[e["name"] for e in SEEDS])
def test_seed_pages_keep_the_policy_and_drop_the_chrome(entry: dict[str, str]) -> None:
    raw = (seeds_dir() / entry["page"]).read_bytes()
    document = normalize(raw, content_type="text/html")
    text = visible_text(document.text)
    seed = (seeds_dir() / entry["text"]).read_text("utf-8")
    long_lines = [fold(x).lstrip("• ") for x in seed.splitlines() if len(x.strip()) > 60]
    assert long_lines and all(line in text for line in long_lines)
    for chrome in ("Accepteren", "Weigeren", "Winkelwagen", "utm_", "Loading", "©", "nonce"):
        assert chrome not in document.text, chrome
    assert document.language == "nl"
    assert document.title


@pytest.mark.parametrize("entry", SEEDS, ids=[e["name"] for e in SEEDS])
def test_normalising_twice_changes_nothing(entry: dict[str, str]) -> None:
    raw = (seeds_dir() / entry["page"]).read_bytes()
    first = normalize(raw, content_type="text/html")
    again = normalize(first.text, content_type="text/markdown")
    assert again.text == first.text
    assert again.blocks == first.blocks
    assert normalize(raw, content_type="text/html").text == first.text  # deterministic


_words = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=("Lu", "Ll", "Nd", "Zs", "Po", "Pd", "Ps", "Pe", "Sm", "Sc"),
    ),
    min_size=1,
    max_size=60,
)
_block = st.tuples(
    st.sampled_from(["heading", "paragraph", "item", "row"]), _words, st.integers(1, 6)
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_block, min_size=1, max_size=12))
def test_markdown_round_trip_and_idempotence(specs: list[tuple[str, str, int]]) -> None:
    items = [Block(k, fold(t), lvl if k == "heading" else 0) for k, t, lvl in specs]
    items = [b for b in items if b.text and (b.kind != "row" or "|" not in b.text)]
    markdown = render_markdown(items)
    parsed = parse_markdown(markdown)
    assert render_markdown(parsed) == markdown or not items
    assert render_markdown(parse_markdown(render_markdown(parsed))) == render_markdown(parsed)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(["p", "li", "h2", "h3", "td"]), _words), min_size=1, max_size=10
    )
)
def test_every_clause_appears_in_the_source_and_html_is_idempotent(
    parts: list[tuple[str, str]],
) -> None:
    import html as htmlmod

    body = ""
    for tag, text in parts:
        escaped = htmlmod.escape(text)
        body += {
            "li": f"<ul><li>{escaped}</li></ul>",
            "td": f"<table><tr><td>{escaped}</td></tr></table>",
        }.get(tag, f"<{tag}>{escaped}</{tag}>")
    raw = page(f"<main>{body}</main>")
    document = normalize(raw, content_type="text/html")
    source = fold(" ".join(text for _, text in parts))
    for clause in segment(document):
        assert fold(visible_text(clause.text)) in source or all(
            word in source for word in clause.text.split()
        )
    assert normalize(document.text, content_type="text/markdown").text == document.text


# -- what is kept, what is dropped ------------------------------------------


def test_structure_is_kept() -> None:
    got = blocks(
        "<main><h1>Privacy</h1><p>Intro <em>tekst</em>.</p><h2>1. Gegevens</h2>"
        "<ul><li>Naam</li><li>E-mailadres</li></ul>"
        "<table><tr><th>Doel</th><th>Termijn</th></tr><tr><td>Facturen</td><td>7 jaar</td></tr></table>"
        "<h3>1.1 Details</h3><p>Meer.</p></main>"
    )
    assert got == [
        ("heading", "Privacy"), ("paragraph", "Intro tekst."), ("heading", "1. Gegevens"),
        ("item", "Naam"), ("item", "E-mailadres"), ("row", "Doel | Termijn"),
        ("row", "Facturen | 7 jaar"), ("heading", "1.1 Details"), ("paragraph", "Meer."),
    ]  # fmt: skip
    markdown = normalize(page("<main><h2>A</h2><p>b</p><ol><li>c</li></ol></main>")).text
    assert markdown == "## A\n\nb\n\n- c\n"


def test_markup_variants_give_the_same_blocks() -> None:
    a = blocks("<main><p><b>Let op</b> wij <i>delen</i> niets.</p><ul><li>x</li></ul></main>")
    b = blocks(
        "<main><p><strong>Let op</strong> wij <em>delen</em>   niets.</p><ol><li>x</li></ol></main>"
    )
    c = blocks(
        '<main  class="x" id="y"><p\n>\n<strong>Let op</strong>\twij <em>delen</em>\nniets.</p><ol start="3"><li>x</li></ol></main>'
    )
    assert a == b == c


def test_chrome_is_dropped() -> None:
    got = blocks(
        '<header><nav><a href="/">Home</a></nav></header>'
        '<div class="cookie-banner">Wij gebruiken cookies. <button>Accepteren</button></div>'
        "<main><h1>Privacy</h1><p>Wij bewaren je gegevens 12 maanden.</p>"
        '<div class="share-buttons">Deel dit artikel</div>'
        '<p style="display:none">verborgen</p><p hidden>ook verborgen</p>'
        '<div aria-hidden="true">icoon</div><p>Loading...</p>'
        "<script>var x = 'tekst in script';</script><noscript><img src=x></noscript>"
        "<form><input value=abc><button>Verstuur</button></form></main>"
        "<aside>Gerelateerd</aside><footer>© 2009-2024 Bedrijf</footer>"
    )
    assert got == [("heading", "Privacy"), ("paragraph", "Wij bewaren je gegevens 12 maanden.")]


def test_densest_block_without_semantic_markup() -> None:
    nav = "".join(f'<a href="/c{i}">Categorie {i}</a> ' for i in range(60))
    policy = "".join(
        f"<p>Artikel {i}: wij verwerken persoonsgegevens zorgvuldig en veilig.</p>"
        for i in range(12)
    )
    got = blocks(
        f'<div class="top">{nav}</div><div class="wrap"><div class="col"><h1>Privacyverklaring</h1>'
        f'{policy}</div><div class="side">Bel ons: 010 123 4567</div></div>'
        '<div class="bottom">KvK 12345678 · Straat 1, Utrecht</div>'
    )
    assert got[0] == ("heading", "Privacyverklaring")
    assert len(got) == 13 and all("Categorie" not in t and "KvK" not in t for _, t in got)


def test_text_is_folded() -> None:
    got = blocks(
        "<main><p>Wij\u00a0verwerken\u200b per\u00adsoonsgegevens \u201cnooit\u201d \u2018zomaar\u2019"
        "\u202fen\tniet\n  meer.</p></main>"
    )
    assert got == [("paragraph", "Wij verwerken persoonsgegevens \"nooit\" 'zomaar' en niet meer.")]
    assert fold("Cafe\u0301") == "Caf\u00e9"  # NFC


def test_links_are_kept_without_tracking_parameters() -> None:
    got = blocks(
        '<main><p>Zie <a href="https://www.example.nl/opt-out?utm_source=x&amp;fbclid=y&amp;lang=nl#top">'
        'deze pagina</a> of mail <a href="mailto:privacy@example.nl">privacy@example.nl</a> '
        'of <a href="/intern">intern</a>.</p></main>'
    )
    assert got == [
        (
            "paragraph",
            "Zie [deze pagina](https://www.example.nl/opt-out?lang=nl) of mail "
            "privacy@example.nl of intern.",
        )
    ]
    assert clean_url("https://x.nl/p?gclid=1&sid=2&session=3&id=4&_ga=5") == "https://x.nl/p?id=4"


def test_a_uuid_in_a_link_is_the_same_from_one_fetch_to_the_next() -> None:
    token = "https://claude.ai/redirect/website.v1.{}/settings?state={}"
    first = clean_url(token.format("6bcffbef-80f2-4767-9dbc-ec93c0e83312", uuid.uuid4()))
    again = clean_url(token.format("6E5618B4-EE5B-450F-AB59-492204EA87CC", uuid.uuid4()))
    assert first == again
    assert first == (
        "https://claude.ai/redirect/website.v1.00000000-0000-0000-0000-000000000000/settings"
        "?state=00000000-0000-0000-0000-000000000000"
    )
    assert clean_url(first) == first  # cleaning a cleaned URL changes nothing
    assert clean_url("https://x.nl/docs/dpa-2024.pdf") == "https://x.nl/docs/dpa-2024.pdf"


def test_a_link_shim_reads_as_its_target() -> None:
    shim = (
        "https://lm.facebook.com/l.php?u=https%3A%2F%2Fwww.aboutads.info%2Fchoices%2F%3F"
        "entry_point%3DPOLICY&h=AT{}"
    )
    first, again = clean_url(shim.format("505-aBCOf")), clean_url(shim.format("7CfE65TPa"))
    assert first == again == "https://www.aboutads.info/choices/?entry_point=POLICY"
    assert clean_url("https://www.google.com/url?q=https://x.nl/p&sa=D") == "https://x.nl/p"
    assert clean_url("https://www.google.com/url?q=javascript:x") == (
        "https://www.google.com/url?q=javascript%3Ax"
    )  # only an http(s) target replaces the shim


def test_cloudflare_email_protection_is_undone() -> None:
    encoded = "5a33343c351a3f223b372a363f743436"
    assert decode_cfemail(encoded) == "info@example.nl"
    got = blocks(
        f'<main><p>Mail <a href="/cdn-cgi/l/email-protection#{encoded}">'
        f'<span class="__cf_email__" data-cfemail="{encoded}">[email&#160;protected]</span></a>.</p></main>'
    )
    assert got == [("paragraph", "Mail info@example.nl.")]


def test_pseudo_headings_and_line_break_lists() -> None:
    got = blocks(
        "<main><h2>Gegevens</h2><p><strong>Bewaartermijn</strong></p><p>Wij bewaren alles kort.</p>"
        "<p>We verzamelen hierbij:</p><p>- naam<br>- adres<br>- e-mail</p>"
        "<p>Straat 1<br>1234 AB Utrecht</p></main>"
    )
    assert got == [
        ("heading", "Gegevens"), ("heading", "Bewaartermijn"), ("paragraph", "Wij bewaren alles kort."),
        ("heading", "We verzamelen hierbij:"), ("item", "naam"), ("item", "adres"), ("item", "e-mail"),
        ("paragraph", "Straat 1 1234 AB Utrecht"),
    ]  # fmt: skip
    clauses = segment(
        normalize(
            page("<main><h2>Gegevens</h2><p><strong>Bewaartermijn</strong></p><p>Kort.</p></main>")
        )
    )
    assert clauses[2].section == ("Gegevens", "Bewaartermijn")


def test_select_and_remove() -> None:
    raw = page('<div id="a"><p>Eén</p><p class="x">Twee</p></div><div id="b"><p>Drie</p></div>')
    assert blocks(raw, select=("#a",), remove=(".x",)) == [("paragraph", "Eén")]
    assert blocks(raw, select=("#b", "#a")) == [
        ("paragraph", "Eén"),
        ("paragraph", "Twee"),
        ("paragraph", "Drie"),
    ]
    missing = normalize(raw, content_type="text/html", select=("#nope",))
    assert missing.blocks == () and missing.problem == "select '#nope' matched nothing"


def test_language() -> None:
    nl = page(
        "<main><p>Wij verwerken uw persoonsgegevens niet zonder uw toestemming en wij zijn daar duidelijk over.</p></main>"
    )
    en = page(
        "<main><p>We do not sell your personal information and we will tell you when this policy changes.</p></main>"
    )
    assert normalize(nl).language == "nl"
    assert normalize(en).language == "en"
    assert normalize(en, language="fr").language == "fr"  # configured wins
    short = b'<html lang="de-DE"><body><main><p>Hallo.</p></main></body></html>'
    assert normalize(short).language == "de"  # too short to detect: the page's lang
    assert (
        detect_language(
            "Nous ne vendons pas vos données personnelles et nous protégeons vos droits."
        )
        == "fr"
    )
    assert (
        detect_language(
            "Wir verkaufen Ihre Daten nicht und wir schützen die personenbezogenen Daten."
        )
        == "de"
    )


def test_plain_text_and_markdown_inputs() -> None:
    seed = (seeds_dir() / "text" / "003_6a5f36d730de53e6.txt").read_bytes()
    doc = normalize(seed, filename="policy.txt")
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert kinds[0] == ("heading", "Privacy Policy")
    assert ("item", "Factuuradres") in kinds and ("heading", "Registreren") in kinds
    md = normalize(
        b"# Titel\n\nEen *zin* met\neen regel.\n\n1. een\n2. twee\n\n| a | b |\n|---|---|\n| c | d |\n",
        filename="p.md",
    )
    assert [(b.kind, b.text) for b in md.blocks] == [
        ("heading", "Titel"), ("paragraph", "Een *zin* met een regel."), ("item", "een"),
        ("item", "twee"), ("row", "a | b"), ("row", "c | d"),
    ]  # fmt: skip


def test_format_detection() -> None:
    assert detect_format(b"%PDF-1.4 ...") == "pdf"
    assert detect_format(b"<!DOCTYPE html><html>") == "html"
    assert detect_format(b"# Title\n\ntext") == "markdown"
    assert detect_format(b"Just text.") == "text"
    assert detect_format(b"<p>x</p>", "text/plain") == "text"
    assert detect_format(b"whatever", "", "a.HTM") == "html"


def _pdf(text: str | None) -> bytes:
    """A minimal one-page PDF, with a text layer or without."""
    return make_pdf([text] if text else [])


def test_pdf_with_and_without_text() -> None:
    doc = normalize(
        _pdf("Wij bewaren uw gegevens maximaal 12 maanden."), content_type="application/pdf"
    )
    assert [b.text for b in doc.blocks] == ["Wij bewaren uw gegevens maximaal 12 maanden."]
    empty = normalize(_pdf(None), content_type="application/pdf")
    assert empty.blocks == () and "no text layer" in (empty.problem or "")
    broken = normalize(b"%PDF-1.4 garbage", content_type="application/pdf")
    assert broken.blocks == () and broken.problem


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n\t ",
        bytes(range(256)) * 40,
        zlib.compress(b"x" * 10000),
        b"<html><body><main><p>Afgebroken zin zonder einde",
        b"<html><body><p>\xff\xfe ongeldig \xc3\x28 utf-8</p></body></html>",
        b"<<<<>>>><!-- <p>",
        b"<html><body></body></html>",
    ],
    ids=[
        "empty",
        "whitespace",
        "binary",
        "compressed",
        "truncated",
        "invalid-utf8",
        "garbage",
        "no-text",
    ],
)
def test_bad_input_gives_a_clear_outcome(body: bytes) -> None:
    doc = normalize(body, content_type="text/html")
    if doc.blocks:
        assert doc.problem is None and doc.text.strip()
    else:
        assert doc.problem and doc.text == ""


def test_truncated_document_keeps_what_arrived() -> None:
    doc = normalize(b"<html><body><main><p>Afgebroken zin zonder einde", content_type="text/html")
    assert [b.text for b in doc.blocks] == ["Afgebroken zin zonder einde"]


def test_huge_and_deep_pages_finish() -> None:
    paragraph = "<p>Wij verwerken persoonsgegevens volgens de AVG en bewaren ze niet langer dan nodig.</p>\n"
    huge = page("<main>" + paragraph * (20_000_000 // len(paragraph)) + "</main>")
    assert len(huge) > 20_000_000
    started = time.monotonic()
    doc = normalize(huge, content_type="text/html")
    assert len(doc.blocks) > 100_000
    assert time.monotonic() - started < 60
    deep = page("<div>" * 10_000 + "<p>Diep genest.</p>" + "</div>" * 10_000)
    assert [b.text for b in normalize(deep, content_type="text/html").blocks] == ["Diep genest."]


def test_main_content_in_a_custom_element() -> None:
    # the walk once closed the root's block when the root was no block element (IndexError)
    text = "Wij bewaren je gegevens niet langer dan twaalf maanden na het einde van je account."
    assert blocks(f"<app-root><p>{text}</p><p>{text}</p></app-root>") == [("paragraph", text)] * 2
    assert blocks(f"<div><span class='x'>{text}</span></div>", select=("span.x",)) == [
        ("paragraph", text)
    ]


@pytest.mark.parametrize("junk", ["<![\x04 x", "<![foo[ x ]]>", "<!["])
def test_unreadable_marked_section_in_a_deep_page(junk: str) -> None:
    # deep pages are re-read with html.parser, which raised AssertionError on these
    nested = "<div>" * 3_000 + f"<p>Diep genest.</p>{junk}<p>Daarna.</p>" + "</div>" * 3_000
    assert [text for _, text in blocks(nested)] == ["Diep genest.", "Daarna."]


def test_decoded_text_that_begins_like_a_pdf_is_still_text() -> None:
    """Found by the fuzz suite: a version's Markdown beginning "%PDF-1.4 ..." read again
    was sniffed as a PDF and lost its text."""
    text = "%PDF-1.4 1 0 obj << /Type /Catalog >> endobj\n\nWij delen uw gegevens met derden.\n"
    first = normalize(text, content_type="text/markdown")
    assert first.blocks and "Wij delen" in first.text
    assert normalize(first.text, content_type="text/markdown").text == first.text
    assert (
        normalize(text.encode(), content_type="text/markdown").problem is not None
    )  # bytes: a PDF
