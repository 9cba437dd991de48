"""The browser's gate: a forward proxy on loopback through which a rendering browser
makes every request, so the network policy holds inside the browser too.

The browser is told to use the gate for everything (loopback included), and it
resolves no names itself: the gate resolves each request's host, refuses it when
any address is non-public (unless ``allow_private_networks``), and connects to the
address it checked, so a second DNS answer cannot slip past. Plain ``http://``
requests are forwarded one per connection; ``CONNECT`` (``https://``, ``wss://``)
is tunnelled to the checked address, TLS staying end to end. The gate counts the
bytes the servers send and closes every connection past ``max_bytes``.

One gate serves one fetch: its counters and refusals are that fetch's. It wants a
request head within ``HEAD_TIMEOUT`` and holds at most ``MAX_CONNECTIONS`` at once.
It asks for no password: Chromium does not answer a proxy's challenge for requests
the monitor intercepts, and a process of this machine gains nothing through it that
it could not reach itself (the same address policy applies to everyone's requests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from monitor.net.netpolicy import Resolver, address_allowed, system_resolver

__all__ = ["Dial", "Gate"]

logger = logging.getLogger(__name__)

Dial = Callable[[str, int], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]

_HEAD_LIMIT = 64 * 1024  # a request head larger than this is refused
HEAD_TIMEOUT = 10.0  # seconds a connection may take to send its request head
MAX_CONNECTIONS = 64  # open at once through one gate (Chromium uses at most 32 per proxy)
_CHUNK = 64 * 1024
_HOP_BY_HOP = {"proxy-connection", "proxy-authorization", "connection", "keep-alive"}


async def _open(address: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(address, port)


class Gate:
    """A one-fetch forward proxy. ``async with Gate(...) as gate:`` then give the browser
    ``gate.url``. After the fetch: ``refused`` (what was not let through, and why),
    ``received`` (bytes the servers sent), ``requests``, and ``stopped`` (why the gate
    closed early: ``max_bytes`` passed, or :meth:`stop`)."""

    def __init__(
        self,
        *,
        allow_private_networks: bool,
        max_bytes: int,
        max_requests: int | None = None,
        resolver: Resolver | None = None,
        dial: Dial | None = None,
        connect_timeout: float = 10.0,
    ) -> None:
        self._allow_private = allow_private_networks
        self.max_bytes = max_bytes
        self.max_requests = max_requests
        self._closing = False
        self._resolve = resolver or system_resolver
        self._dial = dial or _open
        self._connect_timeout = connect_timeout
        self.refused: dict[str, str] = {}  # "host:port" -> why
        self.received = 0
        self.requests = 0
        self.stopped: str | None = None  # why the gate let nothing more through
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        assert self._server is not None, "the gate is not open"
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def __aenter__(self) -> Gate:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop listening and cut every connection still open."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        self._cut()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1.0)
            self._server = None

    def stop(self, why: str) -> None:
        """Let nothing more through, and cut every connection of this fetch."""
        if self.stopped is None:
            self.stopped = why
        self._cut()

    def _cut(self) -> None:
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            if len(self._tasks) > MAX_CONNECTIONS:
                await _answer(writer, 503, "too many connections through the gate at once")
                return
            await self._handle(reader, writer)
        except (
            OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
            TimeoutError, UnicodeError,
        ):  # fmt: skip
            pass
        except asyncio.CancelledError:
            if not self._closing:
                raise
            # Cut by close(): ends quietly (a cancelled connection task is logged by asyncio).
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.transport.abort()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT)
        if len(head) > _HEAD_LIMIT:
            return
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        if method == "CONNECT":
            host, _, port_text = target.rpartition(":")
            if not (port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536):
                await _answer(writer, 400, "CONNECT needs host:port")
                return
            host, port = host.strip("[]"), int(port_text)
        else:
            parts = urlsplit(target)
            if parts.scheme != "http" or not parts.hostname:
                await _answer(writer, 400, "only http:// requests and CONNECT pass the gate")
                return
            host = parts.hostname
            port = parts.port or 80
        if self.stopped:
            await _answer(writer, 403, self.stopped)
            return
        self.requests += 1
        if self.max_requests is not None and self.requests > self.max_requests:
            self.stop(f"the page made more than {self.max_requests} requests")
            return
        upstream = await self._connect(host, port, writer)
        if upstream is None:
            return
        up_reader, up_writer = upstream
        self._writers.add(up_writer)
        try:
            if method == "CONNECT":
                writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            else:
                parts = urlsplit(target)
                path = parts.path or "/"
                if parts.query:
                    path += "?" + parts.query
                kept = [
                    line
                    for line in lines[1:]
                    if line and line.split(":", 1)[0].strip().lower() not in _HOP_BY_HOP
                ]
                # One request per connection: the browser opens another for the next one.
                request = [f"{method} {path} {version}", *kept, "Connection: close", "", ""]
                up_writer.write("\r\n".join(request).encode("latin-1"))
            # Either side done (the server sent its answer and closed, or the browser
            # left the tunnel): the pair is done.
            pipes = {
                asyncio.ensure_future(self._pipe(reader, up_writer, count=False)),
                asyncio.ensure_future(self._pipe(up_reader, writer, count=True)),
            }
            try:
                await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for pipe in pipes:
                    pipe.cancel()
                await asyncio.gather(*pipes, return_exceptions=True)
        finally:
            self._writers.discard(up_writer)
            with contextlib.suppress(Exception):
                up_writer.transport.abort()

    async def _connect(
        self, host: str, port: int, writer: asyncio.StreamWriter
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """A connection to ``host``'s checked address, or None (answered and recorded)."""
        where = f"{host}:{port}"
        try:
            addresses = await asyncio.wait_for(self._resolve(host, port), self._connect_timeout)
        except (OSError, UnicodeError, TimeoutError) as exc:
            await _answer(writer, 502, f"cannot resolve host {host!r}: {exc}")
            return None
        if not addresses:
            await _answer(writer, 502, f"host {host!r} has no address")
            return None
        if not self._allow_private:
            for address in addresses:
                if not address_allowed(address):
                    why = f"{host!r} resolves to the non-public address {address}"
                    self.refused.setdefault(where, why)
                    logger.info("browser request refused: %s", why)
                    await _answer(writer, 403, f"refused: {why}")
                    return None
        try:
            return await asyncio.wait_for(self._dial(addresses[0], port), self._connect_timeout)
        except (OSError, TimeoutError) as exc:
            await _answer(writer, 502, f"cannot connect to {where}: {exc}")
            return None

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, count: bool
    ) -> None:
        try:
            while chunk := await source.read(_CHUNK):
                if count:
                    self.received += len(chunk)
                    if self.received > self.max_bytes:
                        self.stop(f"the page loaded more than {self.max_bytes:,} bytes")
                        return
                sink.write(chunk)
                await sink.drain()
        except (OSError, RuntimeError):
            pass
        finally:
            with contextlib.suppress(Exception):
                if sink.can_write_eof():
                    sink.write_eof()


async def _answer(writer: asyncio.StreamWriter, status: int, why: str) -> None:
    body = why.encode("utf-8", "replace")
    reason = {400: "Bad Request", 403: "Forbidden", 502: "Bad Gateway", 503: "Busy"}[status]
    writer.write(
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1")
        + body
    )
    with contextlib.suppress(OSError):
        await writer.drain()
