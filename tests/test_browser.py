"""The browser fetcher, against real loopback pages and Debian's Chromium: text built by
JavaScript, a consent cookie or click, `auto` and what it remembers, the network policy
inside the browser, the limits (time, bytes), and a browser killed during a check."""

from __future__ import annotations

import asyncio
import os
import signal
import ssl
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import trustme

from monitor.config import PolicyConfig
from monitor.models import CheckOutcome
from monitor.net.fetch import Fetcher
from monitor.net.options import FetchOptions
from monitor.pipeline import check_policy
from monitor.records import CheckResult
from monitor.snapshots import SnapshotStore
from monitor.store import Store

from .support.pages import POLICY_TEXT, Answer, PageServer, chromium_below, page_server

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (.ci/run installs it)"
)
OPTIONS = FetchOptions(allow_private_networks=True, timeout=10, browser_timeout=20)
BUILT_BY_SCRIPT = (
    "<main id='root'></main><script>document.getElementById('root').innerHTML = "
    + repr(POLICY_TEXT)
    + ";</script>"
)


@pytest.fixture
def pages() -> Iterator[PageServer]:
    with page_server() as server:
        yield server


class Bench:
    """A store and snapshot folder, and checks run through one fetcher."""

    def __init__(self, tmp_path: Path) -> None:
        self.store = Store.open(tmp_path / "monitor.db")
        self.snapshots = SnapshotStore(tmp_path / "snapshots")
        self.launches = 0

    def check(
        self, policy: PolicyConfig, times: int = 1, options: FetchOptions = OPTIONS, **seams: Any
    ) -> list[CheckResult]:
        self.store.sync_policies([policy])

        async def go() -> list[CheckResult]:
            async with Fetcher(options, **seams) as fetcher:
                results = [
                    await check_policy(
                        policy, fetcher=fetcher, store=self.store, snapshots=self.snapshots
                    )
                    for _ in range(times)
                ]
                self.launches = fetcher.browser.launches if fetcher._browser else 0
                return results

        return asyncio.run(go())


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    b = Bench(tmp_path)
    yield b
    b.store.close()


def _browser(url: str, **kwargs: Any) -> PolicyConfig:
    return PolicyConfig(name="p", url=url, fetcher="browser", **kwargs)


def test_text_built_by_javascript_becomes_a_version_with_a_screenshot(
    pages: PageServer, bench: Bench
) -> None:
    pages.page("/policy", BUILT_BY_SCRIPT)
    (result,) = bench.check(_browser(pages.url("/policy")))
    assert result.outcome is CheckOutcome.NEW_VERSION, result.error
    assert result.fetcher == "browser"
    version = bench.store.version("p", 1)
    assert version is not None
    assert "zeven jaar" in version.text
    assert result.screenshot is not None
    png = bench.snapshots.get(result.screenshot)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    row = bench.store.checks("p", limit=1)[0]
    assert row["fetcher"] == "browser"
    assert row["screenshot_sha256"] == result.screenshot


def test_plain_fetching_sees_no_text_in_the_same_page(pages: PageServer, bench: Bench) -> None:
    """The control: what the browser is for."""
    pages.page("/policy", BUILT_BY_SCRIPT)
    (result,) = bench.check(PolicyConfig(name="p", url=pages.url("/policy")))
    assert result.outcome is CheckOutcome.ANOMALY
    assert bench.launches == 0


