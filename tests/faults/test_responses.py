"""Broken and hostile servers, each a real local server, each through a whole check.

Every case asserts what a user sees: the check's outcome and message, that no
version (and no change) was made of junk, and that the check ended in time.
"""

from __future__ import annotations

import base64
import gzip
import json
import random
import ssl
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import brotli
import pytest
import trustme
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.config import load_config
from monitor.demo import DEMO_POLICY, load_seed_pages, material_edit
from monitor.errors import InputError
from monitor.inputs import pick_versions
from monitor.models import CheckOutcome
from monitor.notify.formats import render_body
from monitor.output.tables import history_rows, history_table
from monitor.pipeline import run_checks
from monitor.records import CheckResult
from monitor.store import Store

from ..conftest import WriteConfig
from ..test_normalize import _pdf

HOOK = """
[[webhook]]
name = "hook"
url = "https://hooks.example.org/policy"
min_severity = "minor"
"""
FAST = 'timeout = "3s"\nallow_private_networks = true\nmax_bytes = 1_000_000'


@pytest.fixture(scope="module")
def page() -> bytes:
    """The demo policy page (UTF-8 HTML, 40-odd clauses)."""
    return next(p.body for p in load_seed_pages() if p.name == DEMO_POLICY)


@pytest.fixture
def threaded() -> Iterator[HTTPServer]:
    """A server that answers while another handler is still sleeping."""
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


class Policy:
    """Policy ``p`` of a fresh configuration; calling it checks the policy once."""

    def __init__(self, path: Path) -> None:
        self.config = load_config(path)

    def __call__(self) -> CheckResult:
        return run_checks(self.config)[0]

    def store(self) -> Store:
        return Store.open(self.config.monitor.database)

    def versions(self) -> list[str]:
        with self.store() as store:
            return [v.text for v in store.versions("p")]

    def events(self) -> list[str]:
        with self.store() as store:
            return [d["event_type"] for d in store.deliveries(include_delivered=True)]

    def snapshot_files(self) -> list[Path]:
        return sorted(self.config.monitor.snapshots.rglob("*.gz"))


Check = Callable[..., Policy]


@pytest.fixture
def checker(write_config: WriteConfig) -> Check:
    """``checker(url, monitor=...)`` → policy ``p`` at ``url``, with a webhook to queue for."""

    def make(url: str, *, monitor: str = FAST, extra: str = HOOK) -> Policy:
        return Policy(write_config({"p": url}, monitor=monitor, extra=extra))

    return make


# -- bodies that never end, or end too big ------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compression_bombs_are_capped_after_decoding(
    encoding: str, httpserver: HTTPServer, checker: Check
) -> None:
    inflated = b"<html><body><p>" + b"a" * 200_000_000
    body = gzip.compress(inflated, 9) if encoding == "gzip" else brotli.compress(inflated)
    assert len(body) < 1_000_000  # small on the wire, 200 MB decoded
    httpserver.expect_request("/p").respond_with_data(
        body, headers={"Content-Type": "text/html", "Content-Encoding": encoding}
    )
    check = checker(httpserver.url_for("/p"))
    started = time.monotonic()
    result = check()
    assert result.outcome == CheckOutcome.ERROR
    assert "exceeds max_bytes (1000000)" in (result.error or "")
    assert time.monotonic() - started < 3
    assert check.versions() == [] and check.snapshot_files() == []


def test_an_endless_body_is_abandoned_at_max_bytes(httpserver: HTTPServer, checker: Check) -> None:
    def forever() -> Iterator[bytes]:
        yield b"<html><body>"
        while True:
            yield b"<p>Wij verwerken persoonsgegevens.</p>" * 1000

    httpserver.expect_request("/p").respond_with_response(
        Response(forever(), content_type="text/html")
    )
    check = checker(httpserver.url_for("/p"))
    result = check()
    assert result.outcome == CheckOutcome.ERROR
    assert "exceeds max_bytes" in (result.error or "")
    assert check.versions() == []


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_slow_server_ends_at_the_timeout(
    where: str, threaded: HTTPServer, checker: Check, page: bytes
) -> None:
    """Slow-loris: a byte now and then keeps every read alive; only the deadline ends it."""

    def trickle() -> Iterator[bytes]:
        for byte in page:
            time.sleep(0.2)
            yield bytes([byte])

    def handler(request: Request) -> Response:
        if where == "headers":
            time.sleep(4)
            return Response(page, content_type="text/html")
        return Response(trickle(), content_type="text/html")

    threaded.expect_request("/p").respond_with_handler(handler)
    check = checker(threaded.url_for("/p"), monitor=FAST.replace('"3s"', '"2s"'))
    started = time.monotonic()
    result = check()
    took = time.monotonic() - started
    assert result.outcome == CheckOutcome.ERROR
    assert "timed out after 2s" in (result.error or "")
    assert took < 2 + 1.5, f"the check took {took:.1f}s with a 2s timeout"
    assert check.versions() == []


