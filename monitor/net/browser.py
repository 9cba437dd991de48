"""The browser fetcher: a page rendered by Chromium (Debian's, through Playwright), for
policies whose text is built by JavaScript or hidden behind a consent wall.

One browser process serves many checks and is started again when it dies; each
check gets a fresh context (no profile, no service workers, downloads refused) whose
every request goes through a :class:`~monitor.net.gate.Gate`, the network policy's
proxy. A rendering is bounded in time (``browser_timeout``), bytes
(``browser_max_bytes``) and requests (``browser_max_requests``). Its result is the
rendered HTML, with a full-page screenshot as evidence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from monitor.errors import BlockedAddressError, FetchError, HTTPStatusError, TooLargeError
from monitor.models import FetchResult
from monitor.net.gate import Dial, Gate
from monitor.net.netpolicy import Resolver
from monitor.net.options import DEFAULT_BROWSER, FetchOptions

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Playwright

__all__ = ["BrowserFetcher", "BrowserMissing"]

logger = logging.getLogger(__name__)

VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOT_MAX_HEIGHT = 16_000  # pixels: a longer page is shot down to here
CLICK_TIMEOUT = 5.0  # seconds for each `click` selector
WAIT_FOR_TIMEOUT = 15.0  # seconds for the `wait_for` selector to appear
LOAD_WAIT = 15.0  # seconds for a page's images and scripts after its document
SETTLE = 3.0  # seconds to wait for the network to go quiet after loading or clicking
_ARGS = [
    "--disable-quic",  # QUIC is UDP: it would not pass the gate
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--dns-prefetch-disable",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--mute-audio",
    "--js-flags=--max-old-space-size=512",  # a page's script heap (MB)
    # The gate decides which addresses a page may reach. Chromium's own local-network
    # checks would also block an allowed intranet page's subresources once its document
    # is fetched by the monitor (a policy with its own headers), which has no address.
    "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,"
    "PrivateNetworkAccessSendPreflights",
]


class BrowserMissing(FetchError):
    """The browser cannot be started here (not installed, or the extra is missing)."""


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def _where(url: str) -> str:
    _, host, port = _origin(url)
    return f"{host}:{port}"


class BrowserFetcher:
    """Renders pages in one Chromium process, started on first use and again after it
    dies. Close it with :meth:`aclose`."""

    def __init__(
        self,
        options: FetchOptions,
        *,
        resolver: Resolver | None = None,
        dial: Dial | None = None,
    ) -> None:
        self.options = options
        self._resolver = resolver
        self._dial = dial
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._starting = asyncio.Lock()
        self._limit = asyncio.Semaphore(options.browser_concurrency)
        self.launches = 0  # how many times a browser was started (a restart counts)

    async def aclose(self) -> None:
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        if browser is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), 10)
        if playwright is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(playwright.stop(), 10)

    async def _ready(self, url: str) -> Browser:
        """The running browser, started (again) when there is none or it died."""
        async with self._starting:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._browser is not None:
                logger.warning("the browser process died; starting a new one")
            await self.aclose()
            try:
                from playwright.async_api import Error, async_playwright
            except ImportError:
                raise BrowserMissing(
                    url,
                    "the browser fetcher needs Playwright: pip install 'policy-monitor[browser]'",
                ) from None
            path = self.options.browser_path
            if not (os.path.isfile(path) and os.access(path, os.X_OK)):
                hint = "apt-get install chromium, or set [monitor] browser_path"
                if path != DEFAULT_BROWSER:
                    hint = "[monitor] browser_path names no executable file"
                raise BrowserMissing(url, f"no browser at {path} ({hint})")
            try:
                self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=path,
                    args=_ARGS,
                    handle_sigint=False,
                    handle_sigterm=False,
                    handle_sighup=False,
                    timeout=30_000,
                )
            except Error as exc:
                await self.aclose()
                raise BrowserMissing(
                    url, f"cannot start the browser at {path}: {_first(exc)}"
                ) from None
            self.launches += 1
            return self._browser

    async def render(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        verify_tls: bool = True,
        wait_for: str | None = None,
        click: Sequence[str] = (),
    ) -> FetchResult:
        """Render ``url``; raise :class:`FetchError` when it cannot be had. A browser that
        dies during the rendering is started again and the page rendered once more."""
        async with self._limit:
            for attempt in (1, 2):
                browser = await self._ready(url)
                try:
                    return await self._render(browser, url, dict(headers or {}), verify_tls,
                                              wait_for, tuple(click))  # fmt: skip
                except _BrowserGone as exc:
                    if attempt == 2:
                        raise FetchError(
                            url, f"the browser died while rendering the page ({exc})",
                            transient=True,
                        ) from None  # fmt: skip
                    logger.warning("the browser died while rendering %s; trying again", url)
        raise AssertionError("unreachable")

    async def _render(
        self,
        browser: Browser,
        url: str,
        own: dict[str, str],
        verify_tls: bool,
        wait_for: str | None,
        click: tuple[str, ...],
    ) -> FetchResult:
        opts = self.options
        started = time.monotonic()
        gate = Gate(
            allow_private_networks=opts.allow_private_networks,
            max_bytes=opts.browser_max_bytes,
            max_requests=opts.browser_max_requests,
            resolver=self._resolver,
            dial=self._dial,
        )
        async with gate:
            context = await self._context(browser, url, gate, own, verify_tls)
            try:
                async with asyncio.timeout(opts.browser_timeout):
                    result = await _Rendering(self.options, context, gate, url).run(wait_for, click)
            except TimeoutError:
                raise FetchError(
                    url,
                    f"the page did not finish rendering within {opts.browser_timeout:g}s "
                    "(browser_timeout)",
                    transient=True,
                ) from None
            except Exception as exc:
                if not browser.is_connected():  # (whatever the rendering made of it)
                    raise _BrowserGone(_first(exc)) from None
                if isinstance(exc, FetchError):
                    raise
                if type(exc).__module__.startswith("playwright"):  # said as one line, no trace
                    raise FetchError(url, f"the browser failed: {_first(exc)}") from None
                raise
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(context.close(), 10)
        return FetchResult(**{**result, "elapsed": time.monotonic() - started})

    async def _context(
        self, browser: Browser, url: str, gate: Gate, own: dict[str, str], verify_tls: bool
    ) -> BrowserContext:
        """A fresh context: every request through ``gate``; the policy's own headers and
        cookies for its own site only."""
        user_agent = own.pop("User-Agent", None)
        cookie = own.pop("Cookie", None)
        language = own.get("Accept-Language")
        try:
            context = await browser.new_context(
                # Loopback too (Chromium would bypass a proxy for it), said explicitly.
                proxy={"server": gate.url, "bypass": "<-loopback>"},
                user_agent=user_agent or None,
                locale=language.split(",")[0].split(";")[0].strip() if language else None,
                ignore_https_errors=not verify_tls,
                accept_downloads=False,
                service_workers="block",
                viewport=VIEWPORT,  # type: ignore[arg-type]
            )
        except Exception as exc:
            if not browser.is_connected():
                raise _BrowserGone(str(exc).splitlines()[0]) from None
            raise
        if cookie:
            jar: list[Any] = []
            for pair in cookie.split("; "):
                name, _, value = pair.partition("=")
                jar.append({"name": name, "value": value, "url": url})
            await context.add_cookies(jar)
        if own:
            home = _origin(url)

            async def add_own(route: Any, request: Any) -> None:
                if _origin(request.url) != home:
                    await route.continue_()
                    return
                # Fetched here, one hop at a time: a redirect the page's origin answers is
                # handed to the browser to follow as a new request (back through this
                # handler), so the headers never travel to another origin with it.
                sent = {**request.headers, **{k.lower(): v for k, v in own.items()}}
                answer = await route.fetch(headers=sent, max_redirects=0)
                await route.fulfill(response=answer)

            await context.route("**/*", add_own)
        return context


class _BrowserGone(Exception):
    """The browser process went away during a rendering."""


class _Rendering:
    """One page's rendering in ``context``: load, settle, wait, click, read, shoot."""

    def __init__(
        self, options: FetchOptions, context: BrowserContext, gate: Gate, url: str
    ) -> None:
        self.options = options
        self.context = context
        self.gate = gate
        self.url = url
        self.requests = 0
        self.documents: list[str] = []  # the main frame's navigations, redirects included
        self.notes: list[str] = []
        self.deadline = time.monotonic() + options.browser_timeout
        context.set_default_timeout(options.browser_timeout * 1000)

    def _on_request(self, request: Any) -> None:
        self.requests += 1
        if self.requests > self.options.browser_max_requests:
            self.gate.stop(f"the page made more than {self.options.browser_max_requests} requests")
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.documents.append(request.url)

    def _check_gate(self) -> None:
        for document in self.documents:
            why = self.gate.refused.get(_where(document))
            if why is not None:
                raise BlockedAddressError(
                    self.url,
                    f"refusing {why} (to permit: allow_private_networks = true in [monitor])",
                )
        if self.gate.stopped:
            limit = "browser_max_requests" if "requests" in self.gate.stopped else (
                "browser_max_bytes"
            )  # fmt: skip
            raise TooLargeError(self.url, f"{self.gate.stopped}; abandoned ({limit})")

    async def run(self, wait_for: str | None, click: tuple[str, ...]) -> dict[str, Any]:
        from playwright.async_api import Error
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        page = await self.context.new_page()
        self.context.on("request", self._on_request)
        self.context.on("page", _close_popup)
        try:
            # The document first; then its images and scripts, for a while: one resource
            # that never loads (a tracker, long polling) must not cost the whole page.
            response = await page.goto(self.url, wait_until="domcontentloaded")
        except Error as exc:
            self._check_gate()
            message = str(exc).splitlines()[0]
            if "Download is starting" in message:
                raise FetchError(
                    self.url,
                    "the browser was given a file to download, not a page "
                    '(fetcher = "http" reads PDF and text files)',
                ) from None
            raise FetchError(self.url, f"the browser could not load the page: {message}",
                             transient="ERR_" in message) from None  # fmt: skip
        self._check_gate()
        if response is None:
            raise FetchError(self.url, "the browser got no response for the page")
        status = response.status
        if status >= 400:
            raise HTTPStatusError(
                self.url, f"HTTP {status}", status=status,
                transient=status in (408, 429) or status >= 500,
            )  # fmt: skip
        try:
            await page.wait_for_load_state("load", timeout=self._within(LOAD_WAIT))
        except PlaywrightTimeout:
            self.notes.append(f"the page was still loading after {LOAD_WAIT:g}s: read as it was")
        await self._settle(page, PlaywrightTimeout)
        if wait_for:
            try:
                await page.wait_for_selector(
                    wait_for, state="attached", timeout=self._within(WAIT_FOR_TIMEOUT)
                )
            except PlaywrightTimeout:
                raise FetchError(
                    self.url, f"wait_for: {wait_for!r} never appeared on the page "
                    f"(waited {WAIT_FOR_TIMEOUT:g}s)", status=status,
                ) from None  # fmt: skip
            except Error as exc:  # a selector Playwright cannot read
                raise FetchError(self.url, f"wait_for: {wait_for!r}: {_first(exc)}",
                                 status=status) from None  # fmt: skip
        for selector in click:
            target = page.locator(selector).first
            try:
                present = await target.count() > 0
            except Error as exc:
                self.notes.append(f"click: {selector!r}: {_first(exc)} (skipped)")
                continue
            if not present:
                self.notes.append(f"click: {selector!r} is not on the page (skipped)")
                continue
            try:
                await target.click(timeout=CLICK_TIMEOUT * 1000)
            except (PlaywrightTimeout, Error) as exc:
                self.notes.append(f"click: {selector!r} could not be pressed ({_first(exc)})")
                continue
            await self._settle(page, PlaywrightTimeout)
        self._check_gate()
        html = await page.content()
        body = html.encode("utf-8")
        if len(body) > self.options.max_bytes:
            raise TooLargeError(
                self.url, f"rendered page of {len(body)} bytes exceeds max_bytes "
                f"({self.options.max_bytes})", status=status,
            )  # fmt: skip
        screenshot = await self._screenshot(page)
        refused = [w for w in self.gate.refused if w not in map(_where, self.documents)]
        if refused:
            self.notes.append(
                f"the browser refused {len(refused)} request(s) to non-public addresses "
                f"({', '.join(sorted(refused)[:5])})"
            )
        chain = []  # the page's requests, from the first to the one answered
        request: Any = response.request
        while request is not None:
            chain.append(request.url)
            request = request.redirected_from
        return {
            "url": self.url,
            "final_url": page.url,
            "status": status,
            "headers": dict(response.headers),
            "body": body,
            "content_type": "text/html",
            "encoding": "utf-8",
            "etag": None,
            "last_modified": None,
            "redirects": tuple(reversed(chain[:-1])),
            "fetcher": "browser",
            "screenshot": screenshot,
            "notes": tuple(self.notes),
        }

    def _within(self, seconds: float) -> float:
        """A Playwright timeout (ms) of ``seconds``, cut to the time the rendering has left."""
        return max(min(seconds, self.deadline - time.monotonic() - 1.0), 0.5) * 1000

    async def _settle(self, page: Page, timeout_error: type[Exception]) -> None:
        """Give scripts a moment to finish: until the network is quiet, at most SETTLE s."""
        with contextlib.suppress(timeout_error):
            await page.wait_for_load_state("networkidle", timeout=self._within(SETTLE))

    async def _screenshot(self, page: Page) -> bytes | None:
        try:
            height = await page.evaluate("document.documentElement.scrollHeight")
            height = max(1, min(int(height or 1), SCREENSHOT_MAX_HEIGHT))
            return await page.screenshot(
                full_page=True,
                type="png",
                clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height},
                animations="disabled",
            )
        except Exception as exc:  # evidence, not the page: the check goes on without it
            self.notes.append(f"no screenshot ({_first(exc)})")
            return None


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def _close_popup(page: Any) -> None:
    """A window the page opens (an advert, a popup) is closed at once."""
    if page.opener is not None:
        with contextlib.suppress(Exception):
            await page.close()
