"""How fast `monitor import ota-history` replays an archive, against the floor of its work.

Run: ``python -m benchmarks.import_bench [--policies N] [--captures M] [--smoke]``.

Builds an Open Terms Archive snapshots repository with git (the seed pages as N
services' privacy policies, M commits each: most change only bytes the text does not
keep, every fifth adds a sentence), configures the N policies, and replays the archive
into a fresh store with ``processes = 1`` and ``= 2``. The floor, measured in the same
run, is reading every capture from git and normalising it once in this process: the
least any import must do. It prints captures per second and the ratio to the floor,
and, as its last line, the numbers as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from monitor.config import load_config
from monitor.demo import load_seed_pages
from monitor.ota_history import GitRepository, read_history
from monitor.replay import replay
from monitor.text.normalize import normalize


def build(root: Path, policies: int, captures: int) -> Path:
    """A snapshots repository made with ``git fast-import`` (commits dated a day apart)."""
    repo = root / "snapshots"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    pages = [p.body for p in load_seed_pages()]
    stream = bytearray()
    mark = 0
    start = 1_500_000_000
    for step in range(captures):
        for n in range(policies):
            page = pages[n % len(pages)]
            extra = b"".join(
                b"<p>We also keep a log of change %d for your account.</p>" % k
                for k in range(1, step // 5 + 1)
            )  # every fifth capture adds a sentence
            # the sentences go after the policy's first paragraph, the comment anywhere
            body = page.replace(b"</p>", b"</p>" + extra, 1) + b"<!-- %d -->" % step
            mark += 1
            when = start + step * 86_400 + n
            url = f"https://service{n}.example/privacy"
            message = f"Record new changes\n\nX-source-document-location: {url}\n".encode()
            stream += b"commit refs/heads/main\n"
            stream += f"mark :{mark}\ncommitter b <b@example.org> {when} +0000\n".encode()
            stream += b"data %d\n%s\n" % (len(message), message)
            stream += f"M 100644 inline Service{n}/Privacy Policy.html\n".encode()
            stream += b"data %d\n%s\n" % (len(body), body)
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet"], input=bytes(stream), check=True
    )
    return repo


def configure(root: Path, policies: int, processes: int) -> Path:
    path = root / f"config-{processes}.toml"
    lines = [
        "[monitor]",
        f'database = "{root}/monitor-{processes}.db"',
        f'snapshots = "{root}/snapshots-{processes}"',
        f"processes = {processes}",
        "",
    ]
    for n in range(policies):
        lines += ["[[policy]]", f'name = "service{n}-privacy-policy"',
                  f'url = "https://service{n}.example/privacy"', ""]  # fmt: skip
    path.write_text("\n".join(lines), "utf-8")
    return path


def floor(repo: Path, names: dict[str, str]) -> tuple[int, float]:
    """Read every capture and normalise it once, in this process: (captures, seconds)."""
    git = GitRepository(repo)
    found = read_history(git, names)
    t0 = time.perf_counter()
    count = 0
    for captures in found.captures.values():
        for capture in captures:
            commit, _, path = capture.ref.partition(":")
            normalize(git.read(commit, path), content_type="text/html")
            count += 1
    git.close()
    return count, time.perf_counter() - t0


def run(root: Path, repo: Path, policies: int, processes: int) -> dict[str, Any]:
    config = load_config(configure(root, policies, processes))
    git = GitRepository(repo)
    found = read_history(git, {p.name: p.url for p in config.policies})

    async def read(capture: Any, _fetcher: Any) -> bytes:
        commit, _, path = capture.ref.partition(":")
        return git.read(commit, path)

    t0 = time.perf_counter()
    done = replay(config, found.captures, read)
    seconds = time.perf_counter() - t0
    git.close()
    return {"processes": processes, "captures": done.replayed, "seconds": round(seconds, 3),
            "per_second": round(done.replayed / seconds, 1), "outcomes": done.outcomes}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=20)
    parser.add_argument("--captures", type=int, default=40)
    parser.add_argument("--smoke", action="store_true", help="2 policies x 3 captures (CI)")
    args = parser.parse_args()
    policies, captures = (2, 3) if args.smoke else (args.policies, args.captures)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo = build(root, policies, captures)
        names = {f"service{n}-privacy-policy": f"https://service{n}.example/privacy"
                 for n in range(policies)}  # fmt: skip
        count, floor_seconds = floor(repo, names)
        print(f"{policies} policies x {captures} captures = {count} captures "
              f"({platform.python_version()}, {os.cpu_count()} CPUs)")  # fmt: skip
        print(f"floor (read + normalise, one process): {count / floor_seconds:8.1f} per second")
        rows = []
        for processes in (1, 2):
            row = run(root, repo, policies, processes)
            row["vs_floor"] = round(row["seconds"] / floor_seconds, 2)
            rows.append(row)
            print(f"import, processes = {processes}: {row['per_second']:8.1f} per second, "
                  f"{row['vs_floor']:.2f}x the floor's time  {row['outcomes']}")  # fmt: skip
    print(json.dumps({"captures": count, "floor_per_second": round(count / floor_seconds, 1),
                      "imports": rows}))  # fmt: skip


if __name__ == "__main__":
    main()
