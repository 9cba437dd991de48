"""How clause alignment (with inline diffs) scales with the size of a policy.

Run: ``python -m benchmarks.diff_bench [--smoke]`` (smoke: 50 and 200 clauses, for
CI).  Builds synthetic policies of 500 to 16,000 clauses from the sentences
of the seed policies (numbered, so every clause is distinct, with a heading every
dozen clauses), changes 5% of
the clauses (a quarter each modified, removed, added and moved), and times
``monitor.align.align`` -- which also computes the inline diff of every
modified clause -- taking the median of several runs.  It prints the time per
comparison, the growth for four times the clauses (500 to 2,000, 2,000 to 8,000,
4,000 to 16,000) against the 4.5x target, and,
as its last line, the numbers as one JSON object.

``--real`` instead aligns the real pairs of ``tests/real/genai-eu`` (each
recorded change as extracted texts and as raw pages, and the first six texts of
each document with one another: larger rewrites) twice: as the monitor does
(large blocks scored through blocking, ``monitor.judge.fuzzy``, within the
comparison budget ``MAX_CELLS``), and with every pair scored, no budget.  It
counts the alignments that differ, and the old clauses that scoring every pair
calls modified at a similarity of 0.7, 0.8 and 0.9 or more but the monitor
leaves unpaired.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import platform
import random
import re
import statistics
import time
from pathlib import Path
from typing import Any

from monitor.bundled import seeds_dir
from monitor.judge.align import align
from monitor.models import Clause

SIZES = (500, 2_000, 4_000, 8_000, 16_000)
RUNS = {500: 31, 2_000: 15, 4_000: 11, 8_000: 9, 16_000: 5}
TARGET_GROWTH = 4.5
"""The most time four times the clauses may cost (issue target: near-linear)."""
CHANGED = 0.05


def sentences() -> list[str]:
    """Every sentence of the seed policies long enough to be a clause of its own."""
    found: list[str] = []
    for path in sorted((seeds_dir() / "text").glob("*.txt")):
        for part in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8")):
            part = " ".join(part.split())
            if len(part) >= 40 and part not in found:
                found.append(part)
    return found


def clause(position: int, text: str, section: tuple[str, ...], kind: str = "paragraph") -> Clause:
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Clause(key, position, kind, text, section)


def policy(size: int, pool: list[str]) -> list[tuple[str, str, tuple[str, ...]]]:
    """``(kind, text, section)`` for ``size`` distinct clauses from the sentences in ``pool``."""
    rng = random.Random(size)
    rows: list[tuple[str, str, tuple[str, ...]]] = []
    section: tuple[str, ...] = ()
    for k in range(size):
        if k % 12 == 0:
            title = f"Artikel {k // 12 + 1}. {rng.choice(pool)[:40].rstrip()}"
            rows.append(("heading", title, ()))
            section = (title,)
            continue
        body = " ".join(rng.sample(pool, rng.randint(1, 3)))
        rows.append(("paragraph", f"{k // 12 + 1}.{k % 12} {body}", section))
    return rows


def change(rows: list[tuple[str, str, tuple[str, ...]]], pool: list[str]) -> list[Any]:
    """A copy of ``rows`` with 5% of the clauses modified, removed, added or moved.

    Added clauses come from ``pool``, sentences the policy itself does not use,
    so that an added clause does not happen to resemble a removed one.
    """
    rng = random.Random(len(rows) * 7)
    rows = list(rows)
    each = max(1, round(len(rows) * CHANGED / 4))
    paragraphs = [k for k, row in enumerate(rows) if row[0] == "paragraph"]
    picked = rng.sample(paragraphs, 3 * each)
    modify, remove, move = picked[:each], picked[each : 2 * each], picked[2 * each :]
    for k in modify:
        kind, text, section = rows[k]
        words = text.split(" ")
        spot = rng.randrange(1, len(words))
        words[spot : spot + 1] = [rng.choice(["niet", "24 maanden", "derden", "altijd"])]
        rows[k] = (kind, " ".join(words), section)
    moved = [rows[k] for k in move]
    for k in sorted([*remove, *move], reverse=True):
        del rows[k]
    for row in moved:
        rows.insert(rng.randrange(len(rows)), row)
    for n in range(each):
        at = rng.randrange(1, len(rows))
        text = f"Nieuw {n}: {' '.join(rng.sample(pool, 2))} Bewaard: {n + 2} maanden."
        rows.insert(at, ("paragraph", text, rows[at - 1][2]))
    return rows


def as_clauses(rows: list[tuple[str, str, tuple[str, ...]]]) -> list[Clause]:
    return [clause(k, text, section, kind) for k, (kind, text, section) in enumerate(rows)]


def measure(size: int, pool: list[str], runs: int | None = None) -> dict[str, Any]:
    held_out = len(pool) // 5
    old_rows = policy(size, pool[held_out:])
    old, new = as_clauses(old_rows), as_clauses(change(old_rows, pool[:held_out]))
    alignment = align(old, new)  # warm up, and the counts to report
    times = []
    for _ in range(runs or RUNS[size]):
        started = time.perf_counter()
        align(old, new)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "clauses": size,
        "runs": len(times),
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "counts": alignment.counts,
    }


def real_pairs() -> list[tuple[list[Clause], list[Clause]]]:
    """Clause lists of the real set's pairs (see ``--real``)."""
    from benchmarks.realset import load
    from monitor.text.normalize import normalize
    from monitor.text.segment import segment

    pairs, texts, pages = load()
    cache: dict[tuple[str, str], list[Clause]] = {}

    def clauses(store: dict[str, bytes], sha: str, suffix: str) -> list[Clause]:
        if (sha, suffix) not in cache:
            cache[sha, suffix] = list(segment(normalize(store[sha], filename=f"x{suffix}")))
        return cache[sha, suffix]

    work = []
    versions: dict[str, set[str]] = {}
    for pair in pairs:
        if pair.old_text:
            work.append(
                (clauses(texts, pair.old_text, ".md"), clauses(texts, pair.new_text, ".md"))
            )
            versions.setdefault(pair.document, set()).update((pair.old_text, pair.new_text))
        if pair.old_page:
            suffix = Path(pair.source).suffix or ".html"
            work.append(
                (clauses(pages, pair.old_page, suffix), clauses(pages, pair.new_page, suffix))
            )
    for shas in versions.values():
        for a, b in itertools.combinations(sorted(shas)[:6], 2):
            work.append((clauses(texts, a, ".md"), clauses(texts, b, ".md")))
    return work