def test_retries_stay_within_the_timeout(httpserver: HTTPServer, checker: Check) -> None:
    httpserver.expect_request("/p").respond_with_data(
        "busy", status=503, headers={"Retry-After": "1"}
    )
    check = checker(httpserver.url_for("/p"), monitor=FAST.replace('"3s"', '"2s"'))
    started = time.monotonic()
    result = check()
    assert result.outcome == CheckOutcome.ERROR and result.http_status == 503
    assert time.monotonic() - started < 2 + 1.5
    assert 1 <= len(httpserver.log) <= 2


# -- redirects ----------------------------------------------------------------


def test_redirect_loops_and_long_chains_are_errors(
    httpserver: HTTPServer, checker: Check, page: bytes
) -> None:
    httpserver.expect_request("/a").respond_with_data("", 302, {"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", 302, {"Location": "/a"})
    for i in range(15):
        httpserver.expect_request(f"/c{i}").respond_with_data("", 301, {"Location": f"/c{i + 1}"})
    httpserver.expect_request("/c15").respond_with_data(page, content_type="text/html")
    loop = checker(httpserver.url_for("/a"))()
    assert loop.outcome == CheckOutcome.ERROR and "redirect loop" in (loop.error or "")
    chain = checker(httpserver.url_for("/c0"))()
    assert chain.outcome == CheckOutcome.ERROR and "more than 10 redirects" in (chain.error or "")
    short = checker(httpserver.url_for("/c12"))()  # three hops: followed
    assert short.outcome == CheckOutcome.NEW_VERSION


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.org/privacy.txt",
        "gopher://127.0.0.1:70/",
        "http://admin:hunter2@127.0.0.1/privacy",
    ],
)
def test_redirects_to_other_schemes_or_with_credentials_are_refused(
    location: str, httpserver: HTTPServer, checker: Check
) -> None:
    httpserver.expect_request("/p").respond_with_data("", 302, {"Location": location})
    check = checker(httpserver.url_for("/p"))
    result = check()
    assert result.outcome == CheckOutcome.ERROR
    assert "refused" in (result.error or "")
    assert "hunter2" not in (result.error or "")
    assert len(httpserver.log) == 1 and check.versions() == []


# -- what the body is -----------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/octet-stream",
        "",
        "text/plain",
        "text/html; charset=nonsense-42",
        "text/html; charset=utf-8; charset=latin-1",
        "TEXT/HTML;CHARSET=UTF-8",
    ],
)
def test_wrong_or_missing_content_types_and_bad_charsets_still_give_the_policy(
    content_type: str, httpserver: HTTPServer, checker: Check, page: bytes
) -> None:
    response = Response(page)
    if content_type:
        response.headers["Content-Type"] = content_type
    else:
        del response.headers["Content-Type"]
    httpserver.expect_request("/p").respond_with_response(response)
    check = checker(httpserver.url_for("/p"))
    result = check()
    assert result.outcome == CheckOutcome.NEW_VERSION, result.error
    text = check.versions()[0]
    assert "persoonsgegevens" in text and "\ufffd" not in text


def test_a_pdf_served_as_html_is_read_as_pdf(httpserver: HTTPServer, checker: Check) -> None:
    text = "Wij bewaren uw persoonsgegevens maximaal 12 maanden na het einde van de dienst."
    httpserver.expect_request("/p").respond_with_data(_pdf(text), content_type="text/html")
    check = checker(httpserver.url_for("/p"))
    result = check()
    assert result.outcome == CheckOutcome.NEW_VERSION, result.error
    assert check.versions() == [text + "\n"]