def test_a_consent_cookie_opens_the_wall_and_goes_to_the_own_host_only(
    pages: PageServer, bench: Bench
) -> None:
    with page_server() as other:
        other.routes["/pixel.png"] = Answer(b"", headers={"Content-Type": "image/png"})

        def policy(headers: dict[str, str]) -> Answer:
            if "consent=yes" not in {k.lower(): v for k, v in headers.items()}.get("cookie", ""):
                return Answer(b"<html><body><p>Accepteer eerst onze cookies.</p></body></html>")
            pixel = other.url("/pixel.png", host="localhost")
            html = f"<html><body>{POLICY_TEXT}<img src='{pixel}'></body></html>"
            return Answer(html.encode())

        pages.routes["/policy"] = policy
        (result,) = bench.check(
            _browser(pages.url("/policy"), cookies=(("consent", "yes"),),
                     headers=(("X-Team", "privacy"),), accept_language="nl-NL,nl;q=0.9")
        )  # fmt: skip
        assert result.outcome is CheckOutcome.NEW_VERSION, result.error
        (_, headers), *_ = [r for r in pages.requests if r[0] == "/policy"]
        sent = {k.lower(): v for k, v in headers.items()}  # (names are case-insensitive)
        assert sent["x-team"] == "privacy"
        assert sent["accept-language"].startswith("nl-NL")
        (_, elsewhere), *_ = other.requests
        assert "X-Team" not in elsewhere  # another origin gets no policy header
        assert "Cookie" not in elsewhere


@pytest.mark.faults
def test_the_policy_headers_never_follow_a_redirect_to_another_origin(
    pages: PageServer, bench: Bench
) -> None:
    with page_server() as other:
        other.page("/landing", POLICY_TEXT + f"<img src='{pages.url('/img-redirect')}'>")
        other.routes["/img.png"] = Answer(b"", headers={"Content-Type": "image/png"})
        away = other.url("/landing", host="localhost")
        pages.routes["/go"] = Answer(b"", status=302, headers={"Location": away})
        pages.routes["/img-redirect"] = Answer(
            b"", status=302, headers={"Location": other.url("/img.png", host="localhost")}
        )
        (result,) = bench.check(_browser(pages.url("/go"), headers=(("X-Secret", "s3cr3t"),)))
        assert result.outcome is CheckOutcome.NEW_VERSION, result.error
        assert sorted(other.paths()) == ["/img.png", "/landing"]
        assert all("x-secret" not in str(headers).lower() for _, headers in other.requests)
        own = dict(pages.requests)
        assert own["/go"]["x-secret"] == "s3cr3t"  # the policy's own origin gets it
        assert own["/img-redirect"]["x-secret"] == "s3cr3t"
        row = bench.store.checks("p", limit=1)[0]
        assert row["final_url"] == away


def test_click_reveals_the_full_policy_and_a_missing_target_is_noted(
    pages: PageServer, bench: Bench
) -> None:
    pages.page(
        "/policy",
        "<p>Lees onze privacyverklaring.</p><button id='more'>Toon alles</button>"
        "<main id='root'></main><script>document.getElementById('more').onclick = () => "
        f"document.getElementById('root').innerHTML = {POLICY_TEXT!r};</script>",
    )
    (result,) = bench.check(
        _browser(pages.url("/policy"), click=("#cookie-accept", "#more"), wait_for="#more")
    )
    assert result.outcome is CheckOutcome.NEW_VERSION, result.error
    version = bench.store.version("p", 1)
    assert version is not None and "betaaldienst" in version.text
    assert any("'#cookie-accept' is not on the page" in n for n in result.notes)


def test_wait_for_a_selector_that_never_comes_is_an_error(pages: PageServer, bench: Bench) -> None:
    pages.page("/policy", POLICY_TEXT)
    options = replace(OPTIONS, browser_timeout=4)
    (result,) = bench.check(_browser(pages.url("/policy"), wait_for="#never"), options=options)
    assert result.outcome is CheckOutcome.ERROR
    assert "'#never' never appeared" in (result.error or "")


def test_auto_uses_the_browser_for_a_shell_and_remembers_it(
    pages: PageServer, bench: Bench
) -> None:
    pages.page("/policy", BUILT_BY_SCRIPT)
    policy = PolicyConfig(name="p", url=pages.url("/policy"), fetcher="auto")
    first, second = bench.check(policy, times=2)
    assert first.outcome is CheckOutcome.NEW_VERSION, first.error
    assert first.fetcher == "browser"
    assert any("rendered by the browser: the plain fetch gave" in n for n in first.notes)
    assert second.outcome is CheckOutcome.UNCHANGED
    plain = [h for p, h in pages.requests if p == "/policy" and "policy-monitor" in h["User-Agent"]]
    assert len(plain) == 1  # the second check went straight to the browser


