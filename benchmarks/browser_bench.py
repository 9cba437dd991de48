"""Checks per minute with the browser fetcher against plain fetching, and the browser's
memory over many checks, measured in the same run.

Run: ``python -m benchmarks.browser_bench [--policies N] [--checks N] [--smoke]``.

Serves N policy pages (default 24; each a 6 KB policy plus a small script) on
loopback, then checks all of them once with ``fetcher = "http"`` and once with
``fetcher = "browser"`` (``browser_concurrency`` 2, the default), each into its own
fresh store, through the monitor's own pipeline: prints the checks per minute of each
and their ratio. Then checks one page ``--checks`` times (default 100) through one
browser, as the daemon does, and samples the proportional set size (PSS) of the
browser's processes (Chromium and its driver) after every check: prints the first,
the largest, the last and the growth. The last line is the numbers as one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from monitor.config import PolicyConfig
from monitor.net.fetch import Fetcher
from monitor.net.options import FetchOptions
from monitor.pipeline import check_policy
from monitor.snapshots import SnapshotStore
from monitor.store import Store
from tests.support.pages import POLICY_TEXT, page_server

OPTIONS = FetchOptions(allow_private_networks=True, timeout=30, browser_timeout=60)


def _page(n: int) -> str:
    body = POLICY_TEXT.replace("zeven jaar", f"{n + 1} jaar") * 6
    return f"<main>{body}</main><script>document.title = 'Policy {n}';</script>"


async def _cycle(policies: list[PolicyConfig], folder: Path) -> float:
    """Seconds to check every policy once, all at once, into a fresh store."""
    store = Store.open(folder / "monitor.db")
    snapshots = SnapshotStore(folder / "snapshots")
    store.sync_policies(policies)
    try:
        async with Fetcher(OPTIONS) as fetcher:
            if any(p.fetcher == "browser" for p in policies):
                await fetcher.browser._ready(policies[0].url)  # started before the clock
            started = time.perf_counter()
            results = await asyncio.gather(
                *(check_policy(p, fetcher=fetcher, store=store, snapshots=snapshots)
                  for p in policies)
            )  # fmt: skip
            elapsed = time.perf_counter() - started
    finally:
        store.close()
    bad = [r for r in results if r.outcome != "new_version"]
    if bad:
        raise SystemExit(f"a check failed: {bad[0].policy}: {bad[0].outcome} {bad[0].error}")
    return elapsed


def _pss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total


def _descendants(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    found = []
    for pid in parents:
        up = pid
        while up in parents and up not in (root, 0, 1):
            up = parents[up]
        if up == root and pid != root:
            found.append(pid)
    return found


async def _memory(policy: PolicyConfig, folder: Path, checks: int) -> list[int]:
    """The browser's PSS (KB) after each of ``checks`` checks through one browser."""
    store = Store.open(folder / "monitor.db")
    snapshots = SnapshotStore(folder / "snapshots")
    store.sync_policies([policy])
    samples = []
    try:
        async with Fetcher(OPTIONS) as fetcher:
            for _ in range(checks):
                result = await check_policy(
                    policy, fetcher=fetcher, store=store, snapshots=snapshots
                )
                if result.outcome not in ("new_version", "unchanged"):
                    raise SystemExit(f"a check failed: {result.outcome} {result.error}")
                samples.append(_pss_kb(_descendants(os.getpid())))
    finally:
        store.close()
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=24)
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="4 policies, 5 checks")
    args = parser.parse_args(argv)
    if args.smoke:
        args.policies, args.checks = 4, 5
    if not os.path.exists(OPTIONS.browser_path):
        print(f"no browser at {OPTIONS.browser_path}: apt-get install chromium", file=sys.stderr)
        return 2
    with page_server() as pages, tempfile.TemporaryDirectory() as tmp:
        for n in range(args.policies):
            pages.page(f"/p{n}", _page(n))
        plain = [PolicyConfig(name=f"p{n}", url=pages.url(f"/p{n}")) for n in range(args.policies)]
        rendered = [replace(p, fetcher="browser") for p in plain]
        http_s = asyncio.run(_cycle(plain, Path(tmp, "http")))
        browser_s = asyncio.run(_cycle(rendered, Path(tmp, "browser")))
        samples = asyncio.run(_memory(rendered[0], Path(tmp, "memory"), args.checks))
    n = args.policies
    http_rate, browser_rate = 60 * n / http_s, 60 * n / browser_s
    print(f"{n} policies on loopback, checked at once (browser_concurrency "
          f"{OPTIONS.browser_concurrency}):")  # fmt: skip
    print(f"  plain fetching   {http_rate:10,.0f} checks/min ({http_s:.2f} s)")
    print(f"  browser          {browser_rate:10,.0f} checks/min ({browser_s:.2f} s)")
    print(f"  the browser is {browser_s / http_s:.1f}x slower than plain fetching")
    first, peak, last = samples[0], max(samples), samples[-1]
    print(f"browser memory (PSS of Chromium and its driver) over {len(samples)} checks:")
    print(f"  after the first {first / 1024:.0f} MB, largest {peak / 1024:.0f} MB, "
          f"last {last / 1024:.0f} MB, growth {(last - first) / 1024:+.0f} MB")  # fmt: skip
    print(json.dumps({
        "policies": n, "http_checks_per_min": round(http_rate),
        "browser_checks_per_min": round(browser_rate),
        "browser_over_http": round(browser_s / http_s, 2), "checks": len(samples),
        "memory_first_mb": round(first / 1024), "memory_peak_mb": round(peak / 1024),
        "memory_last_mb": round(last / 1024),
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
