"""Handing freed memory back to the system between runs of checks.

CPython frees objects into the C allocator, which keeps the pages for reuse:
after a cycle of checks that read many large pages, the process stays as large
as its busiest moment. ``give_back()`` first empties the caches marked with
:func:`per_run` (what one run of checks memoised: clause readings), then asks
glibc to return what is free (``malloc_trim``); elsewhere (musl, macOS) that
second step does nothing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Protocol, TypeVar

__all__ = ["give_back", "per_run"]

logger = logging.getLogger(__name__)


class _Cached(Protocol):
    def cache_clear(self) -> None: ...


Memo = TypeVar("Memo", bound=_Cached)
_PER_RUN: list[_Cached] = []


def per_run(function: Memo) -> Memo:
    """Mark a ``functools.lru_cache`` function whose entries are dropped between runs.

    Within a run the same clause is read many times; across runs, hours apart,
    the entries would only hold the process at its largest.
    """
    _PER_RUN.append(function)
    return function


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes  # loaded when first needed: find_library asks ldconfig
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def give_back() -> bool:
    """Drop the per-run caches and return free heap memory to the system; True when the
    allocator could."""
    for memo in _PER_RUN:
        memo.cache_clear()
    trim = _malloc_trim()
    if trim is None:
        return False
    try:
        return bool(trim(0))
    except Exception:  # never let housekeeping break a run
        logger.debug("malloc_trim failed", exc_info=True)
        return False
