"""One HTTP exchange of the plain fetcher: send a GET, hand back the status, the
headers and the raw body as it arrives. Redirects, retries, the deadline and
decoding are the fetcher's (``fetch.py``); the network policy is enforced here,
on every request, before a connection is made.

Two ways to send, behind the same :class:`Exchange`:

- :class:`AiohttpExchange`, the default. aiohttp parses HTTP in C: on the
  benchmark corpus it spends about a fifth of httpx's CPU per request
  (``benchmarks/README.md``), and fetching is most of an unchanged check's
  CPU. Names are resolved by :class:`GuardedResolver`, which refuses non-public
  addresses; aiohttp connects only to the addresses it returns (a second DNS
  answer cannot slip past the check), and an address written in the URL is
  checked here, since aiohttp does not resolve it.
- :class:`HttpxExchange`, when the fetcher is given an httpx transport: unit
  tests of the retry and redirect logic (``httpx.MockTransport``), through
  :class:`~monitor.net.netpolicy.AddressGuard` like webhook delivery.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from monitor import patterns
from monitor.errors import FetchError
from monitor.net.netpolicy import AddressGuard, Resolver, refuse_unless_public, system_resolver
from monitor.net.options import FetchOptions
from monitor.net.tls import certificate_error, tls_context

__all__ = [
    "AiohttpExchange",
    "Exchange",
    "GuardedResolver",
    "HttpxExchange",
    "Reply",
    "failure",
]

_FIELD_MAX = 65_536  # a header line aiohttp accepts (its default 8 KB refuses long cookies)


@dataclass
class Reply:
    """A response whose body is not read yet. ``headers``: lower-case names, repeated
    fields joined by ", " (as ``dict(httpx.Headers)`` gives them)."""

    status: int
    headers: dict[str, str]
    _chunks: AsyncIterator[bytes]
    _close: Callable[[], Awaitable[None]]

    def raw(self) -> AsyncIterator[bytes]:
        """The body as sent (still compressed), chunk by chunk."""
        return self._chunks

    async def aclose(self) -> None:
        await self._close()


class Exchange(Protocol):
    async def send(self, url: httpx.URL, headers: Mapping[str, str]) -> Reply: ...

    async def aclose(self) -> None: ...


def failure(url: str, exc: BaseException, timeout: float) -> FetchError | None:
    """The fetch error a transport's exception means, or None when it is no transport's."""
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return FetchError(url, f"timed out after {timeout:g}s", transient=True)
    if isinstance(exc, httpx.InvalidURL | aiohttp.InvalidURL):
        return FetchError(url, f"invalid URL: {exc}")
    if isinstance(exc, httpx.TransportError | aiohttp.ClientError | OSError):
        refused = certificate_error(exc)
        if refused:
            return FetchError(
                url,
                f"TLS certificate refused: {refused} (set ca_file, or "
                "verify_tls = false for this policy, only if you accept the risk)",
            )
        return FetchError(url, f"connection failed: {_describe(exc)}", transient=True)
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        exc = exc.os_error
        if exc.errno:  # "Connection refused", not asyncio's "Connect call failed (...)"
            return os.strerror(exc.errno)
    text = " ".join(str(exc).split())  # aiohttp's parser errors span several lines
    return text or type(exc).__name__


class GuardedResolver(AbstractResolver):
    """Resolves names for aiohttp through ``resolver`` and refuses, before any
    connection, a name with a non-public address among its answers (unless
    private networks are allowed)."""

    def __init__(self, resolver: Resolver | None, *, allow_private_networks: bool) -> None:
        self._resolve = resolver or system_resolver
        self._allow_private = allow_private_networks

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            addresses = await self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(host, f"cannot resolve host {host!r}: {exc}", transient=True) from None
        if not self._allow_private:
            refuse_unless_public(host, host, addresses)
        if not addresses:
            raise FetchError(host, f"host {host!r} has no address", transient=True)
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        return None


class AiohttpExchange:
    """Sends through one aiohttp session (one per TLS mode: see the fetcher)."""

    def __init__(
        self,
        options: FetchOptions,
        *,
        verify_tls: bool,
        headers: Mapping[str, str],
        resolver: Resolver | None,
    ) -> None:
        self._allow_private = options.allow_private_networks
        self._verify_tls = verify_tls
        self._ca_file = options.ca_file
        self._tls: ssl.SSLContext | None = None  # made on the first https request
        connector = aiohttp.TCPConnector(
            limit=options.concurrency,
            limit_per_host=0,  # the fetcher's own per-host limit applies
            resolver=GuardedResolver(
                resolver, allow_private_networks=options.allow_private_networks
            ),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=dict(headers),
            auto_decompress=False,  # decoded by the fetcher, with a ceiling
            # kept for the run, as httpx does; values sent as the server set them
            cookie_jar=aiohttp.CookieJar(unsafe=True, quote_cookie=False),
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=min(10.0, options.timeout)
            ),  # the whole fetch is bounded by the fetcher's deadline
            max_line_size=_FIELD_MAX,
            max_field_size=_FIELD_MAX,
            trust_env=False,  # no proxy from the environment: the policy is checked here
        )

    async def send(self, url: httpx.URL, headers: Mapping[str, str]) -> Reply:
        _refuse_literal(url, allow_private=self._allow_private)
        sent = dict(headers)
        cookies = _own_cookies(sent)
        try:
            response = await self._session.get(
                URL(str(url), encoded=True),
                headers=sent,
                cookies=cookies,
                allow_redirects=False,
                ssl=self._tls_for(url),
            )
        except FetchError as exc:  # from the resolver, which knows the host, not the URL
            exc.url = str(url)
            raise
        fields = _fields(response.raw_headers)

        async def close() -> None:
            response.release()  # a body not read to its end closes the connection

        return Reply(response.status, fields, response.content.iter_any(), close)

    def _tls_for(self, url: httpx.URL) -> ssl.SSLContext | bool:
        """The certificate authorities to verify against (certifi and ``ca_file``),
        loaded on the first https request: a run of plain http loads none."""
        if url.scheme != "https":
            return True  # no TLS on this connection
        if not self._verify_tls:
            return False
        if self._tls is None:
            self._tls = tls_context(self._ca_file)
        return self._tls

    async def aclose(self) -> None:
        await self._session.close()


def _refuse_literal(url: httpx.URL, *, allow_private: bool) -> None:
    """An address written in the URL is not resolved: it is checked as it stands.

    A host whose last label is a number is an IPv4 address in one of its forms
    (short, decimal, octal, hex: "127.1", "2130706433"; a trailing dot too), as
    browsers read it; one that is no address at all is refused.
    """
    host = url.host
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError:
        bare = host.rstrip(".")
        if not _NUMBER_LABEL.fullmatch(bare.rsplit(".", 1)[-1]):
            return  # a name: the resolver checks its addresses
        try:
            address = str(ipaddress.IPv4Address(socket.inet_aton(bare)))
        except OSError:
            raise FetchError(str(url), f"invalid URL: {host!r} is not an address") from None
    if not allow_private:
        refuse_unless_public(str(url), host, [address], literal=True)


_NUMBER_LABEL = patterns.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")


def _own_cookies(headers: dict[str, str]) -> dict[str, str] | None:
    """A policy's own ``Cookie`` header as cookies of the request (taken out of
    ``headers``): aiohttp lets cookies the run collected override a header's, but not
    these. A header that is no list of ``name=value`` pairs is sent as it is."""
    for name in list(headers):
        if name.lower() != "cookie":
            continue
        pairs = [part.strip().partition("=") for part in headers[name].split(";") if part.strip()]
        if not pairs or any(not key or not sep for key, sep, _ in pairs):
            return None
        del headers[name]
        return {key.strip(): value.strip() for key, _, value in pairs}
    return None


def _fields(raw: tuple[tuple[bytes, bytes], ...]) -> dict[str, str]:
    """Header fields as httpx reads them: names in lower case, repeated fields joined by
    ", ", the bytes decoded as ASCII, else UTF-8, else Latin-1 (never a lone surrogate,
    which the store could not write)."""
    encoding = "ascii"
    for name, value in raw:
        if not (name + value).isascii():
            try:
                b"".join(name + value for name, value in raw).decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError:
                encoding = "latin-1"
            break
    fields: dict[str, str] = {}
    for name, value in raw:
        key = name.decode(encoding).lower()
        text = value.decode(encoding)
        fields[key] = f"{fields[key]}, {text}" if key in fields else text
    return fields


class HttpxExchange:
    """Sends through an httpx client over ``transport``, behind the address guard."""

    def __init__(
        self,
        options: FetchOptions,
        *,
        transport: httpx.AsyncBaseTransport,
        headers: Mapping[str, str],
        resolver: Resolver | None,
    ) -> None:
        self._client = httpx.AsyncClient(
            transport=AddressGuard(
                transport,
                allow_private_networks=options.allow_private_networks,
                resolver=resolver,
            ),
            timeout=httpx.Timeout(
                options.timeout, connect=min(10.0, options.timeout), pool=options.timeout
            ),
            follow_redirects=False,
            headers=dict(headers),
        )

    async def send(self, url: httpx.URL, headers: Mapping[str, str]) -> Reply:
        request = self._client.build_request("GET", url, headers=dict(headers))
        response = await self._client.send(request, stream=True)
        return Reply(
            response.status_code, dict(response.headers), response.aiter_raw(), response.aclose
        )

    async def aclose(self) -> None:
        await self._client.aclose()
