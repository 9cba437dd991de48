"""Whole check cycles at scale, side by side with urlwatch on the same corpus.

    python -m benchmarks.cycle --policies 1000 [--latency 0.02] [--no-urlwatch]
                               [--profile] [--smoke]

Serves N policy pages (50-200 KB, varied chrome; ``benchmarks/corpus.py``) from
another process with a small latency (``--latency 0``: a plain loopback server,
where the work is CPU-bound), then for each tool runs three cycles as whole
processes: the first (everything new), an unchanged one, and a changed one in
which 20% of the pages change by noise only and 5% materially. For each cycle:
wall time, CPU of the whole process tree (worker processes included), cores
used, peak resident memory (``benchmarks/proctree.py``); for the changed cycle,
how many changes each tool reported against the true number of material changes.

Then the same three cycles and two more run in a fresh process of their own
(nothing else has run in it, as in a ``monitor check``) with one judging
process (``processes = 1``), timing every stage of a check by the CPU
of the thread it runs in (normalise, segment, align, classify, anomaly tests,
declared dates, snapshot writes, packing, the store) and the resident memory
after each of the five cycles. ``--profile`` then profiles one more first cycle,
in a fresh folder, in every thread. The last line is one JSON object. Needs the bench extra:
``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import re
import shutil
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
from benchmarks.proctree import Usage, run_measured
from monitor import snapshots as snapshots_module
from monitor.config import load_config
from monitor.judge import anomaly as anomaly_module
from monitor.judge import classify as classify_module
from monitor.judge import compare as compare_module
from monitor.pipeline import run_checks
from monitor.store import Store
from monitor.store import checks as checks_module
from monitor.text import normalize as normalize_module

STAGE_TIMES: dict[str, float] = defaultdict(float)
_LOCK = threading.Lock()
CYCLES = (("first", 0), ("unchanged", 1), ("changed", 2))


def _timed(stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` adding its thread's CPU time to ``stage``, less the time of the stages
    it calls (declared dates inside a comparison, packing inside the store): each
    second is counted once, in the innermost stage."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        stack = _nesting.__dict__.setdefault("stack", [])
        stack.append(0.0)
        started = time.thread_time()
        try:
            return func(*args, **kwargs)
        finally:
            spent = time.thread_time() - started
            inner = stack.pop()
            if stack:
                stack[-1] += spent
            with _LOCK:
                STAGE_TIMES[stage] += spent - inner

    return wrapper


_nesting = threading.local()


@contextmanager
def stage_timers() -> Iterator[None]:
    """CPU time per stage, by wrapping the stage functions where the pipeline calls
    them. Stages nested in another are subtracted from it: each second is counted once."""
    # ``monitor.outcome`` imports these on first use, from their modules: patched there
    # (the comparison's own declared dates, patched in ``compare``, count those too).
    patches = [
        (normalize_module, "normalize", "normalise"),
        (anomaly_module, "first_version_anomaly", "anomaly tests"),
        (compare_module, "segment", "segment"),
        (compare_module, "align", "align"),
        (compare_module, "classify_change", "classify"),
        (compare_module, "detect_anomaly", "anomaly tests"),
        (compare_module, "incomplete_old", "anomaly tests"),
        (compare_module, "declared_date", "declared dates"),
        (classify_module, "evidence", "classify"),
        (checks_module, "pack", "pack text"),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    for module, name, stage in patches:
        setattr(module, name, _timed(stage, getattr(module, name)))
    methods = [
        (Store, "record_check", "store"),
        (snapshots_module.SnapshotStore, "put", "snapshot write"),
    ]
    saved_methods = [(cls, name, getattr(cls, name)) for cls, name, _ in methods]
    for cls, name, stage in methods:
        setattr(cls, name, _timed(stage, getattr(cls, name)))
    try:
        yield
    finally:
        for module, name, original in saved:
            setattr(module, name, original)
        for cls, name, original in saved_methods:
            setattr(cls, name, original)


@contextmanager
def every_thread_profiled(profiles: list[cProfile.Profile]) -> Iterator[None]:
    """cProfile in this thread and in every thread started meanwhile."""

    def start(*_: Any) -> None:
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()

    main = cProfile.Profile()
    profiles.append(main)
    threading.setprofile(start)
    main.enable()
    try:
        yield
    finally:
        main.disable()
        threading.setprofile(None)  # type: ignore[arg-type]


def _rss_mb() -> float:
    """Resident memory of this process now (the corpus runs in another one)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _write_config(corpus: Corpus, root: Path, processes: int | None) -> Path:
    lines = [
        "[monitor]",
        'timeout = "60s"',
        "allow_private_networks = true",
        "concurrency = 16",
        "per_host_concurrency = 16",
    ]
    if processes is not None:
        lines.append(f"processes = {processes}")
    lines.append("")
    for i in range(corpus.n):
        lines += ["[[policy]]", f'name = "p{i}"', f'url = "{corpus.url(i)}"', 'language = "nl"', ""]
    path = root / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _usage(usage: Usage, n: int) -> dict[str, Any]:
    return {
        "seconds": round(usage.wall, 2),
        "cpu_seconds": round(usage.cpu, 2),
        "cores": round(usage.cores, 2),
        "peak_rss_mb": round(usage.peak_rss_mb, 1),
        "policies_per_second": round(n / usage.wall, 1),
        "cpu_by_process": usage.cpu_by_process,
    }


