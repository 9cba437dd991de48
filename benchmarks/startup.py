"""How long the command takes to start, against a bare Python in the same run.

Run: ``python -m benchmarks.startup [--runs N] [--smoke]``. Times, as whole
processes, ``python -c pass`` (the floor), ``monitor --help``, ``monitor diff``
of two small Markdown files (also with the compiled-pattern cache switched off,
as on the very first start) and ``import monitor``, interleaved round by round
so the machine's noise hits all alike; prints the median of each and its ratio
to the floor, and, as its last line, the numbers as one JSON object.

``monitor`` is the installed command (the script beside this Python; ``python
-m monitor`` when there is none). The package's bytecode is compiled first, as
an installation does, even where ``PYTHONDONTWRITEBYTECODE`` is set, and one
untimed round fills the pattern cache.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OLD = "# Privacy\n\nWe keep your e-mail address for 12 months.\n\nWe share it with nobody.\n"
NEW = "# Privacy\n\nWe keep your e-mail address for 24 months.\n\nWe share it with nobody.\n"


NO_CACHE = "monitor diff, no pattern cache"


def commands(folder: Path) -> dict[str, list[str]]:
    old, new = folder / "old.md", folder / "new.md"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    python = sys.executable
    script = Path(python).with_name("monitor")
    monitor = [str(script)] if script.is_file() else [python, "-m", "monitor"]
    return {
        "python -c pass": [python, "-c", "pass"],
        "import monitor": [python, "-c", "import monitor"],
        "monitor --help": [*monitor, "--help"],
        "monitor diff (two tiny files)": [*monitor, "diff", str(old), str(new)],
        NO_CACHE: [*monitor, "diff", str(old), str(new)],
    }


def compile_package() -> None:
    """Write the package's bytecode, as ``pip install`` does."""
    import monitor

    compileall.compile_dir(str(Path(monitor.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--smoke", action="store_true", help="A tiny run in seconds (for CI).")
    args = parser.parse_args()
    runs = 2 if args.smoke else args.runs
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        todo = commands(Path(tmp))
        times: dict[str, list[float]] = {name: [] for name in todo}
        no_cache = {**os.environ, "MONITOR_PATTERN_CACHE": "0"}
        for round_ in range(runs + 1):
            for name, command in todo.items():
                env = no_cache if name == NO_CACHE else None
                started = time.perf_counter()
                done = subprocess.run(command, capture_output=True, cwd=tmp, env=env, check=False)
                if round_:  # the first round only warms up
                    times[name].append(time.perf_counter() - started)
                if done.returncode not in (0, 1):  # diff exits 1 on a material change
                    sys.exit(f"{name} failed: {done.stderr.decode()[-300:]}")
    floor = statistics.median(times["python -c pass"])
    results = {}
    for name, values in times.items():
        median = statistics.median(values)
        results[name] = {"median_s": round(median, 4), "x_floor": round(median / floor, 1)}
        print(f"{name:34} {median * 1000:7.1f} ms  {median / floor:5.1f}x the floor")
    print(json.dumps({"runs": runs, "commands": results}))


if __name__ == "__main__":
    main()