def test_rendered_pages_meet_the_same_anomaly_and_confirmation_rules(
    pages: PageServer, bench: Bench
) -> None:
    policy = _browser(pages.url("/policy"))
    pages.page("/policy", BUILT_BY_SCRIPT)
    (first,) = bench.check(policy)
    assert first.outcome is CheckOutcome.NEW_VERSION
    pages.page("/policy", "<h1>Access denied</h1><p>Checking your browser...</p>")
    (blocked,) = bench.check(policy)
    assert blocked.outcome is CheckOutcome.ANOMALY  # never a version
    other = (
        "<h1>Privacy policy</h1><p>We collect your name, e-mail address and location when "
        "you register.</p><p>We keep account data for three years after your last login."
        "</p><p>We share your e-mail address with our advertising partners.</p><p>You may "
        "ask for a copy of your data, or have it corrected or deleted.</p><p>Questions go "
        "to our data protection officer.</p>"
    )
    before = len(pages.requests)
    pages.page("/policy", f"<main id='root'></main><script>root.innerHTML = {other!r}</script>")
    (replaced,) = bench.check(policy)
    fetched = [h for p, h in pages.requests[before:] if p == "/policy"]
    assert len(fetched) == 2, (
        replaced.outcome,
        replaced.error,
    )  # a page replacing most of the policy is fetched again ...
    assert all("HeadlessChrome" in h["User-Agent"] for h in fetched)  # ... by the browser
    assert replaced.outcome in (CheckOutcome.NEW_VERSION, CheckOutcome.ANOMALY), replaced.error


WALLS = [
    "<h1>We value your privacy</h1><p>We and our partners use cookies. Accept cookies to "
    "continue.</p><button>Accept</button><button>Reject</button>",
    "<h1>We value your privacy</h1><p>We use cookies to improve your experience. Accept all "
    "cookies to continue.</p><button>Accept all</button><button>Settings</button>",
    "<p>This site uses cookies. By continuing you consent to their use.</p><button>OK</button>",
]


@pytest.mark.parametrize("wall", range(len(WALLS)))
@pytest.mark.parametrize("fetcher", ["http", "auto", "browser"])
def test_a_consent_wall_is_never_a_version(
    pages: PageServer, bench: Bench, fetcher: str, wall: int
) -> None:
    pages.page("/policy", WALLS[wall])
    (result,) = bench.check(PolicyConfig(name="p", url=pages.url("/policy"), fetcher=fetcher))
    assert result.outcome is CheckOutcome.ANOMALY
    assert "consent wall" in (result.error or "") or "headings and no text" in (result.error or "")
    assert bench.store.latest_version("p") is None


def test_auto_never_starts_the_browser_for_a_readable_page(pages: PageServer, bench: Bench) -> None:
    pages.page("/policy", POLICY_TEXT)
    (result,) = bench.check(PolicyConfig(name="p", url=pages.url("/policy"), fetcher="auto"))
    assert result.outcome is CheckOutcome.NEW_VERSION
    assert result.fetcher == "http"
    assert bench.launches == 0


