"""The fetch stage: one HTTP session with limits (``exchange.py``), a deadline,
retries, redirects, TLS settings, bounded decoding (``inflate.py``) and the
network policy (``netpolicy.py``).

Only this module with ``exchange.py``, the browser (``browser.py``, through its
gate) and webhook delivery (``notify/delivery.py``, through
:class:`~monitor.net.netpolicy.AddressGuard`) touch the network.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

import brotli
import httpx

from monitor.config_checks import mask_credentials
from monitor.errors import (
    FetchError,
    HTTPStatusError,
    TooLargeError,
    TooManyRedirectsError,
)
from monitor.models import FetchResult
from monitor.net.browser import BrowserFetcher
from monitor.net.exchange import AiohttpExchange, Exchange, HttpxExchange, Reply, failure
from monitor.net.gate import Dial
from monitor.net.inflate import ACCEPT_ENCODING, TooMuchOutput, UnknownEncoding, inflater_for
from monitor.net.netpolicy import Resolver
from monitor.net.options import FetchOptions
from monitor.net.tls import parse_retry_after, tls_context
from monitor.text.charset import charset_from_content_type, detect_encoding, is_textual

__all__ = ["FetchOptions", "Fetcher", "parse_retry_after", "tls_context"]

logger = logging.getLogger(__name__)

_ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/*;q=0.8,*/*;q=0.5"


class Fetcher:
    """Fetches policy URLs. Use as ``async with Fetcher(options) as f: await f.fetch(url)``."""

    def __init__(
        self,
        options: FetchOptions,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        dial: Dial | None = None,
    ) -> None:
        self.options = options
        self._transport = transport
        self._resolver = resolver
        self._dial = dial  # where the browser's gate connects (tests: a loopback server)
        self._browser: BrowserFetcher | None = None
        self._exchanges: dict[bool, Exchange] = {}
        self._sleep = sleep
        self._global = asyncio.Semaphore(options.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for exchange in self._exchanges.values():
            await exchange.aclose()
        self._exchanges.clear()
        if self._browser is not None:
            await self._browser.aclose()

    @property
    def browser(self) -> BrowserFetcher:
        """The browser fetcher, one Chromium process started on first use."""
        if self._browser is None:
            self._browser = BrowserFetcher(self.options, resolver=self._resolver, dial=self._dial)
        return self._browser

    async def render(
        self,
        url: str,
        *,
        verify_tls: bool = True,
        headers: Mapping[str, str] | None = None,
        wait_for: str | None = None,
        click: tuple[str, ...] = (),
    ) -> FetchResult:
        """``url`` rendered by the browser (see :class:`BrowserFetcher`), within the
        per-host limit; raise :class:`FetchError` when it cannot be had."""
        parsed = _checked(url)
        async with self._host_limit(parsed.host):
            return await self.browser.render(
                url, headers=headers, verify_tls=verify_tls, wait_for=wait_for, click=click
            )

    def _exchange(self, verify_tls: bool) -> Exchange:
        """One exchange per TLS mode, made on first use (most runs only ever verify)."""
        exchange = self._exchanges.get(verify_tls)
        if exchange is None:
            headers = {
                "User-Agent": self.options.user_agent,
                "Accept": _ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            }
            if self._transport is not None:
                exchange = HttpxExchange(
                    self.options,
                    transport=self._transport,
                    headers=headers,
                    resolver=self._resolver,
                )
            else:
                exchange = AiohttpExchange(
                    self.options, verify_tls=verify_tls, headers=headers, resolver=self._resolver
                )
            self._exchanges[verify_tls] = exchange
        return exchange

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.options.per_host_concurrency)
        return self._hosts[host]

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay = min(self.options.backoff * (2**attempt), self.options.backoff_max)
        delay *= random.uniform(0.5, 1.5)  # jitter spreads retries of many policies
        if retry_after is not None:
            delay = max(delay, retry_after)
        return float(delay)

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        verify_tls: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """Fetch ``url`` with retries; raise :class:`FetchError` when it cannot be had.

        ``headers`` (a policy's own: a consent cookie, a user agent) go only to ``url``'s
        own host: a redirect to another host does not carry them.

        ``options.timeout`` bounds the whole fetch, retries and waits included:
        a server that trickles its body, or asks to be retried later than the
        time left, ends the fetch at the deadline.
        """
        parsed = _checked(url)  # parsed once: the host's limit and the first hop use it
        # The deadline starts once a connection slot is ours: waiting in the queue
        # behind other policies is not this server's fault. Backoff waits keep the
        # slot, which keeps a struggling host from being asked by the next policy.
        async with self._host_limit(parsed.host), self._global:
            return await self._fetch_until_deadline(
                url, parsed, etag, last_modified, verify_tls, dict(headers or {})
            )

    async def _fetch_until_deadline(
        self,
        url: str,
        parsed: httpx.URL,
        etag: str | None,
        last_modified: str | None,
        verify_tls: bool,
        own: dict[str, str],
    ) -> FetchResult:
        opts = self.options
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + opts.timeout
        attempt = 0
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    result = await self._fetch_once(
                        url, parsed, etag, last_modified, verify_tls, own
                    )
            except TimeoutError:
                raise FetchError(
                    url, f"timed out after {opts.timeout:g}s", transient=True
                ) from None
            except FetchError as exc:
                error = exc
            else:
                return _with(result, elapsed=time.monotonic() - started, attempts=attempt + 1)
            if not error.transient or attempt >= opts.retries:
                raise error
            delay = self._backoff(attempt, error.retry_after)
            if loop.time() + delay >= deadline:
                wait = error.retry_after if error.retry_after is not None else delay
                raise FetchError(
                    url,
                    f"{error} (a retry in {wait:.0f}s would pass the {opts.timeout:g}s timeout)",
                    status=error.status,
                    transient=True,
                )
            logger.info("retrying %s in %.1fs after: %s", url, delay, error)
            await self._sleep(delay)
            attempt += 1

    async def _fetch_once(
        self,
        url: str,
        parsed: httpx.URL,
        etag: str | None,
        last_modified: str | None,
        verify_tls: bool,
        own: dict[str, str],
    ) -> FetchResult:
        opts = self.options
        exchange = self._exchange(verify_tls)
        headers: dict[str, str] = {}
        # A validator that is not ASCII could not be sent back byte for byte: none is sent.
        if etag and etag.isascii():
            headers["If-None-Match"] = etag
        if last_modified and last_modified.isascii():
            headers["If-Modified-Since"] = last_modified
        current = hops_origin = parsed
        hops: list[str] = []
        first = str(current)
        seen = {first}
        while True:
            try:
                home = current.host == hops_origin.host and current.port == hops_origin.port
                reply = await exchange.send(current, {**own, **headers} if home else headers)
            except Exception as exc:
                error = failure(url, exc, opts.timeout)
                if error is None:
                    raise
                raise error from None
            try:
                if reply.status in (301, 302, 303, 307, 308) and "location" in reply.headers:
                    try:
                        target = current.join(reply.headers["location"])
                        target.host  # noqa: B018 (an invalid international name raises here)
                    except (httpx.InvalidURL, ValueError) as exc:  # UnicodeError is one
                        raise FetchError(url, f"redirect to an invalid URL: {exc}") from None
                    if target.scheme not in ("http", "https"):
                        shown = mask_credentials(reply.headers["location"])
                        raise FetchError(url, f"redirect to {shown} refused: not http or https")
                    if target.userinfo:
                        shown = mask_credentials(str(target))
                        raise FetchError(
                            url, f"redirect to a URL with credentials refused: {shown}"
                        )
                    if str(target) in seen:
                        raise TooManyRedirectsError(url, f"redirect loop at {target}")
                    if len(hops) >= opts.max_redirects:
                        raise TooManyRedirectsError(
                            url, f"more than {opts.max_redirects} redirects"
                        )
                    hops.append(str(target))
                    seen.add(str(target))
                    current = target
                    continue
                return await self._read(url, hops[-1] if hops else first, reply, hops)
            finally:
                await reply.aclose()

    async def _read(
        self, url: str, final_url: str, response: Reply, hops: list[str]
    ) -> FetchResult:
        status = response.status
        if status == 429 or status == 408 or status >= 500:
            raise HTTPStatusError(
                url,
                f"HTTP {status}",
                status=status,
                transient=True,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        if status >= 400:
            raise HTTPStatusError(url, f"HTTP {status}", status=status)
        header_type = response.headers.get("content-type", "")
        content_type = header_type.split(";")[0].strip().lower()
        raw = b"" if status == 304 else await self._read_body(url, response, status)
        encoding = (
            detect_encoding(raw, content_type, charset_from_content_type(header_type))
            if status != 304 and is_textual(content_type)
            else None
        )
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            headers=response.headers,
            body=raw,
            content_type=content_type,
            encoding=encoding,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            elapsed=0.0,
            redirects=tuple(hops),
        )

    async def _read_body(self, url: str, response: Reply, status: int) -> bytes:
        """The decoded body, abandoned past ``max_bytes`` (see ``inflate.py``)."""
        opts = self.options
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > opts.max_bytes:
            raise TooLargeError(
                url,
                f"body of {int(declared)} bytes exceeds max_bytes ({opts.max_bytes})",
                status=status,
            )
        body = bytearray()
        try:
            inflater = inflater_for(response.headers.get("content-encoding", ""))
            # Raw bytes, decoded here with a ceiling, not a whole read at once.
            async for chunk in response.raw():
                body += inflater.feed(chunk, opts.max_bytes - len(body))
            body += inflater.flush(opts.max_bytes - len(body))
        except TooMuchOutput:
            raise TooLargeError(
                url, f"body exceeds max_bytes ({opts.max_bytes}); abandoned", status=status
            ) from None
        except UnknownEncoding as exc:
            raise FetchError(url, str(exc), status=status) from None
        except (zlib.error, brotli.error) as exc:
            raise FetchError(url, f"cannot decode the response body: {exc}") from None
        except Exception as exc:
            error = failure(url, exc, opts.timeout)
            if error is None:
                raise
            raise error from None
        return bytes(body)


def _checked(url: str) -> httpx.URL:
    """``url`` parsed, or the reason it is not fetched."""
    try:
        parsed = httpx.URL(url)
        parsed.host  # noqa: B018 (an invalid international name raises here)
    except (httpx.InvalidURL, ValueError) as exc:  # UnicodeError is a ValueError
        raise FetchError(mask_credentials(url), f"invalid URL: {exc}") from None
    if parsed.userinfo:
        raise FetchError(mask_credentials(url), "refusing a URL with credentials (user:password@)")
    if parsed.scheme not in ("http", "https"):
        raise FetchError(mask_credentials(url), f"refusing to fetch a {parsed.scheme}: URL")
    return parsed


def _with(result: FetchResult, *, elapsed: float, attempts: int) -> FetchResult:
    return replace(result, elapsed=elapsed, attempts=attempts)
