"""How fast the reading room answers on a large database, against floors in the same run.

Run: ``python -m benchmarks.serve_bench [--policies N] [--runs N] [--smoke]``.
Builds a database of N policies (default 10,000) with three versions, two
changes and 30 checks each, and one policy with a long history (2,000 versions,
3,000 failed checks); serves it with ``monitor serve``'s application under
uvicorn on loopback; then times, over HTTP, interleaved round by round:

- the overview (all N policies filtered and sorted, the first 100 rendered),
- the API list of all N policies, and of the newest 1,000 changes,
- the long history's policy page (timeline of 2,000 versions, first 50 listed),
- a change page.

Floors, measured in the same rounds: a static file from the same server (the
cost of a request), and the overview's database query alone in-process.
Prints the median of each with its ratios and whether the overview is under
the one-second target, and, as its last line, the numbers as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from monitor.judge.compare import compare
from monitor.models import Document
from monitor.output.contract import to_dict
from monitor.store import Store
from monitor.store.packing import pack
from monitor.text.markdown import parse_markdown
from monitor.web import create_app
from monitor.web.server import in_thread

OLD = (
    "# Privacy\n\n## Data\n\nWe keep your e-mail address for 12 months.\n\n"
    "We share it with nobody.\n"
)
NEW = OLD.replace("12 months", "24 months").replace("nobody", "our advertising partners")
TARGET_S = 1.0


def build(path: Path, policies: int) -> None:
    """A database of ``policies`` policies, written with plain SQL in one transaction."""
    comparison = json.dumps(
        to_dict(
            compare(
                Document(OLD, parse_markdown(OLD), source="a"),
                Document(NEW, parse_markdown(NEW), source="b"),
            )
        )
    )
    texts = [pack(OLD), pack(NEW), pack(OLD + "\nMore.\n")]
    Store.open(path).close()
    with Store.open(path) as store:
        conn = store.db.conn
        conn.execute("BEGIN")
        version_id = change_id = check_id = 0
        for p in range(1, policies + 2):
            long = p == policies + 1
            name = "long-history" if long else f"policy-{p:05d}"
            tags = json.dumps(["long"] if long else [f"tag{p % 20}", "all"])
            conn.execute(
                "INSERT INTO policies (id, name, url, tags, created_at) VALUES (?, ?, ?, ?, ?)",
                (
                    p,
                    name,
                    f"https://host{p % 500}.example/{name}",
                    tags,
                    "2024-01-01T00:00:00+00:00",
                ),
            )
            count = 2000 if long else 3
            for n in range(1, count + 1):
                version_id += 1
                seen = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T00:00:00+00:00"
                conn.execute(
                    """INSERT INTO versions (id, policy_id, number, text_hash, text, declared_date,
                       first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (version_id, p, n, f"h{version_id}", texts[n % 3], "2024-01-01", seen, seen),
                )
                if n > 1:
                    change_id += 1
                    conn.execute(
                        """INSERT INTO changes (id, policy_id, old_version_id, new_version_id,
                           severity, created_at, comparison) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                        (change_id, p, version_id - 1, version_id,
                         ("material", "minor", "cosmetic")[n % 3], seen, comparison),
                    )  # fmt: skip
            for k in range(3000 if long else 30):
                check_id += 1
                outcome = "error" if long else ("unchanged", "not_modified", "error")[k % 3]
                conn.execute(
                    """INSERT INTO checks (id, policy_id, started_at, duration_ms, http_status,
                       outcome, version_id) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    (check_id, p, f"2024-06-{1 + k % 28:02d}T{k % 24:02d}:00:00+00:00", 120,
                     200, outcome, version_id),
                )  # fmt: skip
        conn.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="A tiny run in seconds (for CI).")
    args = parser.parse_args()
    policies, runs = (300, 2) if args.smoke else (args.policies, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "monitor.db"
        started = time.perf_counter()
        build(database, policies)
        print(
            f"built {policies:,} policies in {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
        requests = {
            "static file (floor)": "/static/style.css",
            "overview page": "/",
            "api: all policies": "/api/policies",
            "api: 1,000 newest changes": "/api/changes?limit=1000",
            "policy page, 2,000 versions": "/policies/long-history",
            "change page": "/policies/policy-00001/changes/2",
        }
        times: dict[str, list[float]] = {name: [] for name in [*requests, "overview query alone"]}
        with (
            in_thread(create_app(database, Path(tmp) / "snapshots")) as base,
            httpx.Client(base_url=base, timeout=120) as client,
            Store.open(database) as store,
        ):
            for path in requests.values():  # warm up: templates compiled, pages cached
                client.get(path).raise_for_status()
            for _ in range(runs):
                for name, path in requests.items():
                    begun = time.perf_counter()
                    client.get(path).raise_for_status()
                    times[name].append(time.perf_counter() - begun)
                begun = time.perf_counter()
                store.overview()
                times["overview query alone"].append(time.perf_counter() - begun)
    floor = statistics.median(times["static file (floor)"])
    query = statistics.median(times["overview query alone"])
    results = {}
    for name, values in times.items():
        median = statistics.median(values)
        results[name] = {
            "median_s": round(median, 4),
            "x_static": round(median / floor, 1),
            "x_query": round(median / query, 2),
        }
        print(
            f"{name:30} {median * 1000:8.1f} ms  {median / floor:7.1f}x a static file  "
            f"{median / query:6.2f}x the overview query"
        )
    overview = results["overview page"]["median_s"]
    verdict = "met" if overview < TARGET_S else "NOT met"
    print(f"overview of {policies:,} policies: {overview:.3f} s, target < {TARGET_S} s: {verdict}")
    print(json.dumps({"policies": policies, "runs": runs, "results": results}))


if __name__ == "__main__":
    main()