def run_ours(corpus: Corpus, root: Path) -> dict[str, Any]:
    """Three cycles of ``monitor check``, each a whole process with its workers."""
    config = _write_config(corpus, root, None)
    exe = shutil.which("monitor") or str(Path(sys.executable).with_name("monitor"))
    result: dict[str, Any] = {}
    for label, cycle in CYCLES:
        corpus.set_cycle(cycle)
        db_before = sum(_size(p) for p in root.glob("monitor.db*"))
        snap_before = _size(root / "snapshots")
        usage = run_measured([exe, "--config", str(config), "-q", "check", "--json"])
        if usage.returncode != 0:
            raise SystemExit(f"monitor check failed ({usage.returncode}): {usage.stderr[-2000:]}")
        rows = json.loads(usage.stdout)
        outcomes: dict[str, int] = defaultdict(int)
        for row in rows:
            outcomes[row["outcome"]] += 1
        result[label] = _usage(usage, corpus.n) | {
            "outcomes": dict(sorted(outcomes.items())),
            "errors": outcomes.get("error", 0),
            "db_growth_kb": round(
                (sum(_size(p) for p in root.glob("monitor.db*")) - db_before) / 1000
            ),
            "snapshot_growth_kb": round((_size(root / "snapshots") - snap_before) / 1000),
        }
    with Store.open(root / "monitor.db") as store:
        rows = store.db.execute(
            "SELECT severity, COUNT(*) FROM changes GROUP BY severity"
        ).fetchall()
        versions, text_bytes = store.db.execute(
            "SELECT COUNT(*), SUM(LENGTH(text)) FROM versions"
        ).fetchone()
    result["changes_by_severity"] = dict(rows)
    db_bytes = sum(_size(p) for p in root.glob("monitor.db*"))
    raw = _size(root / "snapshots")
    result["storage"] = {
        "versions": versions,
        "db_bytes_per_version": round(db_bytes / versions),
        "stored_text_bytes_per_version": round(text_bytes / versions),
        "snapshot_bytes_per_version": round(raw / versions),
        "raw_page_bytes_per_version": round(corpus.raw_bytes() / corpus.n),
    }
    return result