@pytest.mark.parametrize(
    ("body", "content_type", "why"),
    [
        (b"", "text/html", "empty body"),
        (b"   \r\n\t  ", "text/html", "empty body"),
        (bytes(range(256)) * 400, "text/html", "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(5000), "text/html", "binary"),
        (b"<html><body><p>Hallo</p>", "image/png", "unsupported content type image/png"),
        (b"<html><head><title>x</title></head><body></body></html>", "text/html", "no"),
        # one token of 900 KB (10 MB was stored as a first version): no readable text
        (b"<html><body><p>" + b"A" * 900_000 + b"</p></body></html>", "text/html", "readable"),
        (b"x y z " * 50_000, "text/plain", "3 distinct word(s)"),
        (base64.encodebytes(random.Random(1).randbytes(300_000)), "text/plain", "encoded data"),
        (" ".join(f"{n:032x}" for n in range(1, 20_000)).encode(), "text/plain", "encoded data"),
    ],
)
def test_junk_and_empty_bodies_are_anomalies(
    body: bytes,
    content_type: str,
    why: str,
    httpserver: HTTPServer,
    checker: Check,
) -> None:
    httpserver.expect_request("/p").respond_with_data(body, content_type=content_type)
    check = checker(httpserver.url_for("/p"))
    result = check()
    assert result.outcome == CheckOutcome.ANOMALY
    assert why in (result.error or ""), result.error
    assert check.versions() == []


SOFT_ERRORS = {
    "soft-404-nl": "<html><head><title>Pagina niet gevonden</title></head><body><main>"
    "<h1>Pagina niet gevonden</h1><p>De pagina die u zoekt bestaat niet (meer).</p>"
    '<p><a href="/">Naar de homepage</a></p></main></body></html>',
    "soft-404-en": "<html><body><h1>404 - Page not found</h1>"
    "<p>Sorry, the page you are looking for could not be found.</p></body></html>",
    "cloudflare": "<html><head><title>Just a moment...</title></head><body>"
    "<h1>Checking your browser before accessing example.nl</h1>"
    "<p>This process is automatic. Your browser will redirect shortly.</p></body></html>",
    "captcha": "<html><body><h1>Are you a robot?</h1><p>Please complete the CAPTCHA "
    "below to continue to the site.</p><form><input name=c></form></body></html>",
    "access-denied": "<html><body><h1>Access Denied</h1><p>You don't have permission to "
    "access this page on this server. Reference #18.2f1e</p></body></html>",
}


@pytest.mark.parametrize("kind", sorted(SOFT_ERRORS))
@pytest.mark.parametrize("first", [True, False], ids=["first-check", "after-a-version"])
def test_soft_404s_and_block_pages_served_with_200_are_anomalies(
    kind: str, first: bool, httpserver: HTTPServer, checker: Check, page: bytes
) -> None:
    served = [SOFT_ERRORS[kind].encode()] if first else [page, SOFT_ERRORS[kind].encode()]
    httpserver.expect_request("/p").respond_with_handler(
        lambda _r: Response(served.pop(0) if len(served) > 1 else served[0], mimetype="text/html")
    )
    check = checker(httpserver.url_for("/p"))
    if not first:
        assert check().outcome == CheckOutcome.NEW_VERSION
    result = check()
    assert result.outcome == CheckOutcome.ANOMALY, result.error
    assert len(check.versions()) == (0 if first else 1)
    assert "policy.changed" not in check.events()


# -- pages that change back and forth, and outages -------------------------------------


def serve_in_turn(server: HTTPServer, bodies: list[bytes | int]) -> None:
    """Each request gets the next body (an int is a bare status), the last one repeats."""
    queue = list(bodies)

    def handler(_request: Request) -> Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, int):
            return Response("Forbidden", status=item, mimetype="text/plain")
        return Response(item, mimetype="text/html")

    server.expect_request("/p").respond_with_handler(handler)


def test_a_page_alternating_between_two_versions_is_reported_once(
    httpserver: HTTPServer, checker: Check, page: bytes
) -> None:
    a, b = page, material_edit(page)
    serve_in_turn(httpserver, [a, b, a, b, a, b, a, b])
    check = checker(httpserver.url_for("/p"))
    outcomes = [str(check().outcome) for _ in range(8)]
    assert outcomes == ["new_version", "new_version"] + ["flapping", "unchanged"] * 3
    assert len(check.versions()) == 2
    assert check.events() == ["policy.changed", "policy.flapping"]


def test_a_lasting_return_to_an_earlier_version_is_a_new_version(
    httpserver: HTTPServer, checker: Check, page: bytes
) -> None:
    a, b = page, material_edit(page)
    serve_in_turn(httpserver, [a, b, a, a, a, a])
    check = checker(httpserver.url_for("/p"))
    outcomes = [str(check().outcome) for _ in range(6)]
    expected = ["new_version", "new_version", "flapping", "flapping", "new_version", "unchanged"]
    assert outcomes == expected
    texts = check.versions()
    with check.store() as store:
        change = store.latest_change("p")
    assert len(texts) == 3 and texts[2] == texts[0]
    assert change is not None and change["severity"] == "material"
    assert check.events() == ["policy.changed", "policy.flapping", "policy.changed"]


