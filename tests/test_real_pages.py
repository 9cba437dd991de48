"""What real pages do that our own fixtures did not: shapes seen in public archives.

Each case is reduced from a page in Open Terms Archive's genai-eu collection:
an app that marks all of its content ``aria-hidden`` behind a consent dialog,
a policy whose sections are closed accordions, Markdown with underlined
headings, and a document one of whose parts failed to render.
"""

from __future__ import annotations

from monitor.config import PolicyConfig
from monitor.hashing import sha256
from monitor.judge.compare import compare
from monitor.models import CheckOutcome, FetchResult, Severity
from monitor.outcome import History, Processed, process
from monitor.records import VersionRecord
from monitor.text.normalize import normalize

POLICY = [
    "Meta does not train its AI models on Llama API Customer Content or Customer Data.",
    "Your Customer Content and Customer Data are used only to provide the services.",
    "All data transmitted between the API and our servers is encrypted with TLS 1.3.",
    "Customer Content is encrypted when it is stored at rest.",
    "We keep Customer Data for as long as your account is active.",
    "You can ask us to delete your Customer Data at any time.",
]


def html(body: str) -> bytes:
    return f"<!DOCTYPE html><html lang='en'><head><title>Data commitments</title></head><body>{body}</body></html>".encode()


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def test_content_behind_an_open_dialog_is_still_read() -> None:
    page = html(
        f'<div id="scrollview" aria-hidden="true"><main><h1>Data commitments</h1>'
        f"{paragraphs(POLICY)}</main></div>"
        '<div role="dialog"><p>Allow the use of cookies from Meta on this browser?</p></div>'
    )
    document = normalize(page, filename="p.html")
    assert document.problem is None
    assert POLICY[0] in document.text and "Allow the use of cookies" not in document.text


def test_small_aria_hidden_parts_are_still_dropped() -> None:
    page = html(f'<main>{paragraphs(POLICY)}<span aria-hidden="true">★★★ decoration</span></main>')
    assert "decoration" not in normalize(page, filename="p.html").text


def test_closed_accordions_are_policy_text_hidden_tabs_are_another_document() -> None:
    page = html(
        "<main><h1>Privacy statement</h1>"
        f"{paragraphs(POLICY[:3])}"
        '<div class="expand-collapse"><button aria-expanded="false" aria-controls="more">'
        "Learn more</button>"
        '<div id="more" class="detail-content hidden"><p>We also share data we collect with '
        "The Trade Desk for advertising purposes.</p></div></div>"
        '<div class="faq"><button aria-expanded="false" aria-controls="faq1">Retention</button>'
        f'<div id="faq1" hidden><p>{POLICY[4]}</p></div></div>'
        '<section class="tab-pane" role="tabpanel" hidden><h2>Cookie statement</h2>'
        "<p>We place analytics cookies.</p></section>"
        '<div class="modal hidden"><p>Subscribe to our newsletter!</p></div>'
        "</main>"
    )
    text = normalize(page, filename="p.html").text
    assert "The Trade Desk" in text and POLICY[4] in text
    assert "Cookie statement" not in text and "newsletter" not in text


def test_markdown_underlined_headings_are_headings() -> None:
    document = normalize(
        b"Llama API Data Commitments\n==========================\n\nIntro text here.\n\n"
        b"Encryption\n----------\n\nAll data is encrypted.\n",
        filename="p.md",
    )
    assert [(b.kind, b.level, b.text) for b in document.blocks] == [
        ("heading", 1, "Llama API Data Commitments"),
        ("paragraph", 0, "Intro text here."),
        ("heading", 2, "Encryption"),
        ("paragraph", 0, "All data is encrypted."),
    ]


def assembled(commitments: str) -> bytes:
    """A document assembled from two pages, as archives and some sites serve them."""
    main = "\n\n".join(
        f"{i}. We describe practice number {i} of the main policy here." for i in range(40)
    )
    return f"# Privacy Policy\n\n{main}\n\n{commitments}\n".encode()


COMMITMENTS = "# Llama API Data Commitments\n\n" + "\n\n".join(POLICY)
ERROR = (
    "# This page isn’t available\n\nThe link you followed may be broken, "
    "or the page may have been removed."
)


def test_a_part_that_failed_to_render_is_an_anomaly_never_material() -> None:
    good = normalize(assembled(COMMITMENTS), filename="a.md")
    broken = normalize(assembled(ERROR), filename="b.md")
    result = compare(good, broken)
    assert result.anomaly is not None and "section missing" in result.anomaly
    assert not result.material and result.severity is Severity.NONE
    assert not result.old_incomplete


def test_the_part_coming_back_is_an_anomaly_of_old() -> None:
    good = normalize(assembled(COMMITMENTS), filename="a.md")
    broken = normalize(assembled(ERROR), filename="b.md")
    result = compare(broken, good)
    assert result.anomaly is not None and "OLD was not a complete version" in result.anomaly
    assert result.old_incomplete and not result.material


