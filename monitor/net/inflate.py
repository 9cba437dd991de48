"""Content-Encoding decoding with a ceiling on the output, for compression bombs.

httpx decodes each network read in one go, so a few kilobytes of brotli can
ask for gigabytes before any size check sees them. The fetcher reads the raw
stream instead and feeds it here: every step asks the decompressor for at
most the room left under ``max_bytes`` (plus one byte, to notice the excess),
so memory stays bounded by ``max_bytes`` whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli

__all__ = ["ACCEPT_ENCODING", "Inflater", "TooMuchOutput", "UnknownEncoding", "inflater_for"]

ACCEPT_ENCODING = "gzip, deflate, br"


class TooMuchOutput(Exception):
    """The decoded body would exceed the limit."""


class UnknownEncoding(Exception):
    """A Content-Encoding this module does not decode."""


class Inflater(Protocol):
    def feed(self, data: bytes, room: int) -> bytes:
        """Decode ``data``; raise :class:`TooMuchOutput` past ``room`` bytes."""
        ...

    def flush(self, room: int) -> bytes:
        """Whatever is still buffered at the end of the stream."""
        ...


class _Identity:
    def feed(self, data: bytes, room: int) -> bytes:
        if len(data) > room:
            raise TooMuchOutput
        return data

    def flush(self, room: int) -> bytes:
        return b""


class _Zlib:
    """gzip (``wbits`` 16+15) and deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, wbits: int, *, deflate: bool = False) -> None:
        self._decoder = zlib.decompressobj(wbits)
        self._deflate = deflate
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        if self._deflate and not self._started and data:
            self._started = True
            try:
                return self._drain(data, room)
            except zlib.error:  # a raw deflate stream without the zlib header
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._drain(data, room)

    def _drain(self, data: bytes, room: int) -> bytes:
        out = bytearray()
        pending = data
        while True:
            chunk = self._decoder.decompress(pending, room - len(out) + 1)
            out += chunk
            if len(out) > room:
                raise TooMuchOutput
            pending = self._decoder.unconsumed_tail
            if not pending:
                return bytes(out)

    def flush(self, room: int) -> bytes:
        out = self._decoder.flush(room + 1) if room >= 0 else b""
        if len(out) > room:
            raise TooMuchOutput
        return out


class _Brotli:
    def __init__(self) -> None:
        self._decoder = brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        out = bytearray(self._decoder.process(data, output_buffer_limit=room + 1))
        while len(out) <= room and not self._decoder.can_accept_more_data():
            out += self._decoder.process(b"", output_buffer_limit=room - len(out) + 1)
        if len(out) > room:
            raise TooMuchOutput
        return bytes(out)

    def flush(self, room: int) -> bytes:
        return self.feed(b"", room) if not self._decoder.is_finished() else b""


def inflater_for(content_encoding: str) -> Inflater:
    """The decoder for a Content-Encoding header value (one coding, or none)."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise UnknownEncoding(f"stacked Content-Encoding {content_encoding!r}")
    coding = codings[0]
    if coding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if coding == "deflate":
        return _Zlib(zlib.MAX_WBITS, deflate=True)
    if coding == "br":
        return _Brotli()
    raise UnknownEncoding(f"Content-Encoding {coding!r} is not supported")
