"""Peak memory of one check on the worst pages that ``python -m benchmarks.bounds`` found.

A regression guard, not a speed test: each case serves one page on loopback,
runs one ``monitor check`` of it in a subprocess and bounds the child's peak
resident memory at about twice what was measured (benchmarks/README.md,
"Resource bounds of one check"). An unbounded read or a copy per element
fails it; a slow or busy machine does not.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.bounds import (
    Page,
    PageServer,
    brotli_bomb,
    check_once,
    gzip_bomb,
    one_paragraph,
    policy_at_max_bytes,
)
from monitor.judge.compare import compare
from monitor.text.normalize import normalize
from monitor.text.segment import MAX_CLAUSE, segment

MAX_BYTES = 10_000_000  # the default max_bytes

# Peaks measured on 2 cores, Python 3.11 (the 25 KB seed page: 58 MB):
# 10 MB of ordinary policy paragraphs 178 MB (baseline + 12 x max_bytes);
# the gzip bomb 77 MB and the brotli bomb 95 MB, each decoding to 1 GB (decoded
# with a ceiling of max_bytes; before that they peaked at 189 MB and 2,061 MB).
POLICY_BOUND_MB = 2 * 178
BOMB_BOUND_MB = 2 * 95


@pytest.mark.parametrize(
    ("build", "outcome", "bound_mb"),
    [
        pytest.param(policy_at_max_bytes, "new_version", POLICY_BOUND_MB, id="policy-at-max-bytes"),
        pytest.param(gzip_bomb, "error", BOMB_BOUND_MB, id="gzip-bomb"),  # 1 GB decoded
        pytest.param(brotli_bomb, "error", BOMB_BOUND_MB, id="brotli-bomb"),  # 1 GB decoded
    ],
)
def test_peak_memory_of_one_check(
    build: Callable[[int], Page], outcome: str, bound_mb: float, tmp_path: Path
) -> None:
    with PageServer() as server:
        server.pages["page"] = build(MAX_BYTES)
        measured = check_once(server.url("page"), tmp_path, max_bytes=MAX_BYTES, limit=60)
    assert measured.exit_code == 0, measured
    assert measured.outcome == outcome, measured
    assert measured.peak_rss_mb < bound_mb, measured


def test_no_clause_is_longer_than_the_bound_whatever_the_page() -> None:
    """Comparison time grew with the square of a paragraph's length (a 2 MB paragraph
    with 20 words changed: 124 s of CPU), because one unpunctuated paragraph stayed one
    clause. Now no clause outgrows ``MAX_CLAUSE``, and runs are cut where the words say,
    so a few changed words leave the other runs equal."""
    old = normalize(one_paragraph(1_000_000))
    new = normalize(one_paragraph(1_000_000, changed=20))
    clauses = segment(old)
    assert len(clauses) > 100 and max(len(c.text) for c in clauses) <= MAX_CLAUSE
    unbroken = normalize(b"<p>" + b"x" * 50_000 + b"</p>")  # one "word" longer than a clause
    assert max(len(c.text) for c in segment(unbroken)) <= MAX_CLAUSE
    comparison = compare(old, new)
    assert comparison.counts["modified"] <= 2 * 20, comparison.counts  # a run per edit, at most
    assert comparison.counts["added"] + comparison.counts["removed"] <= 4
