"""How long the command takes to start, against a bare Python in the same run.

Run: ``python -m benchmarks.startup [--runs N] [--smoke]``. Times, as whole
processes, ``python -c pass`` (the floor), ``monitor --help``, ``monitor diff``
of two small Markdown files and ``import monitor``, interleaved round by round
so the machine's noise hits all alike; prints the median of each and its ratio
to the floor, and, as its last line, the numbers as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OLD = "# Privacy\n\nWe keep your e-mail address for 12 months.\n\nWe share it with nobody.\n"
NEW = "# Privacy\n\nWe keep your e-mail address for 24 months.\n\nWe share it with nobody.\n"


def commands(folder: Path) -> dict[str, list[str]]:
    old, new = folder / "old.md", folder / "new.md"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    python = sys.executable
    return {
        "python -c pass": [python, "-c", "pass"],
        "import monitor": [python, "-c", "import monitor"],
        "monitor --help": [python, "-m", "monitor", "--help"],
        "monitor diff (two tiny files)": [python, "-m", "monitor", "diff", str(old), str(new)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--smoke", action="store_true", help="A tiny run in seconds (for CI).")
    args = parser.parse_args()
    runs = 2 if args.smoke else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        todo = commands(Path(tmp))
        times: dict[str, list[float]] = {name: [] for name in todo}
        for _ in range(runs):
            for name, command in todo.items():
                started = time.perf_counter()
                done = subprocess.run(command, capture_output=True, cwd=tmp, check=False)
                times[name].append(time.perf_counter() - started)
                if done.returncode not in (0, 1):  # diff exits 1 on a material change
                    sys.exit(f"{name} failed: {done.stderr.decode()[-300:]}")
    floor = statistics.median(times["python -c pass"])
    results = {}
    for name, values in times.items():
        median = statistics.median(values)
        results[name] = {"median_s": round(median, 4), "x_floor": round(median / floor, 1)}
        print(f"{name:32} {median * 1000:7.1f} ms  {median / floor:5.1f}x the floor")
    print(json.dumps({"runs": runs, "commands": results}))


if __name__ == "__main__":
    main()
