"""Handing freed memory back to the system between runs of checks.

CPython frees objects into the C allocator, which keeps the pages for reuse:
after a cycle of checks that read many large pages, the process stays as large
as its busiest moment. ``give_back()`` asks glibc to return what is free
(``malloc_trim``); elsewhere (musl, macOS) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable

__all__ = ["give_back"]

logger = logging.getLogger(__name__)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_TRIM = _malloc_trim()


def give_back() -> bool:
    """Return free heap memory to the system; True when the allocator could."""
    if _TRIM is None:
        return False
    try:
        return bool(_TRIM(0))
    except Exception:  # never let housekeeping break a run
        logger.debug("malloc_trim failed", exc_info=True)
        return False