def run_stages(corpus: Corpus, root: Path, *, profile: bool) -> dict[str, Any]:
    """Five cycles in this process, one judging process: CPU by stage, RSS after each."""
    config = load_config(_write_config(corpus, root, 1))
    result: dict[str, Any] = {}
    profiles: list[cProfile.Profile] = []
    for label, cycle in (*CYCLES, ("changed again", 2), ("changed, third time", 2)):
        corpus.set_cycle(cycle)
        STAGE_TIMES.clear()
        cpu_before = time.process_time()
        with stage_timers():
            run_checks(config)
        cpu = time.process_time() - cpu_before
        stages = dict(STAGE_TIMES)
        stages["fetch, hashing and the rest"] = max(0.0, cpu - sum(stages.values()))
        result[label] = {
            "cpu_ms_per_policy": {k: round(v / corpus.n * 1000, 2) for k, v in stages.items()},
            "rss_mb_after": round(_rss_mb(), 1),
        }
    if profile:
        # A separate first cycle in a fresh folder, so that the profiler's own
        # cost stays out of the stage timings above.
        corpus.set_cycle(0)
        (root / "profiled").mkdir(parents=True, exist_ok=True)
        fresh = load_config(_write_config(corpus, root / "profiled", 1))
        with every_thread_profiled(profiles):
            run_checks(fresh)
        out = io.StringIO()
        stats = pstats.Stats(profiles[0], stream=out)
        for other in profiles[1:]:
            stats.add(other)
        stats.sort_stats("tottime").print_stats(25)
        result["profile_first_cycle"] = out.getvalue()
    return result


