"""``monitor worker`` on PostgreSQL: checks per second with 1, 2 and 3 workers.

    python -m benchmarks.workers_bench [--policies 1000] [--workers 1 2 3] [--smoke]

For each number of workers: a new schema of the PostgreSQL server at
``MONITOR_TEST_POSTGRES`` (default ``postgresql://postgres@127.0.0.1:5432/test``),
N policy pages on eight loopback hosts with 20 ms latency, the workers started
together. Two cycles are timed: the first (every page new: fetched, normalised,
stored) from the first stored version to the last, and an unchanged one (every
policy made due again at once; the pages answer 200 with the same bytes). Reports
checks per second, each count's speed against one worker's measured in the same
run, CPU per check of the workers, and PostgreSQL bytes per policy after the two
cycles (for sizing). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from tests.support.hosts import PolicyHosts

SERVER = os.environ.get("MONITOR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL server process of this machine, so far."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            with contextlib.suppress(OSError, ValueError, IndexError):
                total += _cpu(int(stat.parent.name))
    return total


def _count(conn: psycopg.Connection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _wait(conn: psycopg.Connection, sql: str, target: int, timeout: float) -> float:
    """Seconds from when ``sql`` first counts anything until it counts ``target``."""
    began = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _count(conn, sql)
        if found and began is None:
            began = time.monotonic()
        if found >= target:
            return time.monotonic() - (began or time.monotonic())
        time.sleep(0.05)
    raise SystemExit(f"timed out: {found} of {target} ({sql})")


def run(policies: int, workers: int, hosts: PolicyHosts, work: Path) -> dict[str, float]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(SERVER, autocommit=True)
    admin.execute(f"CREATE SCHEMA {schema}")
    url = f"{SERVER}{'&' if '?' in SERVER else '?'}options=-csearch_path%3D{schema}"
    lines = ["[monitor]", f'database = "{url}"', 'interval = "6h"', "processes = 1",
             "allow_private_networks = true", "per_host_concurrency = 8",
             f'snapshots = "{work / schema}"', ""]  # fmt: skip
    for name in list(hosts.bodies)[:policies]:
        lines += ["[[policy]]", f'name = "{name}"', f'url = "{hosts.url(name)}"', ""]
    config = work / f"{schema}.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "list"],
        check=True, capture_output=True,
    )  # fmt: skip  # the tables, made once before the workers start
    command = [sys.executable, "-m", "monitor", "--config", str(config), "worker",
               "--concurrency", "16", "--heartbeat", "2s"]  # fmt: skip
    started = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    sizes = (
        "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
        f"ON n.oid = c.relnamespace WHERE n.nspname = '{schema}' AND c.relkind = 'r'"
    )
    conn = psycopg.connect(url, autocommit=True)
    pg_before, own_before, wall_before = _postgres_cpu(), time.process_time(), time.monotonic()
    try:
        first = _wait(conn, "SELECT COUNT(*) FROM versions", policies, 600)
        cpu_first = sum(_cpu(p.pid) for p in started)
        time.sleep(1.0)  # the last checks' transactions
        size_first = _count(conn, sizes)
        checks_before = _count(conn, "SELECT COUNT(*) FROM checks")
        conn.execute("UPDATE policies SET next_check_at = '2000-01-01T00:00:00+00:00'")
        unchanged = _wait(
            conn,
            f"SELECT COUNT(*) - {checks_before} FROM checks",
            policies,
            600,
        )
        cpu_all = sum(_cpu(p.pid) for p in started)
        pg_cpu, own_cpu = _postgres_cpu() - pg_before, time.process_time() - own_before
        wall = time.monotonic() - wall_before
        time.sleep(1.0)
        size = _count(conn, sizes)
    finally:
        for process in started:
            process.send_signal(signal.SIGTERM)
        for process in started:
            process.wait(timeout=120)
        conn.close()
        admin.execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()
    return {
        "workers": workers,
        "first_checks_per_s": policies / max(first, 1e-6),
        "unchanged_checks_per_s": policies / max(unchanged, 1e-6),
        "cpu_ms_per_check": 1000 * cpu_all / (2 * policies),
        "cpu_ms_per_first_check": 1000 * cpu_first / policies,
        "postgres_cpu_ms_per_check": 1000 * pg_cpu / (2 * policies),
        "cores_used": (cpu_all + pg_cpu + own_cpu) / wall,  # workers, server, pages served
        "db_bytes_per_policy": size / policies,
        "db_bytes_per_first_check": size_first / policies,
        "db_bytes_per_unchanged_check": (size - size_first) / policies,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--smoke", action="store_true", help="A tiny run (for CI).")
    args = parser.parse_args()
    if args.smoke:
        args.policies, args.workers = 20, [1, 2]
    results = []
    with (
        PolicyHosts(args.policies, hosts=8, latency=0.02) as hosts,
        tempfile.TemporaryDirectory(prefix="workers-bench-") as tmp,
    ):
        for count in args.workers:
            results.append(run(args.policies, count, hosts, Path(tmp)))
    base = results[0]
    print(f"{args.policies} policies on 8 loopback hosts (20 ms), {os.cpu_count()} cores")
    print(
        "workers  first/s  x one  unchanged/s  x one  CPU ms/check  PostgreSQL ms/check"
        "  cores used  DB bytes: first check  unchanged check"
    )
    for r in results:
        print(
            f"{r['workers']:>7}  {r['first_checks_per_s']:7.1f}  "
            f"{r['first_checks_per_s'] / base['first_checks_per_s']:5.2f}  "
            f"{r['unchanged_checks_per_s']:11.1f}  "
            f"{r['unchanged_checks_per_s'] / base['unchanged_checks_per_s']:5.2f}  "
            f"{r['cpu_ms_per_check']:12.1f}  {r['postgres_cpu_ms_per_check']:19.1f}  "
            f"{r['cores_used']:10.2f}  {r['db_bytes_per_first_check']:18,.0f}  "
            f"{r['db_bytes_per_unchanged_check']:15,.0f}"
        )
    print(json.dumps({"policies": args.policies, "results": results}))


if __name__ == "__main__":
    main()
