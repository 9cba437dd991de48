"""Freed memory goes back to the system between runs (``monitor.memory.give_back``)."""

from __future__ import annotations

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
