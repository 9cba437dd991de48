"""A whole check cycle at scale, side by side with urlwatch on the same corpus.

    python -m benchmarks.cycle --policies 1000 [--no-urlwatch] [--profile] [--smoke]

Serves N policy pages (50-200 KB, varied chrome; ``benchmarks/corpus.py``)
from another process with a small latency, then for each tool runs three
cycles: the first (everything new), an unchanged one, and a changed one in
which 20% of the pages change by noise only and 5% materially. Prints wall
time, policies per second, CPU per policy by stage, peak memory, database
and snapshot growth, and for the changed cycle how many changes each tool
reported against the true number of material changes. The last line is one
JSON object. Needs the bench extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.corpus import Corpus
from monitor import outcome as outcome_module
from monitor.config import load_config
from monitor.judge import align as align_module
from monitor.judge import classify as classify_module
from monitor.judge import compare as compare_module
from monitor.pipeline import run_checks
from monitor.store import Store

STAGE_TIMES: dict[str, float] = defaultdict(float)
_LOCK = threading.Lock()


def _timed(stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return func(*args, **kwargs)
        finally:
            with _LOCK:
                STAGE_TIMES[stage] += time.thread_time() - started

    return wrapper


@contextmanager
def stage_timers() -> Iterator[None]:
    """CPU time per stage, by wrapping the stage functions where the pipeline calls them."""
    patches = [
        (outcome_module, "normalize", "normalise"),
        (compare_module, "segment", "segment"),
        (compare_module, "align", "diff"),
        (compare_module, "classify_change", "classify"),
        (classify_module, "evidence", "classify"),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    for module, name, stage in patches:
        setattr(module, name, _timed(stage, getattr(module, name)))
    store_record = Store.record_check
    Store.record_check = _timed("store", store_record)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)
        Store.record_check = store_record  # type: ignore[method-assign]
    _ = align_module  # the align stage is timed where compare calls it


def _rss_mb() -> float:
    """Resident memory of this process now (the corpus runs in another one)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def run_ours(corpus: Corpus, root: Path, *, profile: bool) -> dict[str, Any]:
    lines = [
        "[monitor]",
        'timeout = "60s"',
        "allow_private_networks = true",
        "concurrency = 16",
        "per_host_concurrency = 16",
        "",
    ]
    for i in range(corpus.n):
        lines += ["[[policy]]", f'name = "p{i}"', f'url = "{corpus.url(i)}"', 'language = "nl"', ""]
    (root / "config.toml").write_text("\n".join(lines), encoding="utf-8")
    config = load_config(root / "config.toml")
    result: dict[str, Any] = {}
    for cycle, label in ((0, "first"), (1, "unchanged"), (2, "changed")):
        corpus.set_cycle(cycle)
        db_before = sum(_size(p) for p in root.glob("monitor.db*"))
        snap_before = _size(root / "snapshots")
        STAGE_TIMES.clear()
        cpu_before = time.process_time()
        started = time.perf_counter()
        with stage_timers():
            results = run_checks(config)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        stages = dict(STAGE_TIMES)
        stages["fetch and the rest"] = max(0.0, cpu - sum(stages.values()))
        errors = [r for r in results if str(r.outcome) == "error"]
        result[label] = {
            "seconds": round(wall, 2),
            "policies_per_second": round(corpus.n / wall, 1),
            "cpu_ms_per_policy": {k: round(v / corpus.n * 1000, 2) for k, v in stages.items()},
            "outcomes": {
                o: sum(1 for r in results if str(r.outcome) == o)
                for o in sorted({str(r.outcome) for r in results})
            },
            "errors": len(errors),
            "rss_mb_after": round(_rss_mb(), 1),
            "db_growth_kb": round(
                (sum(_size(p) for p in root.glob("monitor.db*")) - db_before) / 1000
            ),
            "snapshot_growth_kb": round((_size(root / "snapshots") - snap_before) / 1000),
        }
    with Store.open(config.monitor.database) as store:
        rows = store.db.execute(
            "SELECT severity, COUNT(*) FROM changes GROUP BY severity"
        ).fetchall()
    result["changes_by_severity"] = dict(rows)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_checks(config)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        result["profile_unchanged_cycle"] = out.getvalue()
    return result