@pytest.fixture(scope="module")
def other() -> bytes:
    """Another complete policy: what a regional or members' variant is to a diff."""
    return next(p.body for p in load_seed_pages() if p.name == "host-tracker-privacy")


def test_a_url_serving_two_documents_in_turn_keeps_a_line_per_variant(
    httpserver: HTTPServer, checker: Check, page: bytes, other: bytes
) -> None:
    a, b, b2 = other, page, material_edit(page)
    # Check 2's second fetch gets A: not confirmed. B again after an A: a variant.
    serve_in_turn(httpserver, [a, b, a, a, b, a, b, b2, a, b])
    check = checker(httpserver.url_for("/p"))
    results = [check() for _ in range(9)]
    assert [str(r.outcome) for r in results] == [
        "new_version",
        "anomaly",
        "unchanged",
        "variant",
        "unchanged",
        "unchanged",
        "new_version",  # an edit inside variant 2 is still a change
        "unchanged",
        "flapping",  # variant 2's text before its edit
    ]
    assert [r.version for r in results][:8] == [1, 1, 1, 2, 1, 2, 3, 1]
    assert "not of its variant's newest (version 3)" in (results[8].error or "")
    with check.store() as store:
        assert [(v.number, v.variant) for v in store.versions("p")] == [(1, 1), (2, 2), (3, 2)]
        change = store.latest_change("p")
        row = store.db.execute("SELECT payload FROM deliveries ORDER BY id").fetchone()
        old, new = pick_versions(store, "p", None, None)  # `monitor diff p`: within variant 2
        rows = history_rows(store.versions("p"))
    assert (old.number, new.number) == (2, 3)
    assert [r["variant"] for r in rows] == [1, 2, 2]
    assert [c.header for c in history_table("p", rows).columns][:2] == ["version", "variant"]
    payload = json.loads(row[0])
    assert change is not None and (change["old_version"], change["new_version"]) == (2, 3)
    assert change["severity"] == "material"
    assert check.events() == ["policy.variant", "policy.changed", "policy.flapping"]
    assert payload["variants"] == [{"variant": 1, "version": 1}, {"variant": 2, "version": 2}]
    assert payload["diff_command"] == "monitor diff p --from 1 --to 2"
    assert payload["severity_as_edit"] == "material"  # should it be a rewrite rolling out
    assert "would be material" in json.loads(render_body("slack", payload))["text"]


def test_a_variant_is_recognised_when_the_second_fetch_gives_the_known_one(
    httpserver: HTTPServer, checker: Check, page: bytes, other: bytes
) -> None:
    """Every other request gets the other document: B is never confirmed by a refetch."""
    a, b = other, page
    serve_in_turn(httpserver, [a, b, a, b, a, b, a, b])
    check = checker(httpserver.url_for("/p"))
    outcomes = [str(check().outcome) for _ in range(4)]
    assert outcomes == ["new_version", "anomaly", "variant", "unchanged"]
    assert check.events() == ["policy.variant"]


def test_a_rewrite_whose_old_text_comes_back_becomes_two_variants(
    httpserver: HTTPServer, checker: Check, page: bytes, other: bytes
) -> None:
    a, b = other, page
    serve_in_turn(httpserver, [a, b, b, a, b, a, b])
    check = checker(httpserver.url_for("/p"))
    results = [check() for _ in range(6)]
    outcomes = [str(r.outcome) for r in results]
    # A first return is flapping: only a second one (B, A, B, A) makes two variants.
    assert outcomes == [
        "new_version",
        "new_version",
        "flapping",
        "unchanged",
        "variant",
        "unchanged",
    ]
    assert [r.version for r in results] == [1, 2, 2, 2, 1, 2]
    with check.store() as store:
        assert [(v.number, v.variant) for v in store.versions("p")] == [(1, 1), (2, 2)]
        row = store.db.execute("SELECT payload FROM deliveries ORDER BY id DESC").fetchone()
        with pytest.raises(InputError, match=r"monitor diff p --from 1 --to 2\)$"):
            pick_versions(store, "p", None, None)  # the newest is the first of its variant
    assert check.events() == ["policy.changed", "policy.flapping", "policy.variant"]
    payload = json.loads(row[0])
    assert payload["switch_reported_as_change"] and payload["served_version"] == 1
    text = json.loads(render_body("slack", payload))["text"]
    assert "the change reported from version 1 to 2 was such a switch" in text