def _public_name_seams(pages: PageServer) -> dict[str, Any]:
    """``policy.test`` resolves to a public address, connected to the loopback page
    server: every other name keeps its real, non-public, address."""

    async def resolver(host: str, port: int) -> list[str]:
        return {"policy.test": ["93.184.216.34"], "localhost": ["127.0.0.1"]}.get(host, [host])

    async def dial(address: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        assert address == "93.184.216.34", address  # nothing else passes the gate
        return await asyncio.open_connection("127.0.0.1", port)

    return {"resolver": resolver, "dial": dial}


@pytest.mark.faults
def test_subresources_on_private_addresses_are_refused_and_the_check_says_so(
    pages: PageServer, bench: Bench
) -> None:
    with page_server() as inside:
        inside.routes["/secret"] = Answer(b"secret")
        html = (
            POLICY_TEXT
            + f"<img src='{inside.url('/secret')}'><img src='https://10.0.0.9/x.png'>"
            + f"<script>fetch('{inside.url('/secret', host='localhost')}').catch(() => 0);"
            + f"new WebSocket('ws://127.0.0.1:{inside.port}/socket');</script>"
        )
        pages.page("/policy", html)
        options = replace(OPTIONS, allow_private_networks=False)
        policy = _browser(f"http://policy.test:{pages.port}/policy")
        (result,) = bench.check(policy, options=options, **_public_name_seams(pages))
        assert result.outcome is CheckOutcome.NEW_VERSION, result.error
        assert inside.requests == []  # nothing reached the private address
        (note,) = [n for n in result.notes if "refused" in n]
        assert f"127.0.0.1:{inside.port}" in note
        assert "10.0.0.9:443" in note
        assert f"localhost:{inside.port}" in note
        assert bench.store.checks("p", limit=1)[0]["notes"] == "\n".join(result.notes)


@pytest.mark.faults
def test_a_redirect_to_a_private_address_is_refused(pages: PageServer, bench: Bench) -> None:
    pages.routes["/policy"] = Answer(b"", status=302, headers={"Location": "http://10.0.0.7/admin"})
    options = replace(OPTIONS, allow_private_networks=False)
    policy = _browser(f"http://policy.test:{pages.port}/policy")
    (result,) = bench.check(policy, options=options, **_public_name_seams(pages))
    assert result.outcome is CheckOutcome.ERROR
    assert "non-public address 10.0.0.7" in (result.error or "")


@pytest.mark.faults
def test_a_page_that_never_finishes_loading_ends_at_the_time_limit(
    pages: PageServer, bench: Bench
) -> None:
    pages.page("/policy", POLICY_TEXT + "<script src='/never.js'></script>")
    pages.routes["/never.js"] = Answer(b"", delay=120, headers={"Content-Type": "text/javascript"})
    started = time.monotonic()
    (result,) = bench.check(_browser(pages.url("/policy")),
                            options=replace(OPTIONS, browser_timeout=3))  # fmt: skip
    assert result.outcome is CheckOutcome.ERROR
    assert "within 3s (browser_timeout)" in (result.error or "")
    assert time.monotonic() - started < 30


@pytest.mark.faults
def test_fifty_megabytes_of_script_are_cut_off(pages: PageServer, bench: Bench) -> None:
    pages.page("/policy", POLICY_TEXT + "<script src='/big.js'></script>")
    pages.routes["/big.js"] = Answer(
        b"var x = 1;", stream=50_000_000, headers={"Content-Type": "text/javascript"}
    )
    options = replace(OPTIONS, browser_max_bytes=2_000_000)
    (result,) = bench.check(_browser(pages.url("/policy")), options=options)
    assert result.outcome is CheckOutcome.ERROR
    assert "more than 2,000,000 bytes" in (result.error or "")
    assert "browser_max_bytes" in (result.error or "")


@pytest.mark.faults
def test_a_download_is_refused(pages: PageServer, bench: Bench) -> None:
    pages.routes["/policy"] = Answer(
        b"%PDF-1.4 ...",
        headers={"Content-Type": "application/octet-stream",
                 "Content-Disposition": "attachment; filename=policy.pdf"},
    )  # fmt: skip
    (result,) = bench.check(_browser(pages.url("/policy")))
    assert result.outcome is CheckOutcome.ERROR
    assert "to download" in (result.error or "")


@pytest.mark.faults
def test_a_browser_killed_during_a_check_is_started_again(pages: PageServer, bench: Bench) -> None:
    pages.page("/policy", POLICY_TEXT + "<script src='/slow.js'></script>")
    pages.routes["/slow.js"] = Answer(b"", delay=3, headers={"Content-Type": "text/javascript"})
    policy = _browser(pages.url("/policy"))
    bench.store.sync_policies([policy])

    async def go() -> tuple[CheckResult, CheckResult, int]:
        async with Fetcher(OPTIONS) as fetcher:
            task = asyncio.create_task(
                check_policy(policy, fetcher=fetcher, store=bench.store, snapshots=bench.snapshots)
            )
            while not pages.paths().count("/slow.js"):  # the browser is mid-page
                await asyncio.sleep(0.05)
            victims = chromium_below(os.getpid())
            assert victims
            for pid in victims:
                os.kill(pid, signal.SIGKILL)
            first = await task
            second = await check_policy(
                policy, fetcher=fetcher, store=bench.store, snapshots=bench.snapshots
            )
            return first, second, fetcher.browser.launches

    first, second, launches = asyncio.run(go())
    assert first.outcome is CheckOutcome.NEW_VERSION, first.error  # rendered again
    assert second.outcome is CheckOutcome.UNCHANGED, second.error
    assert launches == 2  # one restart, then the same browser for the next check
    assert [c["outcome"] for c in bench.store.checks("p")] == ["unchanged", "new_version"]


@pytest.fixture
def tls_pages() -> Iterator[PageServer]:
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    with page_server(tls=context) as server:
        yield server


def test_https_goes_through_the_gate_and_an_untrusted_certificate_is_refused(
    tls_pages: PageServer, bench: Bench
) -> None:
    tls_pages.page("/policy", BUILT_BY_SCRIPT)
    (refused,) = bench.check(_browser(tls_pages.url("/policy")))
    assert refused.outcome is CheckOutcome.ERROR
    assert "ERR_CERT_AUTHORITY_INVALID" in (refused.error or "")
    (result,) = bench.check(_browser(tls_pages.url("/policy"), verify_tls=False))
    assert result.outcome is CheckOutcome.NEW_VERSION, result.error
    row = bench.store.checks("p", limit=1)[0]
    assert row["final_url"].startswith("https://127.0.0.1:")


def test_a_missing_browser_is_one_clear_line(pages: PageServer, bench: Bench) -> None:
    pages.page("/policy", POLICY_TEXT)
    options = replace(OPTIONS, browser_path="/nonexistent/chromium")
    (result,) = bench.check(_browser(pages.url("/policy")), options=options)
    assert result.outcome is CheckOutcome.ERROR
    error = result.error or ""
    assert error.endswith(
        "no browser at /nonexistent/chromium ([monitor] browser_path names no executable file)"
    )
    assert "\n" not in error
    (other,) = bench.check(_browser(pages.url("/policy")),
                           options=replace(OPTIONS, browser_path="/bin/true"))  # fmt: skip
    assert other.outcome is CheckOutcome.ERROR
    assert "cannot start the browser at /bin/true" in (other.error or "")


def test_a_selector_the_browser_cannot_read_is_one_line(pages: PageServer, bench: Bench) -> None:
    pages.page("/policy", POLICY_TEXT)
    (waiting,) = bench.check(_browser(pages.url("/policy"), wait_for="div[[["))
    assert waiting.outcome is CheckOutcome.ERROR
    assert (waiting.error or "").count("\n") == 0 and "wait_for: 'div[[['" in (waiting.error or "")
    assert waiting.http_status == 200 and waiting.fetcher == "browser"
    (clicking,) = bench.check(_browser(pages.url("/policy"), click=("div[[[",)))
    assert clicking.outcome is CheckOutcome.NEW_VERSION
    assert any("click: 'div[[['" in note for note in clicking.notes)


@pytest.mark.faults
def test_an_image_that_never_loads_does_not_cost_the_page(pages: PageServer, bench: Bench) -> None:
    pages.page("/policy", POLICY_TEXT + "<img src='/never.png'>")
    pages.routes["/never.png"] = Answer(b"", delay=120, headers={"Content-Type": "image/png"})
    (result,) = bench.check(_browser(pages.url("/policy")))
    assert result.outcome is CheckOutcome.NEW_VERSION, result.error
    assert any("still loading after 15s" in note for note in result.notes)
