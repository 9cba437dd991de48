"""One page's rendering in a fresh browser context: load it (the document, then its
resources for a while), let it settle, wait for a selector, press the ``click``
selectors, read the HTML and take a full-page screenshot, within the limits the
gate and the deadline hold."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from monitor.errors import BlockedAddressError, FetchError, HTTPStatusError, TooLargeError
from monitor.net.gate import Gate
from monitor.net.options import FetchOptions

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page

__all__ = ["VIEWPORT", "Rendering", "first_line", "origin"]

VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOT_MAX_HEIGHT = 16_000  # pixels: a longer page is shot down to here
CLICK_TIMEOUT = 5.0  # seconds for each `click` selector
WAIT_FOR_TIMEOUT = 15.0  # seconds for the `wait_for` selector to appear
LOAD_WAIT = 15.0  # seconds for a page's images and scripts after its document
SETTLE = 3.0  # seconds to wait for the network to go quiet after loading or clicking


def origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def _where(url: str) -> str:
    _, host, port = origin(url)
    return f"{host}:{port}"


class Rendering:
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
                raise FetchError(self.url, f"wait_for: {wait_for!r}: {first_line(exc)}",
                                 status=status) from None  # fmt: skip
        for selector in click:
            target = page.locator(selector).first
            try:
                present = await target.count() > 0
            except Error as exc:
                self.notes.append(f"click: {selector!r}: {first_line(exc)} (skipped)")
                continue
            if not present:
                self.notes.append(f"click: {selector!r} is not on the page (skipped)")
                continue
            try:
                await target.click(timeout=CLICK_TIMEOUT * 1000)
            except (PlaywrightTimeout, Error) as exc:
                self.notes.append(f"click: {selector!r} could not be pressed ({first_line(exc)})")
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
            self.notes.append(f"no screenshot ({first_line(exc)})")
            return None


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def _close_popup(page: Any) -> None:
    """A window the page opens (an advert, a popup) is closed at once."""
    if page.opener is not None:
        with contextlib.suppress(Exception):
            await page.close()
