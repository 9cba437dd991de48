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

from monitor.errors import FetchError
from monitor.models import FetchResult
from monitor.net.gate import Dial, Gate
from monitor.net.netpolicy import Resolver
from monitor.net.options import DEFAULT_BROWSER, FetchOptions
from monitor.net.rendering import VIEWPORT, Rendering, first_line, origin

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright

__all__ = ["BrowserFetcher", "BrowserMissing"]

logger = logging.getLogger(__name__)

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
                    url, f"cannot start the browser at {path}: {first_line(exc)}"
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
                    result = await Rendering(self.options, context, gate, url).run(wait_for, click)
            except TimeoutError:
                raise FetchError(
                    url,
                    f"the page did not finish rendering within {opts.browser_timeout:g}s "
                    "(browser_timeout)",
                    transient=True,
                ) from None
            except Exception as exc:
                if not browser.is_connected():  # (whatever the rendering made of it)
                    raise _BrowserGone(first_line(exc)) from None
                if isinstance(exc, FetchError):
                    raise
                if type(exc).__module__.startswith("playwright"):  # said as one line, no trace
                    raise FetchError(url, f"the browser failed: {first_line(exc)}") from None
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
            home = origin(url)

            async def add_own(route: Any, request: Any) -> None:
                if origin(request.url) != home:
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