def test_a_policy_that_mentions_errors_is_not_an_anomaly() -> None:
    old = normalize(assembled(COMMITMENTS), filename="a.md")
    new = normalize(
        assembled(
            COMMITMENTS
            + "\n\nWe share error reports, such as page not found messages, with Sentry."
        ),
        filename="b.md",
    )
    result = compare(old, new)
    assert result.anomaly is None and result.material


def _check(previous_text: str, body: bytes) -> Processed:
    latest = VersionRecord(
        1, "llama", 3, sha256(previous_text.encode()), previous_text, None, "en", None, None,
        "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00",
    )  # fmt: skip
    fetched = FetchResult(
        "https://example.org/p", "https://example.org/p", 200, {}, body, "text/markdown",
        "utf-8", None, None, 0.1,
    )  # fmt: skip
    return process(PolicyConfig("llama", "https://example.org/p"), fetched, History(latest, {}, ()))


def test_a_check_never_stores_a_part_that_failed_but_stores_the_policy_back() -> None:
    good = normalize(assembled(COMMITMENTS), filename="a.md").text
    broken = normalize(assembled(ERROR), filename="b.md").text
    failed = _check(good, broken.encode())
    assert failed.outcome is CheckOutcome.ANOMALY and failed.version is None
    back = _check(broken, good.encode())
    assert back.outcome is CheckOutcome.NEW_VERSION and back.version is not None
    assert back.comparison is not None
    assert back.comparison.old_incomplete and not back.comparison.material


def test_a_truncated_old_is_an_anomaly_of_old_and_its_mirror_of_new() -> None:
    full = normalize(assembled(COMMITMENTS), filename="a.md")
    stub = normalize(b"# Privacy Policy\n\nAnthropic\n", filename="b.md")
    shrunk = compare(full, stub)
    assert shrunk.anomaly is not None and not shrunk.old_incomplete
    back = compare(stub, full)
    assert back.anomaly is not None and "OLD was truncated" in back.anomaly
    assert back.old_incomplete and not back.material


APP_ERROR = html(
    "<p>Application error: a client-side exception has occurred while loading "
    "www.anthropic.com (see the browser console for more information).</p>"
)


def test_an_error_page_after_an_error_page_is_still_no_version() -> None:
    old = normalize(APP_ERROR, filename="a.html")
    new = normalize(
        APP_ERROR.replace(b"</p>", b"</p><h1>Non-User Privacy Policy</h1>"), filename="b.html"
    )
    result = compare(old, new)
    assert result.anomaly is not None and result.anomaly.startswith("NEW looks like a block")
    assert not result.old_incomplete and not result.material


def test_the_policy_after_an_error_page_is_stored_not_reported() -> None:
    old = normalize(APP_ERROR, filename="a.html")
    new = normalize(html(paragraphs(POLICY)), filename="b.html")
    result = compare(old, new)
    assert result.old_incomplete and not result.material
    assert result.anomaly is not None and "OLD was not a version" in result.anomaly


def test_a_stray_nul_does_not_make_a_page_binary() -> None:
    page = html(paragraphs(POLICY) * 200).replace(b"</p>", b"\x00</p>", 1)
    document = normalize(page, filename="p.html")
    assert document.problem is None and POLICY[0] in document.text and "\x00" not in document.text


def test_junk_is_still_binary() -> None:
    junk = bytes(range(256)) * 4000
    assert normalize(junk, content_type="text/html").problem == "the body is binary, not text"


def test_cleaning_a_link_twice_changes_nothing() -> None:
    page = html(
        '<main><p>Contact <a href="http://\x0bwww.Example.com/c?utm_source=x&amp;b=1">us'
        "</a> about your data.</p></main>"
    )
    document = normalize(page, filename="p.html")
    assert "(http://%0Bwww.example.com/c?b=1)" in document.text
    assert normalize(document.text, content_type="text/markdown").text == document.text


def test_utility_classes_with_variants_are_not_furniture_names() -> None:
    rows = "".join(
        f"<tr><td>_pk_id.{i}</td><td>events.openai.com</td><td>13 months</td></tr>"
        for i in range(3)
    )
    page = html(
        f"<main><h1>Cookie policy</h1>{paragraphs(POLICY)}"
        '<div class="toc-visible:@md:col-span-8 [--grid-gap:8px] col-span-full">'
        f"<table>{rows}</table></div></main>"
    )
    assert "_pk_id.2" in normalize(page, filename="p.html").text


def test_a_short_policy_that_grows_is_a_change_not_an_incomplete_old() -> None:
    short = normalize(
        b"# Privacy\n\nWe collect your e-mail address and share it with our payment provider. "
        b"We keep it for 12 months. You have the right to access and erasure.\n",
        filename="a.md",
    )
    full = normalize(
        assembled(
            COMMITMENTS + "\n\nWe share your e-mail address with advertisers such as Criteo."
        ),
        filename="b.md",
    )
    result = compare(short, full)
    assert result.anomaly is None and not result.old_incomplete and result.material
