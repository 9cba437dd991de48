"""The network policy: which addresses the monitor may connect to, enforced per request.

Each request (the first and every redirect hop, and every webhook POST) is
resolved first and refused when any address it resolves to is private,
loopback, link-local, CGNAT, multicast or reserved, unless
``allow_private_networks`` is set; the connection is then pinned to the
checked address so a second DNS answer cannot slip past the check.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

import httpx

from monitor.errors import BlockedAddressError, FetchError

__all__ = [
    "AddressGuard",
    "Resolver",
    "address_allowed",
    "refuse_unless_public",
    "system_resolver",
]

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # local-use, never global
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # ::a.b.c.d, deprecated
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # ::ffff:0:a.b.c.d (SIIT)

Resolver = Callable[[str, int], Awaitable[list[str]]]


def address_allowed(address: str) -> bool:
    """True when ``address`` is a globally routable unicast address.

    IPv6 forms that carry an IPv4 address (mapped, compatible, translated,
    NAT64, 6to4, Teredo) are judged by the address they carry, so
    ``::ffff:127.0.0.1`` and ``::127.0.0.1`` are loopback; the local-use NAT64
    prefix is never global.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return False
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and any(ip in net for net in _CARRIERS):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


_CARRIERS = (_NAT64, _IPV4_COMPATIBLE, _IPV4_TRANSLATED)


def refuse_unless_public(
    url: str, host: str, addresses: list[str], *, literal: bool = False
) -> None:
    """Raise :class:`BlockedAddressError` when any of ``host``'s addresses is not public
    (``literal``: the host is an address, written in some form, not a name)."""
    for address in addresses:
        if not address_allowed(address):
            how = "it is" if literal else "it resolves to"
            raise BlockedAddressError(
                url,
                f"refusing {host!r}: {how} the non-public address {address} "
                "(to permit: allow_private_networks = true in [monitor], or "
                "monitor diff --allow-private-networks)",
            )


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class AddressGuard(httpx.AsyncBaseTransport):
    """A transport wrapper that enforces the network policy on every request."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        allow_private_networks: bool,
        resolver: Resolver | None = None,
    ) -> None:
        self._inner = inner
        self._allow_private = allow_private_networks
        self._resolve = resolver or system_resolver

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise FetchError(str(url), f"refusing to fetch a {url.scheme}: URL")
        if self._allow_private:
            return await self._inner.handle_async_request(request)
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = await self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(
                str(url), f"cannot resolve host {host!r}: {exc}", transient=True
            ) from None
        if not addresses:
            raise FetchError(str(url), f"host {host!r} has no address", transient=True)
        refuse_unless_public(str(url), host, addresses)
        # Pin the connection to the address just checked; keep Host and TLS SNI.
        request.url = url.copy_with(host=addresses[0])
        request.extensions = {**request.extensions, "sni_hostname": host}
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
