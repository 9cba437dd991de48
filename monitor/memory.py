"""Handing freed memory back to the system between runs of checks.

CPython frees objects into the C allocator, which keeps the pages for reuse:
after a cycle of checks that read many large pages, the process stays as large
as its busiest moment. ``give_back()`` first empties the caches marked with
:func:`per_run` (what one run of checks memoised: clause readings), then asks
glibc to return what is free (``malloc_trim``); elsewhere (musl, macOS) that
second step does nothing.

glibc also gives each thread that allocates its own heap ("arena"), up to eight
per core, and once a large block is freed it serves blocks up to that size from
a heap instead of mapping them apart (its mmap threshold rises). Fetch, store
and judging threads each fragmenting a heap with page bodies kept a cycle
benchmark's process 15-25% above its first cycle. ``tune_malloc()`` (called
where checks start) holds glibc to two heaps and its threshold at 64 KB, so a
large block the heap has no room for gets pages of its own, which freeing it
returns, as ``MALLOC_ARENA_MAX=2`` and ``MALLOC_MMAP_THRESHOLD_=65536`` would;
either variable set by the user wins.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

__all__ = ["give_back", "per_run", "tune_malloc"]

ARENAS = 2
MAP_APART = 64 * 1024  # bytes: larger blocks the heap cannot hold get pages of their own
_M_ARENA_MAX = -8  # glibc malloc.h
_M_MMAP_THRESHOLD = -3

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
def _libc() -> Any:
    import ctypes  # loaded when first needed: find_library asks ldconfig
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    trim: Callable[[int], int] | None = getattr(_libc(), "malloc_trim", None)
    return trim


@functools.cache
def tune_malloc() -> bool:
    """Hold glibc to ``ARENAS`` heaps for all threads and its mmap threshold at
    ``MAP_APART`` bytes; True when it took the heap setting. Once per process; a
    no-op without glibc, and each setting left alone when its variable is set."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    try:
        if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
            mallopt(_M_MMAP_THRESHOLD, MAP_APART)
        return "MALLOC_ARENA_MAX" not in os.environ and bool(mallopt(_M_ARENA_MAX, ARENAS))
    except Exception:  # never let housekeeping break a run
        logger.debug("mallopt failed", exc_info=True)
        return False


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