def test_a_rollback_after_a_rewrite_is_a_change_not_a_variant(
    httpserver: HTTPServer, checker: Check, page: bytes, other: bytes
) -> None:
    """The old text comes back and stays: the rollback is reported; and should the
    rewrite then be served once more, that is flapping, not two variants."""
    a, b = other, page
    serve_in_turn(httpserver, [a, b, b, a, a, a, a, b, a])
    check = checker(httpserver.url_for("/p"))
    outcomes = [str(check().outcome) for _ in range(7)]
    assert outcomes == [
        "new_version",
        "new_version",
        "flapping",
        "flapping",
        "new_version",  # back to A for three checks: a version, and a change
        "flapping",
        "unchanged",
    ]
    with check.store() as store:
        assert [(v.number, v.variant) for v in store.versions("p")] == [(1, 1), (2, 1), (3, 1)]
        change = store.latest_change("p")
    assert change is not None and (change["old_version"], change["new_version"]) == (2, 3)
    assert check.events() == [
        "policy.changed",
        "policy.flapping",
        "policy.changed",
        "policy.flapping",
    ]


def test_a_rewrite_that_stays_is_one_change_and_no_variant(
    httpserver: HTTPServer, checker: Check, page: bytes, other: bytes
) -> None:
    serve_in_turn(httpserver, [other, page])
    check = checker(httpserver.url_for("/p"))
    outcomes = [str(check().outcome) for _ in range(4)]
    assert outcomes == ["new_version", "new_version", "unchanged", "unchanged"]
    with check.store() as store:
        assert [v.variant for v in store.versions("p")] == [1, 1]
    assert check.events() == ["policy.changed"]


@pytest.mark.parametrize("outage", [403, "captcha"])
def test_an_outage_is_reported_once_and_its_end_once_with_no_false_change(
    outage: int | str, httpserver: HTTPServer, checker: Check, page: bytes
) -> None:
    """A day of 403s (or of a captcha page) at a 1h interval, then the policy again."""
    bad: bytes | int = outage if isinstance(outage, int) else SOFT_ERRORS["captcha"].encode()
    serve_in_turn(httpserver, [page] + [bad] * 24 + [page])
    check = checker(httpserver.url_for("/p"), monitor=FAST + "\nfailures_before_report = 3")
    results = [check() for _ in range(27)]
    assert [r.report for r in results if r.report] == ["unreachable", "recovered"]
    assert results[3].report == "unreachable"  # the third failure in a row
    assert results[25].report == "recovered" and results[25].outcome == CheckOutcome.UNCHANGED
    assert len(check.versions()) == 1
    assert check.events() == ["policy.unreachable", "policy.recovered"]


# -- TLS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(authority: trustme.CA, page: bytes) -> Iterator[HTTPServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    server = HTTPServer(ssl_context=context)
    server.expect_request("/p").respond_with_data(page, content_type="text/html")
    server.start()
    yield server
    server.clear()
    server.stop()


def test_an_untrusted_certificate_is_refused_unless_configured(
    tls_server: HTTPServer,
    authority: trustme.CA,
    checker: Check,
    write_config: WriteConfig,
    tmp_path: Path,
) -> None:
    url = f"https://localhost:{tls_server.port}/p"
    refused = checker(url)()
    assert refused.outcome == CheckOutcome.ERROR
    assert "TLS certificate refused" in (refused.error or "")
    assert (
        "certificate verify failed" in (refused.error or "")
        or "self" in (refused.error or "")
        or "issuer" in (refused.error or "")
    )
    assert len(tls_server.log) == 0  # refused at the handshake, never retried into a request

    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    trusted = checker(url, monitor=FAST + '\nca_file = "ca.pem"')()
    assert trusted.outcome == CheckOutcome.NEW_VERSION, trusted.error

    other = checker(
        f"https://127.0.0.1:{tls_server.port}/p", monitor=FAST + '\nca_file = "ca.pem"'
    )()
    assert other.outcome == CheckOutcome.ERROR  # trusted issuer, wrong host name
    assert "TLS certificate refused" in (other.error or "")

    path = write_config({"p": url}, monitor=FAST, extra="verify_tls = false\n")
    config = load_config(path)
    assert config.policies[0].verify_tls is False
    assert run_checks(config)[0].outcome == CheckOutcome.UNCHANGED  # fetched: same page