def run_stages_apart(corpus: Corpus, root: Path, profile: bool) -> dict[str, Any]:
    """``run_stages`` in a new process: its memory is the checks', not this process's
    (whose threads have measured the other tools and hold heaps of their own)."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        result: dict[str, Any] = pool.submit(run_stages, corpus, root, profile=profile).result()
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
    for label, cycle in CYCLES:
        corpus.set_cycle(cycle)
        usage = run_measured(args)
        out = usage.stdout
        result[label] = _usage(usage, corpus.n) | {
            "reported_new": len(re.findall(r"^NEW: ", out, re.M)),
            "reported_changed": len(re.findall(r"^CHANGED: ", out, re.M)),
            "reported_errors": len(re.findall(r"^ERROR: ", out, re.M)),
        }
    return result


def _row(title: str, values: list[Any]) -> str:
    return f"{title:34}" + "".join(f"{v!s:>12}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=100)
    parser.add_argument(
        "--latency", type=float, default=0.02, help="Seconds each response waits (0: none)."
    )
    parser.add_argument("--smoke", action="store_true", help="A tiny run in seconds (for CI).")
    parser.add_argument("--no-urlwatch", action="store_true")
    parser.add_argument("--no-stages", action="store_true", help="Skip the in-process cycles.")
    parser.add_argument(
        "--profile", action="store_true", help="Profile the in-process first cycle."
    )
    args = parser.parse_args()
    if args.smoke:
        args.policies = min(args.policies, 20)
    print(f"building and serving {args.policies} pages ...", flush=True)
    corpus = Corpus(args.policies, latency=args.latency)
    with corpus, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for folder in ("ours", "urlwatch", "stages"):
            (root / folder).mkdir()
        theirs = {} if args.no_urlwatch else run_urlwatch(corpus, root / "urlwatch")
        ours = run_ours(corpus, root / "ours")
        stages = {} if args.no_stages else run_stages_apart(corpus, root / "stages", args.profile)
        material_true = sum(1 for k in corpus.kinds if k == "material")
        noise_true = sum(1 for k in corpus.kinds if k == "noise")
    labels = [label for label, _ in CYCLES]
    have_theirs = bool(theirs) and "error" not in theirs
    print(
        f"\n{args.policies} policies, {args.latency * 1000:g} ms latency, {os.cpu_count()} cores;"
        f" changed cycle: {noise_true} noise-only, {material_true} material\n"
    )
    print(_row("", labels))
    for key, title in (
        ("seconds", "wall s"),
        ("cpu_seconds", "CPU s (all processes)"),
        ("cores", "cores used"),
        ("peak_rss_mb", "peak RSS MB (all processes)"),
    ):
        print(_row(f"policy-monitor {title}", [ours[c][key] for c in labels]))
        if have_theirs:
            print(_row(f"urlwatch {title}", [theirs[c][key] for c in labels]))
    ratios: dict[str, dict[str, float]] = {}
    if have_theirs:
        for key in ("seconds", "cpu_seconds"):
            ratios[key] = {c: round(ours[c][key] / theirs[c][key], 2) for c in labels}
        print(_row("ratio, wall", [ratios["seconds"][c] for c in labels]))
        print(_row("ratio, CPU", [ratios["cpu_seconds"][c] for c in labels]))
    print(f"\nCPU by process: {[ours[c]['cpu_by_process'] for c in labels]}")
    print(f"outcomes (changed cycle): {ours['changed']['outcomes']}")
    print(f"changes stored by severity: {ours['changes_by_severity']}")
    print(f"storage: {ours['storage']}")
    if have_theirs:
        print(
            f"urlwatch reported as changed: {theirs['changed']['reported_changed']} "
            f"(true material changes: {material_true}; noise-only pages: {noise_true})"
        )
    elif theirs:
        print(theirs["error"])
    if stages:
        print("\nin a process of their own, one judging process: CPU ms per policy by stage")
        for label, figures in stages.items():
            if label.startswith("profile"):
                continue
            rss, by_stage = figures["rss_mb_after"], figures["cpu_ms_per_policy"]
            print(f"  {label:22} RSS after {rss:7.1f} MB  {by_stage}")
        if "profile_first_cycle" in stages:
            print("\nprofile of the first cycle, every thread (top by own time):")
            print(stages["profile_first_cycle"])
    rss_after = [v["rss_mb_after"] for k, v in stages.items() if not k.startswith("profile")]
    summary = {
        "policies": args.policies,
        "latency_ms": args.latency * 1000,
        "seconds": {c: ours[c]["seconds"] for c in labels},
        "cpu_seconds": {c: ours[c]["cpu_seconds"] for c in labels},
        "peak_rss_mb": {c: ours[c]["peak_rss_mb"] for c in labels},
        "urlwatch_seconds": {c: theirs[c]["seconds"] for c in labels} if have_theirs else None,
        "urlwatch_cpu_seconds": (
            {c: theirs[c]["cpu_seconds"] for c in labels} if have_theirs else None
        ),
        "urlwatch_peak_rss_mb": (
            {c: theirs[c]["peak_rss_mb"] for c in labels} if have_theirs else None
        ),
        "ratio_to_urlwatch_wall": ratios.get("seconds"),
        "ratio_to_urlwatch_cpu": ratios.get("cpu_seconds"),
        "material_true": material_true,
        "material_found": ours["changes_by_severity"].get("material", 0),
        "changes_reported": ours["changed"]["outcomes"].get("new_version", 0),
        "urlwatch_reported": theirs.get("changed", {}).get("reported_changed"),
        "storage": ours["storage"],
        "db_growth_kb_per_cycle": {c: ours[c]["db_growth_kb"] for c in labels},
        "snapshot_growth_kb_per_cycle": {c: ours[c]["snapshot_growth_kb"] for c in labels},
        "rss_mb_after_in_process_cycles": rss_after,
        "rss_last_to_first": round(rss_after[-1] / rss_after[0], 2) if rss_after else None,
        "cpu_ms_per_policy_by_stage": {
            k: v["cpu_ms_per_policy"] for k, v in stages.items() if not k.startswith("profile")
        },
    }
    print(json.dumps(summary))
    if args.smoke and any(ours[c]["errors"] for c in labels):
        sys.exit("smoke run: some checks ended in an error")


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
