"""Fuzz the document path: normalise, segment, compare and render hostile input.

Targets:

- arbitrary bytes (and text) given to ``normalize()`` as HTML, PDF, Markdown,
  plain text and with no content type, with and without a declared encoding;
- generated hostile HTML: random nesting of real tags (script, style, table,
  li, headings, chrome containers...), unclosed and malformed tags, comments,
  entities (valid, unknown, surrogate and out-of-range code points), odd
  Unicode (RTL and zero-width marks, lone surrogates, NUL bytes), very long
  words, very deep nesting, hostile ``<meta charset>`` labels and CSS selectors;
- mutations of the seed pages, the labelled pairs and a small generated PDF:
  truncation, flipped, inserted and deleted bytes, two pages spliced together;
- pairs of such documents through ``segment``, ``compare``, every renderer
  (text with and without colour, Markdown, HTML, JSON) and ``json.dumps``.

The property: ``normalize()`` raises nothing (it documents no exception:
unusable input gives a :class:`Document` whose ``problem`` says why), nor do
``segment``, ``compare`` or the renderers; and the results are sane: canonical
blocks that read back from their own Markdown, a comparison whose counts,
severities and inline diffs agree with each other, an HTML report without a
single tag from the input, a Markdown report without a ``<``, terminal text
without control characters.

By default every target runs a modest number of examples (80 to 300), so the
whole file takes about 12 seconds on two cores.  For a long run, raise the
number of examples per target with an environment variable (5,000 took 14
minutes on two cores, so 20,000 takes about an hour)::

    MONITOR_FUZZ_EXAMPLES=20000 pytest tests/faults/test_fuzz.py -q

Inputs that once failed stay as ``@example`` cases; a mutated document prints
as the recipe that made it (``Doc('seeds/pages/...', then truncate at 1200)``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from monitor.bundled import seeds_dir
from monitor.judge.compare import compare
from monitor.models import Block, Comparison, Document, Severity
from monitor.output.contract import from_dict, to_dict
from monitor.output.render import render_html, render_json, render_markdown, render_text
from monitor.text.canonical import fold
from monitor.text.charset import charset_from_content_type, detect_encoding
from monitor.text.markdown import render_markdown as blocks_markdown
from monitor.text.normalize import normalize
from monitor.text.segment import clause_key, segment

from ..pdfs import make_pdf

LABELLED = Path(__file__).resolve().parents[1] / "labelled"

# A failing example holding a long word or page is reported in full, however long.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

_ENV_EXAMPLES = int(os.environ.get("MONITOR_FUZZ_EXAMPLES") or 0)


def fuzz_settings(default: int) -> Any:
    """``default`` examples, or ``MONITOR_FUZZ_EXAMPLES`` when set; never a deadline."""
    return settings(
        max_examples=_ENV_EXAMPLES or default,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# -- corpus ---------------------------------------------------------------------------------------


class Doc(bytes):
    """Bytes of the corpus, whose repr is the recipe that made them rather than 30 kB."""

    recipe: str

    def __new__(cls, data: bytes, recipe: str) -> Doc:
        made = super().__new__(cls, data)
        made.recipe = recipe
        return made

    def __repr__(self) -> str:
        return f"Doc({self.recipe})"


def _read(paths: list[Path]) -> tuple[Doc, ...]:
    root = LABELLED.parent.parent
    return tuple(Doc(p.read_bytes(), repr(str(p.relative_to(root)))) for p in sorted(paths))


PAGES = _read([*(seeds_dir() / "pages").glob("*.html"), *LABELLED.glob("*/*.html")])
TEXTS = _read([*(seeds_dir() / "text").glob("*.txt"), *LABELLED.glob("*/*.md")])


def _pairs(suffix: str) -> tuple[tuple[Doc, Doc], ...]:
    """The labelled (old, new) pairs in one format."""
    olds, news = (_read([*LABELLED.glob(f"*/{side}.{suffix}")]) for side in ("old", "new"))
    return tuple(zip(olds, news, strict=True))


HTML_PAIRS = _pairs("html")
MD_PAIRS = _pairs("md")


PDFS = tuple(
    Doc(
        make_pdf([line for line in text.decode("utf-8").splitlines() if line.strip()][:30]),
        f"make_pdf({text.recipe})",
    )
    for text in TEXTS[:5]
)


# -- strategies -----------------------------------------------------------------------------------

CONTENT_TYPES = (
    "text/html",
    "application/pdf",
    "text/markdown",
    "text/plain",
    "",
    "text/html; charset=utf-16",
    "application/xhtml+xml",
)
ENCODINGS = (None, None, None, "utf-8", "cp1252", "utf-16", "utf-8-sig", "koi8-r")
CHARSET_LABELS = (
    "utf-8", "UTF8", "windows-1252", "latin-1", "utf-16", "utf-16be", "utf-32", "utf-7",
    "shift_jis", "gb18030", "koi8-r", "x-bogus", "", "base64", "hex", "rot13", "zlib", "uu",
    "quopri", "idna", "punycode", "undefined", "unicode_escape", "'utf-8'", "utf-8\x00",
)  # fmt: skip
TAGS = (
    "html", "head", "body", "title", "meta", "script", "style", "noscript", "template",
    "table", "thead", "tbody", "tr", "td", "th", "caption", "colgroup", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "a", "b", "strong", "em", "br",
    "hr", "main", "article", "section", "nav", "aside", "header", "footer", "dialog", "form",
    "input", "button", "select", "option", "textarea", "pre", "code", "blockquote", "dl",
    "dt", "dd", "svg", "math", "iframe", "img", "details", "summary", "font", "center",
    "xmp", "plaintext", "noembed", "frameset", "object", "wbr", "x-custom", "o:p",
)  # fmt: skip
ATTRIBUTES = (
    "", "", "", ' class="cookie-banner"', ' class="hidden"', ' class="share"', ' id="sharing"',
    ' class="site-footer"', ' class="newsletter"', ' style="display:none"', ' role="main"',
    ' role="navigation"', ' aria-hidden="true"', " hidden", ' lang="nl-NL"', ' lang=""',
    ' href="javascript:alert(1)"', ' href="https://example.nl/p?utm_source=x&amp;id=3#top"',
    ' href="mailto:privacy@example.nl?subject=x"', ' href="mailto:"', ' href="http://[::1"',
    ' href="/cdn-cgi/l/email-protection#4f2e"', ' data-cfemail="zz"', ' data-cfemail="0a6f6c"',
    ' data-cfemail="2a4a6a"', ' onclick="alert(1)"', ' class="x', " style='", ' href=">"',
    ' class="\u200b"', " <script>", " =x", ' id="a" id="b"',
)  # fmt: skip
FRAGMENTS = (
    "\u200f", "\u202e", "\u200b", "\u2060", "\ufeff", "\u00ad", "\x00", "\x1b[2J", "\x07",
    "\ud800", "\udcff", "\U0001f600", "e\u0301", "\u0130", "\ufffd", "\r\n", "\r", "\t",
    "&amp;", "&#0;", "&#xD800;", "&#x110000;", "&#99999999999999;", "&nbsp;", "&bogus;",
    "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>", "<SCRIPT SRC=x>",
    "<style>p{}</style>", "<!--", "-->", "<!-- x -->", "<![CDATA[x]]>", "<?php x ?>",
    "<?xml version='1.0' encoding='base64'?>", "<!DOCTYPE html>", "</", "<", ">", "<div",
    "<p class='x", "</p>", "</li>", "</table>", "<br/>", "<br>", "|", "# ", "## x", "- ",
    "1. ", "**", "__x__", "\\", "•", "* ", "---", "| a | b |", "[x](https://a.nl)",
    "Laatst gewijzigd op 23 mei 2018", "Last updated: 31 February 2024", "12-13-2020",
    "We delen uw gegevens met derden.", "Wij bewaren uw gegevens 30 dagen.",
    "Loading...", "Share", "Access denied", "e.g. art. 6 o.a. J. Jansen. Zie hieronder.",
)  # fmt: skip
SELECTORS = (
    (),
    (),
    ("main",),
    ("div.policy", "#content"),
    ("p:nth-child(",),
    ("[[",),
    ("::before",),
    ("a:contains('x')",),
    ("*",),
)

long_word = st.integers(200, 20_000).map(lambda n: "x" * n)
text_piece = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8"), max_size=30),
    long_word,
)


def _element(tag: str, attrs: str, children: list[str], closing: str) -> str:
    inner = "".join(children)
    if closing == "open":
        return f"<{tag}{attrs}>{inner}"
    if closing == "bad":
        return f"<{tag}{attrs}{inner}</{tag}"
    if closing == "swapped":
        return f"</{tag}>{inner}<{tag}{attrs}>"
    return f"<{tag}{attrs}>{inner}</{tag}>"


html_tree = st.recursive(
    text_piece,
    lambda children: st.builds(
        _element,
        st.sampled_from(TAGS),
        st.sampled_from(ATTRIBUTES),
        st.lists(children, max_size=5),
        st.sampled_from(("close", "close", "close", "open", "bad", "swapped")),
    ),
    max_leaves=40,
)
deep_nesting = st.builds(
    lambda tag, depth, inner, closed: f"<{tag}>" * depth + inner + (f"</{tag}>" * depth) * closed,
    st.sampled_from(("div", "span", "li", "table", "p", "b", "section", "ul")),
    st.integers(100, 1200),
    html_tree,
    st.booleans(),
)
meta_charset = st.sampled_from(CHARSET_LABELS).map(lambda label: f'<meta charset="{label}">')


@st.composite
def hostile_html(draw: st.DrawFn) -> str:
    head = draw(st.lists(st.one_of(meta_charset, html_tree), max_size=3))
    body = draw(st.lists(st.one_of(html_tree, deep_nesting, text_piece), min_size=1, max_size=6))
    if draw(st.booleans()):
        return f"<!DOCTYPE html><html><head>{''.join(head)}</head><body>{''.join(body)}"
    return "".join(head) + "".join(body)


def encode_text(text: str, how: str) -> bytes | str:
    """``text`` as given to ``normalize``: as is, or encoded (lone surrogates kept as bytes)."""
    if how == "str":
        return text
    if how == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if how == "cp1252":
        return text.encode("cp1252", "replace")
    return text.encode("utf-8", "surrogatepass")


def _short(value: bytes | str) -> str:
    text = repr(value)
    return text if len(text) <= 200 else f"{text[:200]}...({len(value)})"


@st.composite
def mutated(draw: st.DrawFn, corpus: tuple[Doc, ...]) -> Doc:
    """One document of ``corpus``, truncated, with bytes flipped, inserted, deleted or spliced."""
    original = draw(st.sampled_from(corpus))
    data = bytearray(original)
    recipe = [original.recipe]
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(("truncate", "flip", "insert", "delete", "splice", "html")))
        if op == "truncate":
            del data[at:]
            recipe.append(f"truncate at {at}")
        elif op == "flip" and at < len(data):
            mask = draw(st.integers(1, 255))
            data[at] ^= mask
            recipe.append(f"xor {mask:#x} at {at}")
        elif op == "insert":
            inserted = draw(st.binary(min_size=1, max_size=64))
            data[at:at] = inserted
            recipe.append(f"insert {inserted!r} at {at}")
        elif op == "delete":
            size = draw(st.integers(1, 4096))
            del data[at : at + size]
            recipe.append(f"delete {size} at {at}")
        elif op == "splice":
            other = draw(st.sampled_from(corpus))
            cut = draw(st.integers(0, len(other)))
            data[at:] = other[cut:]
            recipe.append(f"from {at} on: {other.recipe}[{cut}:]")
        elif op == "html":
            markup = draw(html_tree)
            data[at:at] = markup.encode("utf-8", "surrogatepass")
            recipe.append(f"insert {_short(markup)} at {at}")
    return Doc(bytes(data), ", then ".join(recipe))


# One input to normalize: (body, content type, encoding, CSS selects).
Input = tuple[bytes | str, str, str | None, tuple[str, ...]]

bytes_input = st.tuples(
    st.one_of(st.binary(max_size=4096), st.text(max_size=500)),
    st.sampled_from(CONTENT_TYPES),
    st.sampled_from(ENCODINGS),
    st.just(()),
)
html_input = st.tuples(
    st.builds(encode_text, hostile_html(), st.sampled_from(("str", "utf-8", "utf-16", "cp1252"))),
    st.sampled_from(("text/html", "text/html", "", "text/plain", "text/markdown")),
    st.sampled_from(ENCODINGS),
    st.sampled_from(SELECTORS),
)
page_input = st.tuples(
    mutated(PAGES),
    st.sampled_from(("text/html", "text/html", "", "text/plain")),
    st.just(None),
    st.sampled_from(SELECTORS[:4]),
)
text_input = st.tuples(
    mutated(TEXTS), st.sampled_from(("text/markdown", "text/plain", "")), st.just(None), st.just(())
)
pdf_input = st.tuples(
    st.one_of(st.sampled_from(PDFS), mutated(PDFS)),
    st.sampled_from(("application/pdf", "")),
    st.just(None),
    st.just(()),
)
any_input = st.one_of(bytes_input, html_input, page_input, text_input, pdf_input)


# -- checks ---------------------------------------------------------------------------------------

_KINDS = ("added", "removed", "modified", "moved")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_REPORT_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "span", "p", "table",
    "tr", "th", "td", "main", "section", "strong", "ul", "li", "div", "h4", "del", "ins",
}  # fmt: skip


def run_normalize(given_input: Input) -> Document:
    body, content_type, encoding, select = given_input
    document = normalize(body, content_type=content_type, encoding=encoding, select=select)
    check_document(document)
    return document


def check_document(document: Document) -> None:
    assert isinstance(document, Document)
    assert isinstance(document.text, str)
    document.text.encode("utf-8")  # storable: no lone surrogates
    for block in document.blocks:
        assert isinstance(block, Block)
        assert block.kind in ("heading", "paragraph", "item", "row"), block
        assert 1 <= block.level <= 6 if block.kind == "heading" else block.level == 0, block
        assert block.text and block.text == fold(block.text), block
    assert document.text == blocks_markdown(document.blocks)
    assert (document.problem is None) == bool(document.blocks), document.problem
    again = normalize(document.text, content_type="text/markdown")
    assert again.text == document.text, "normalising the Markdown again changed it"


SEVERITY_ORDER = Severity.names()


def check_comparison(
    result: Comparison, old: Document, new: Document, sources: tuple[str, str]
) -> None:
    comparison = to_dict(result)
    assert to_dict(from_dict(comparison)) == comparison
    assert set(comparison) == {
        "old", "new", "severity", "material", "date_only", "silent", "backdated", "anomaly",
        "categories", "counts", "changes",
    }  # fmt: skip
    severity = comparison["severity"]
    assert severity in SEVERITY_ORDER
    changes = comparison["changes"]
    for change in changes:
        assert change["kind"] in _KINDS
        assert change["severity"] in SEVERITY_ORDER
        if change["kind"] == "modified":
            ops = change["inline"]
            assert {op for op, _ in ops} <= {"equal", "delete", "insert"}
            assert "".join(t for op, t in ops if op != "insert") == change["old_text"]
            assert "".join(t for op, t in ops if op != "delete") == change["new_text"]
    counts = comparison["counts"]
    for kind in _KINDS:
        assert counts[kind] == sum(1 for c in changes if c["kind"] == kind)
    old_clauses, new_clauses = segment(old), segment(new)
    assert comparison["old"]["clauses"] == len(old_clauses)
    assert comparison["new"]["clauses"] == len(new_clauses)
    assert comparison["old"]["source"] == sources[0]
    assert comparison["new"]["source"] == sources[1]
    if comparison["anomaly"] is None:
        worst = max((c["severity"] for c in changes), key=SEVERITY_ORDER.index, default="none")
        assert severity == worst
    else:
        assert isinstance(comparison["anomaly"], str)
        assert severity == "none" and comparison["categories"] == []
    assert comparison["material"] == (severity == "material")
    assert json.loads(json.dumps(comparison)) == comparison
    assert json.loads(render_json(result)) == comparison
    check_reports(result)


def check_reports(comparison: Comparison) -> None:
    page = render_html(comparison)
    assert re.search(r"<\s*script", page, re.IGNORECASE) is None
    tags = {tag.lower() for tag in re.findall(r"<\s*/?\s*([A-Za-z][\w:-]*)", page)}
    assert tags <= _REPORT_TAGS, tags - _REPORT_TAGS
    assert "<" not in render_markdown(comparison)
    assert _CONTROL.search(render_text(comparison, color=False)) is None
    assert _CONTROL.search(_SGR.sub("", render_text(comparison, color=True))) is None


def check_clauses(document: Document) -> None:
    clauses = segment(document)
    assert [c.position for c in clauses] == list(range(len(clauses)))
    for clause in clauses:
        assert clause.text and clause.key == clause_key(clause.text)
        assert clause.kind in ("heading", "paragraph", "item", "row")


# -- targets --------------------------------------------------------------------------------------


@fuzz_settings(300)
@given(bytes_input)
@example(("__0__", "text/html", None, ()))  # a paragraph that read back as a bold heading
def test_arbitrary_bytes_normalise_for_every_content_type(given_input: Input) -> None:
    check_clauses(run_normalize(given_input))


@fuzz_settings(250)
@given(html_input)
@example((b'<meta charset="base64"><p>Wij delen uw gegevens.</p>', "text/html", None, ()))
@example((b'<meta charset="idna"><p>Wij delen uw gegevens.</p>', "text/html", None, ()))
@example(("<p>Wij delen \udcff uw gegevens.</p>", "text/html", None, ()))
@example(('<html><table class="cookie-banner"></table>\x1f</html>\u200f', "text/html", None, ()))
@example(('<p>Wij delen.</p><div class="cookie-banner"></div>&#xFFFE;', "text/html", None, ()))
def test_hostile_html_normalises(given_input: Input) -> None:
    check_clauses(run_normalize(given_input))


@pytest.mark.parametrize("label", ["base64", "rot13", "zlib", "idna", "punycode", "undefined"])
def test_a_codec_that_is_no_charset_is_ignored(label: str) -> None:
    """Found by the HTML target: a page or header naming such a codec made decoding raise."""
    page = f'<meta charset="{label}"><p>Wij delen uw gegevens met derden.</p>'.encode()
    assert detect_encoding(page, "text/html") == "utf-8"
    assert charset_from_content_type(f"text/html; charset={label}") is None
    assert charset_from_content_type("text/html; charset=koi8-r") == "koi8-r"


@fuzz_settings(150)
@given(st.one_of(page_input, text_input, pdf_input))
@example(
    (Doc(make_pdf(["\x00Privacy", "Wij delen."]), "a NUL in the text"), "application/pdf", None, ())
)
def test_mutated_seed_pages_normalise(given_input: Input) -> None:
    document = run_normalize(given_input)
    check_clauses(document)
    same = compare(document, document)
    assert same.changes == () and same.counts["unchanged"] == len(segment(document))
    check_comparison(same, document, document, ("", ""))


def test_the_generated_pdfs_carry_text() -> None:
    """The PDF corpus is real PDF with text, or the mutations would test nothing."""
    document = run_normalize((PDFS[0], "application/pdf", None, ()))
    assert document.problem is None and len(document.blocks) > 3


source_name = st.one_of(
    st.just("old.html"), st.sampled_from(FRAGMENTS), st.text(max_size=20), st.just("")
)


@st.composite
def document_pair(draw: st.DrawFn) -> tuple[Input, Input]:
    """Two unrelated inputs, or two versions of one labelled or seed document, mutated."""
    how = draw(st.sampled_from(("unrelated", "html", "markdown", "seed")))
    if how == "unrelated":
        return draw(any_input), draw(any_input)
    if how == "seed":
        old = draw(st.sampled_from(PAGES))
        return (old, "text/html", None, ()), (draw(mutated((old,))), "text/html", None, ())
    pair = draw(st.sampled_from(HTML_PAIRS if how == "html" else MD_PAIRS))
    kind = "text/html" if how == "html" else "text/markdown"
    new = pair[1] if draw(st.booleans()) else draw(mutated((pair[1],)))
    return (pair[0], kind, None, ()), (new, kind, None, ())


@fuzz_settings(80)
@given(document_pair(), source_name, source_name)
def test_pairs_compare_and_render(
    pair: tuple[Input, Input], old_source: str, new_source: str
) -> None:
    old, new = run_normalize(pair[0]), run_normalize(pair[1])
    comparison = compare(old, new, old_source=old_source or None, new_source=new_source or None)
    sources = (old_source or old.source, new_source or new.source)
    check_comparison(comparison, old, new, sources)
