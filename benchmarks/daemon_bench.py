"""``monitor run`` against many loopback-served policies with short intervals.

    python -m benchmarks.daemon_bench [--policies 1000] [--seconds 90] [--interval 20s] [--smoke]

Serves N policy pages from the seeds (half with validators, so re-checks are
304s; half with rotating script nonces, so re-checks are fetched and found
unchanged), runs the daemon as a subprocess for a fixed time, and reports
checks per second, CPU time per check, peak memory and memory at each
quarter of the run (it must stay flat), and database growth per 1,000
unchanged checks. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from monitor.demo import SeedServer, load_seed_pages


def _proc(pid: int) -> tuple[float, float]:
    """(CPU seconds, resident MB) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return cpu, rss_pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        checks = conn.execute("SELECT COUNT(*) FROM checks").fetchone()[0]
        new = conn.execute("SELECT COUNT(*) FROM checks WHERE outcome = 'new_version'").fetchone()[
            0
        ]
    return checks, new


def _db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--interval", default="20s")
    parser.add_argument("--smoke", action="store_true", help="A tiny run in seconds (for CI).")
    args = parser.parse_args()
    if args.smoke:
        args.policies, args.seconds, args.interval = 10, 8.0, "3s"
    seeds = load_seed_pages()
    pages = [
        replace(seeds[i % len(seeds)], name=f"p{i}", rotate_nonce=i % 2 == 1)
        for i in range(args.policies)
    ]
    with tempfile.TemporaryDirectory() as tmp, SeedServer(pages) as server:
        root = Path(tmp)
        lines = [
            "[monitor]",
            f'interval = "{args.interval}"',
            'timeout = "20s"',
            "allow_private_networks = true",
            "concurrency = 16",
            "per_host_concurrency = 16",
            "",
        ]
        for page in pages:
            lines += ["[[policy]]", f'name = "{page.name}"', f'url = "{server.url(page.name)}"', ""]
        (root / "config.toml").write_text("\n".join(lines), encoding="utf-8")
        db = root / "monitor.db"
        log = open(root / "daemon.log", "w", encoding="utf-8")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(root / "config.toml"), "-q", "run"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        samples: list[tuple[float, float, float, int, int]] = []  # t, cpu, rss, checks, db bytes
        first_pass_done: float | None = None
        while time.monotonic() - started < args.seconds:
            time.sleep(2)
            if not db.exists():
                continue
            cpu, rss = _proc(process.pid)
            checks, new = _counts(db)
            samples.append((time.monotonic() - started, cpu, rss, checks, _db_bytes(db)))
            if first_pass_done is None and new >= args.policies:
                first_pass_done = time.monotonic() - started
            print(
                f"{samples[-1][0]:6.1f}s  checks {checks:6d}  new versions {new:5d}  "
                f"rss {rss:6.1f} MB  cpu {cpu:6.1f}s",
                flush=True,
            )
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=120)
        log.close()
    # the steady part: after every policy has its first version
    steady = [s for s in samples if first_pass_done is not None and s[0] >= first_pass_done]
    if len(steady) < 2:
        print("run too short to reach the steady state; use more --seconds")
        steady = samples[-2:]
    t0, cpu0, _, checks0, bytes0 = steady[0]
    t1, cpu1, _, checks1, bytes1 = steady[-1]
    unchanged = max(1, checks1 - checks0)
    quarter = max(1, len(steady) // 4)
    rss_by_quarter = [
        round(max(s[2] for s in steady[i : i + quarter]), 1) for i in range(0, len(steady), quarter)
    ][:4]
    result = {
        "policies": args.policies,
        "interval": args.interval,
        "first_pass_seconds": round(first_pass_done or -1, 1),
        "steady_checks_per_second": round((checks1 - checks0) / max(0.001, t1 - t0), 1),
        "cpu_ms_per_unchanged_check": round((cpu1 - cpu0) / unchanged * 1000, 2),
        "peak_rss_mb": round(max(s[2] for s in samples), 1),
        "rss_mb_by_quarter": rss_by_quarter,
        "db_bytes_per_1000_unchanged_checks": round((bytes1 - bytes0) / unchanged * 1000),
    }
    print(json.dumps(result))
    if args.smoke and (returncode != 0 or first_pass_done is None):
        sys.exit(f"smoke run: daemon exit {returncode}, first pass done: {first_pass_done}")


if __name__ == "__main__":
    main()