def run_urlwatch(corpus: Corpus, root: Path) -> dict[str, Any]:
    exe = shutil.which("urlwatch") or str(Path(sys.executable).with_name("urlwatch"))
    if not Path(exe).exists():
        return {"error": "urlwatch is not installed (pip install -e '.[bench]')"}
    urls = root / "urls.yaml"
    urls.write_text(
        "\n---\n".join(f"name: p{i}\nurl: {corpus.url(i)}" for i in range(corpus.n)) + "\n",
        encoding="utf-8",
    )
    args = [
        exe,
        "--urls",
        str(urls),
        "--config",
        str(root / "urlwatch.yaml"),
        "--cache",
        str(root / "cache.db"),
    ]
    result: dict[str, Any] = {}
    for cycle, label in ((0, "first"), (1, "unchanged"), (2, "changed")):
        corpus.set_cycle(cycle)
        started = time.perf_counter()
        run = subprocess.run(args, capture_output=True, text=True, timeout=3600)
        wall = time.perf_counter() - started
        result[label] = {
            "seconds": round(wall, 2),
            "reported_new": len(re.findall(r"^NEW: ", run.stdout, re.M)),
            "reported_changed": len(re.findall(r"^CHANGED: ", run.stdout, re.M)),
            "reported_errors": len(re.findall(r"^ERROR: ", run.stdout, re.M)),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="A tiny run in seconds (for CI).")
    parser.add_argument("--no-urlwatch", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile one more cycle.")
    args = parser.parse_args()
    if args.smoke:
        args.policies = min(args.policies, 20)
    print(f"building and serving {args.policies} pages ...", flush=True)
    with Corpus(args.policies) as corpus, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "ours").mkdir()
        (root / "urlwatch").mkdir()
        ours = run_ours(corpus, root / "ours", profile=args.profile)
        theirs = {} if args.no_urlwatch else run_urlwatch(corpus, root / "urlwatch")
        material_true = sum(1 for k in corpus.kinds if k == "material")
        noise_true = sum(1 for k in corpus.kinds if k == "noise")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    print(
        f"\n{args.policies} policies; changed cycle: {noise_true} noise-only, "
        f"{material_true} material\n"
    )
    print(f"{'':28}{'first':>10}{'unchanged':>11}{'changed':>10}")
    print(
        f"{'policy-monitor seconds':28}"
        + "".join(
            f"{ours[c]['seconds']:>{w}}"
            for c, w in (("first", 10), ("unchanged", 11), ("changed", 10))
        )
    )
    if theirs and "error" not in theirs:
        print(
            f"{'urlwatch seconds':28}"
            + "".join(
                f"{theirs[c]['seconds']:>{w}}"
                for c, w in (("first", 10), ("unchanged", 11), ("changed", 10))
            )
        )
    print(f"\nCPU ms per policy by stage (changed cycle): {ours['changed']['cpu_ms_per_policy']}")
    print(f"outcomes (changed cycle): {ours['changed']['outcomes']}")
    print(f"changes stored by severity: {ours['changes_by_severity']}")
    if theirs and "error" not in theirs:
        print(
            f"urlwatch reported as changed: {theirs['changed']['reported_changed']} "
            f"(true material changes: {material_true}; noise-only pages: {noise_true})"
        )
    elif theirs:
        print(theirs["error"])
    if args.profile:
        print("\nprofile of an unchanged cycle (top by own time):")
        print(ours["profile_unchanged_cycle"])
    summary = {
        "policies": args.policies,
        "cycle_seconds": ours["changed"]["seconds"],
        "unchanged_cycle_seconds": ours["unchanged"]["seconds"],
        "first_cycle_seconds": ours["first"]["seconds"],
        "urlwatch_seconds": theirs.get("changed", {}).get("seconds"),
        "urlwatch_unchanged_seconds": theirs.get("unchanged", {}).get("seconds"),
        "ratio_to_urlwatch": (
            round(ours["changed"]["seconds"] / theirs["changed"]["seconds"], 2)
            if theirs.get("changed")
            else None
        ),
        "material_true": material_true,
        "material_found": ours["changes_by_severity"].get("material", 0),
        "changes_reported": ours["changed"]["outcomes"].get("new_version", 0),
        "urlwatch_reported": theirs.get("changed", {}).get("reported_changed"),
        "peak_rss_mb": round(peak_mb, 1),
        "rss_mb_after_cycle": {
            c: ours[c]["rss_mb_after"] for c in ("first", "unchanged", "changed")
        },
        "db_growth_kb_per_cycle": {
            c: ours[c]["db_growth_kb"] for c in ("first", "unchanged", "changed")
        },
        "snapshot_growth_kb_per_cycle": {
            c: ours[c]["snapshot_growth_kb"] for c in ("first", "unchanged", "changed")
        },
        "cpu_ms_per_policy_changed_cycle": ours["changed"]["cpu_ms_per_policy"],
    }
    print(json.dumps(summary))
    if args.smoke and any(ours[c]["errors"] for c in ("first", "unchanged", "changed")):
        sys.exit("smoke run: some checks ended in an error")


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
