"""CPU time and resident memory of a command and of every process it starts.

    usage = run_measured([...])        # wall, CPU of the whole process tree, peak RSS

The command's own CPU time comes from ``wait4`` when it ends (exact: neither tool
measured here reaps children of its own, so that figure is the command alone).
Every other process in its tree (worker processes, a fork server) is sampled from
``/proc`` every ``interval`` seconds; each can be undercounted by at most the CPU it
used in its last interval. Peak memory is the largest sum of resident set sizes of
the tree at one sample (pages shared between processes counted in each).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Usage", "run_measured"]

_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Usage:
    wall: float
    cpu: float  # seconds, the whole tree
    cpu_command: float  # seconds, the command's own process
    peak_rss_mb: float
    processes: int  # how many processes the tree held at some point
    returncode: int
    stdout: str = ""
    stderr: str = ""
    cpu_by_process: dict[str, float] = field(default_factory=dict)

    @property
    def cores(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(parent pid, CPU seconds, resident MB) of a live process, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (
        int(fields[1]),
        (int(fields[11]) + int(fields[12])) / _TICKS,
        int(fields[21]) * _PAGE / 1e6,
    )


def _name(pid: int, parent: int, root: int) -> str:
    """What a process of the tree is: a fork server's children are its workers."""
    if parent != root:
        return "workers"
    try:
        text = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return "other"
    if "forkserver" in text:
        return "fork server"
    if "resource_tracker" in text:
        return "resource tracker"
    return "workers"


class _Sampler:
    def __init__(self, root: int, interval: float) -> None:
        self.root = root
        self.interval = interval
        self.cpu: dict[int, float] = {}
        self.names: dict[int, str] = {}
        self.peak_rss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="proctree", daemon=True)

    def _tree(self) -> dict[int, tuple[int, float, float]]:
        stats = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat is not None:
                    stats[int(entry.name)] = stat
        tree, frontier = {}, [self.root]
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        while frontier:
            pid = frontier.pop()
            if pid in stats:
                tree[pid] = stats[pid]
                frontier.extend(children.get(pid, ()))
        return tree

    def sample(self) -> None:
        tree = self._tree()
        self.peak_rss = max(self.peak_rss, sum(rss for _, _, rss in tree.values()))
        for pid, (ppid, cpu, _) in tree.items():
            self.cpu[pid] = max(cpu, self.cpu.get(pid, 0.0))
            if pid not in self.names and pid != self.root:
                self.names[pid] = _name(pid, ppid, self.root)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(
    args: list[str], *, interval: float = 0.02, timeout: float = 3600, env: dict | None = None
) -> Usage:
    """Run ``args`` to its end; its wall time, CPU and peak memory with its whole tree."""
    started = time.perf_counter()
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda: out.append(process.stdout.read()), daemon=True),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err.append(process.stderr.read()), daemon=True),  # type: ignore[union-attr]
    ]
    for reader in readers:
        reader.start()
    with _Sampler(process.pid, interval) as sampler:
        deadline = time.monotonic() + timeout
        while True:
            pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
            time.sleep(0.005)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    own = rusage.ru_utime + rusage.ru_stime
    others = {pid: cpu for pid, cpu in sampler.cpu.items() if pid != process.pid}
    by_name: dict[str, float] = {"command": round(own, 3)}
    for pid, cpu in others.items():
        name = sampler.names.get(pid, "other")
        by_name[name] = round(by_name.get(name, 0.0) + cpu, 3)
    return Usage(
        wall=wall,
        cpu=own + sum(others.values()),
        cpu_command=own,
        peak_rss_mb=max(sampler.peak_rss, rusage.ru_maxrss / 1000),
        processes=1 + len(others),
        returncode=process.returncode,
        stdout="".join(out),
        stderr="".join(err),
        cpu_by_process=by_name,
    )