def compare_blocking() -> dict[str, Any]:
    """Align the real pairs with blocking and with every pair scored (``--real``)."""
    from monitor.judge import align as align_module
    from monitor.judge import fuzzy

    work = real_pairs()
    started = time.perf_counter()
    blocked = [align(old, new, inline=False) for old, new in work]
    blocked_s = time.perf_counter() - started
    usual = fuzzy.BLOCK_MIN_CELLS, align_module.MAX_CELLS
    # every pair: no blocking, and no band around each clause's place past the budget
    fuzzy.BLOCK_MIN_CELLS = align_module.MAX_CELLS = 10**12
    try:
        started = time.perf_counter()
        every = [align(old, new, inline=False) for old, new in work]
        every_s = time.perf_counter() - started
    finally:
        fuzzy.BLOCK_MIN_CELLS, align_module.MAX_CELLS = usual
    lost = dict.fromkeys((0.7, 0.8, 0.9), 0)
    differ = 0
    for got, reference in zip(blocked, every, strict=True):
        if got == reference:
            continue
        differ += 1
        paired = {c.old.position for c in got.changes if c.kind == "modified" and c.old}
        for change in reference.changes:
            if change.kind == "modified" and change.old and change.old.position not in paired:
                for floor in lost:
                    lost[floor] += change.similarity >= floor
    print(f"{len(work)} real pairs, up to {max(len(a) + len(b) for a, b in work)} clauses a pair")
    print(f"blocking: {blocked_s:.2f} s; every pair scored: {every_s:.2f} s")
    print(f"{differ} alignments differ; old clauses modified when every pair is scored,")
    print("unpaired with blocking: " + ", ".join(f"{n} at {f} or more" for f, n in lost.items()))
    return {
        "pairs": len(work),
        "differ": differ,
        "lost_modified": {str(f): n for f, n in lost.items()},
        "blocking_s": round(blocked_s, 2),
        "every_pair_s": round(every_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="A tiny run in seconds (for CI).")
    parser.add_argument(
        "--real", action="store_true", help="Blocking against scoring every pair, on real pairs."
    )
    args = parser.parse_args()
    if args.real:
        print(json.dumps(compare_blocking()))
        return
    pool = sentences()
    if args.smoke:
        results = [measure(size, pool, runs=3) for size in (50, 200)]
    else:
        results = [measure(size, pool) for size in SIZES]
    print(f"align + inline, {CHANGED:.0%} of clauses changed, {len(pool)} seed sentences")
    print(f"python {platform.python_version()} on {platform.machine()}")
    for r in results:
        counts = ", ".join(f"{v} {k}" for k, v in r["counts"].items())
        print(
            f"{r['clauses']:>6} clauses: {r['median_ms']:8.2f} ms median of {r['runs']}"
            f" (min {r['min_ms']:.2f})  [{counts}]"
        )
    growth = []
    by_size = {r["clauses"]: r for r in results}
    for small, large in sorted((a, b) for a in by_size for b in by_size if b == 4 * a):
        time_ratio = by_size[large]["median_ms"] / by_size[small]["median_ms"]
        growth.append({"from": small, "to": large, "clauses_x": 4, "time_x": round(time_ratio, 2)})
        verdict = "within" if time_ratio <= TARGET_GROWTH else "over"
        print(
            f"{large} vs {small} clauses: {time_ratio:.2f}x the time for 4x the clauses"
            f" ({verdict} the {TARGET_GROWTH}x target; linear 4x, quadratic 16x)"
        )
    print(json.dumps({"changed": CHANGED, "sizes": results, "growth": growth}))


if __name__ == "__main__":
    main()
