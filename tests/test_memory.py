"""Freed memory goes back to the system between runs (``monitor.memory.give_back``)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from monitor import memory
from monitor.memory import give_back

PROGRAM = textwrap.dedent(
    """
    import gc
    import os
    from monitor.memory import give_back

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

    # 200 MB in blocks the C allocator serves from its heap, then one block
    # after them that stays, so the heap cannot simply shrink from the top
    blocks = [bytes(2000) + bytes([i % 256]) for i in range(100_000)]
    pin = bytes(3000)
    del blocks
    gc.collect()
    before = rss_mb()
    handed_back = give_back()
    print(before, rss_mb(), handed_back, len(pin))
    """
)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or memory._malloc_trim() is None,
    reason="reads /proc, needs glibc's malloc_trim",
)
def test_freed_memory_is_handed_back() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True
    ).stdout.split()
    before, after, handed_back = float(out[0]), float(out[1]), out[2] == "True"
    assert handed_back
    assert before - after > 100, (before, after)  # most of the 200 MB freed


def test_a_failing_allocator_call_never_breaks_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_pad: int) -> int:
        raise OSError("no such symbol")

    monkeypatch.setattr(memory, "_malloc_trim", lambda: broken)
    assert give_back() is False
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)  # musl, macOS: nothing to call
    assert give_back() is False


def test_per_run_caches_are_emptied_between_runs() -> None:
    """What a run memoised of clause readings goes back with the rest of its memory."""
    from monitor.judge.evidence import evidence
    from monitor.judge.links import channels, reader_text

    text = "We share your e-mail address with [Stripe](https://stripe.com) for payments."
    memos = (evidence, reader_text, channels)
    for memo in memos:
        memo(text)
        assert memo.cache_info().currsize > 0
    give_back()
    assert [memo.cache_info().currsize for memo in memos] == [0, 0, 0]


ARENAS_PROGRAM = textwrap.dedent(
    """
    import sys
    import threading
    from monitor.memory import tune_malloc

    took = tune_malloc() if sys.argv[1] == "limit" else None
    HEAP = 64 * 1024 * 1024  # glibc reserves each thread heap 64 MB-aligned

    def heaps():
        with open("/proc/self/maps") as maps:
            rows = [line.split() for line in maps]
        return sum(
            1 for row in rows
            if len(row) == 5 and row[1] == "rw-p" and int(row[0].split("-")[0], 16) % HEAP == 0
        )

    barrier = threading.Barrier(8)
    held = []

    def allocate():
        barrier.wait()  # all eight allocate at once: each would get a heap of its own
        held.append([bytearray(2000) for _ in range(2000)])
        barrier.wait()

    threads = [threading.Thread(target=allocate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(took, heaps())
    """
)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or memory._malloc_trim() is None,
    reason="reads /proc, needs glibc",
)
def test_threads_share_few_heaps() -> None:
    def run(mode: str, **env: str) -> list[str]:
        environment = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
        return subprocess.run(
            [sys.executable, "-c", ARENAS_PROGRAM, mode],
            capture_output=True,
            text=True,
            check=True,
            env={**environment, **env},
        ).stdout.split()

    took, limited = run("limit")
    assert took == "True"
    assert int(limited) <= memory.ARENAS - 1  # the main heap is not one of these
    assert int(run("default")[1]) > memory.ARENAS  # what glibc does left alone
    took, heaps = run("limit", MALLOC_ARENA_MAX="4")  # the user's setting wins
    assert took == "False"
    assert int(heaps) <= 3


MAPPED_PROGRAM = textwrap.dedent(
    """
    import ctypes, sys
    from monitor.memory import tune_malloc

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    if sys.argv[1] == "limit":
        tune_malloc()
    scratch = bytearray(4_000_000)  # mapped apart, then freed: glibc's threshold would
    del scratch  # rise to 4 MB
    before = libc.mallinfo2().hblks
    block = bytearray(1_000_000)  # under a raised threshold, over ours
    print(libc.mallinfo2().hblks - before)
    """
)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or memory._malloc_trim() is None,
    reason="needs glibc",
)
def test_large_blocks_get_pages_of_their_own() -> None:
    """After a large block is freed, the next large ones are still mapped apart (glibc
    would serve them from a heap, where freeing them gives nothing back)."""

    def mapped(mode: str) -> int:
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith("MALLOC_MMAP_THRESHOLD")
        }
        out = subprocess.run(
            [sys.executable, "-c", MAPPED_PROGRAM, mode],
            capture_output=True,
            text=True,
            check=True,
            env=environment,
        ).stdout
        return int(out)

    assert mapped("limit") == 1
    assert mapped("default") == 0
