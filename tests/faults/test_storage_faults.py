"""Storage faults during ``monitor check``: a disk that fills up, a database locked
by another writer, a snapshot folder that cannot be written.

Every case runs ``monitor check`` as a user would: a subprocess, the real seed
server over loopback, a real SQLite file and a real snapshot folder.  With the
fault in place a check ends in a clear one-line error, or in an error outcome
for the policies the fault hit, never in a traceback; the database and the
snapshot folder stay consistent (``Store.integrity_problems`` is empty, every
snapshot file is a whole gzip holding the body its name hashes, no temporary
file is left).  Once the fault is gone, the next check stores exactly the
versions the pages served: none lost, none twice.

The full disk and the read-only folder are made in a private mount namespace
(``unshare -rm``, which needs root or unprivileged user namespaces) entered
with ``nsenter``; where that is impossible those cases are skipped.  SIGKILL at
random moments is ``tests/test_crash.py``.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.demo import SeedServer
from monitor.snapshots import SnapshotStore, sha256
from monitor.store import Store

from ..conftest import WriteConfig, run_monitor
from ..test_crash import edit_policy

KIB = 1024
MONITOR = 'timeout = "5s"\nallow_private_networks = true'
LOCK_WAIT = 30.0  # how long a write waits for another writer (Store.open's busy timeout)

_MARK = re.compile(r"schijfronde (\d+): ")
_NONCE = re.compile(rb'nonce="[^"]*"')


def _env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("MONITOR_CONFIG", None)
    return env


# -- what the pages served, and what the store must hold ----------------------------


class Served:
    """The body of each page per round (``None`` is the seed page as it came)."""

    def __init__(self, server: SeedServer) -> None:
        self.server = server
        self.bodies: dict[str, dict[int | None, bytes]] = {
            name: {None: page.body} for name, page in server.pages.items()
        }

    def edit(self, round_: int, names: list[str] | None = None) -> None:
        """A real change to the policy text of each page: every check must write."""
        for name in names if names is not None else self.bodies:
            body = edit_policy(self.bodies[name][None], f"schijfronde {round_}: ")
            self.server.set_body(name, body)
            self.bodies[name][round_] = body

    def matches(self, raw: bytes, name: str, round_: int | None) -> bool:
        """Whether ``raw`` is the body served for that round (nonces differ per response)."""
        return _NONCE.sub(b"", raw) == _NONCE.sub(b"", self.bodies[name][round_])


def _round_of(text: str) -> int | None:
    found = _MARK.findall(text)
    assert len(found) <= 1, "one edit per served page"
    return int(found[0]) if found else None


def assert_snapshot_files(root: Path, *, leftovers: tuple[Path, ...] = ()) -> list[Path]:
    """Every file in the snapshot folder is a whole gzip stored under the hash of its
    body, and no temporary file is left (but ``leftovers``). Returns the files."""
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path in leftovers:
            continue
        assert not path.name.startswith(".tmp-"), f"temporary file left behind: {path}"
        digest = sha256(gzip.decompress(path.read_bytes()))
        assert path.relative_to(root).as_posix() == f"{digest[:2]}/{digest}.gz"
        files.append(path)
    return files


def assert_store(
    database: Path,
    snapshots: Path,
    served: Served,
    expected: dict[str, list[int | None]],
    *,
    leftovers: tuple[Path, ...] = (),
) -> set[str]:
    """The store is consistent and each policy holds exactly the versions ``expected``
    (rounds, in order): each one's snapshot is the body served that round, whole.
    Returns the sha256 of the snapshots the database refers to."""
    store_files = SnapshotStore(snapshots)
    with Store.open(database) as store:
        assert store.integrity_problems(snapshots) == []
        for name, rounds in expected.items():
            versions = store.versions(name)
            assert [_round_of(v.text) for v in versions] == rounds, name
            assert [v.number for v in versions] == list(range(1, len(rounds) + 1)), name
            for version, round_ in zip(versions, rounds, strict=True):
                assert version.snapshot_sha256 is not None
                raw = store_files.get(version.snapshot_sha256)  # whole, hash verified
                assert served.matches(raw, name, round_), (name, round_)
        referenced = {row[0] for row in store.db.execute("SELECT sha256 FROM snapshots")}
    for digest in referenced:
        store_files.get(digest)
    assert_snapshot_files(snapshots, leftovers=leftovers)
    return referenced


def outcomes(
    result: subprocess.CompletedProcess[str], names: list[str]
) -> dict[str, dict[str, Any]]:
    """The JSON rows of a ``check --json`` that ran to the end, one per policy in ``names``;
    no traceback, no internal error."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 0, result.stderr
    rows = {row["policy"]: row for row in json.loads(result.stdout)}
    assert sorted(rows) == names
    for row in rows.values():
        assert "internal error" not in (row["error"] or ""), row
    return rows


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The message of a command that stopped with a usage/storage error: one line, exit 2."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("monitor: error: "), result.stderr
    assert "unexpected" not in lines[0], lines[0]
    return lines[0]


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


# -- a private mount namespace ------------------------------------------------------


class NamespaceUnavailable(Exception):
    pass


class Namespace:
    """A private mount namespace kept alive by a waiting process; ``run`` enters it."""

    def __init__(self, setup: str) -> None:
        if not (shutil.which("unshare") and shutil.which("nsenter")):
            raise NamespaceUnavailable("unshare and nsenter (util-linux) are not installed")
        self._holder = subprocess.Popen(
            ["unshare", "-rm", "sh", "-c", f"{setup} && echo ready && exec cat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._holder.stdout is not None
        if self._holder.stdout.readline().strip() != "ready":
            _, err = self._holder.communicate(timeout=10)
            raise NamespaceUnavailable(err.strip() or f"exit status {self._holder.returncode}")
        self._enter = [
            "nsenter",
            f"--target={self._holder.pid}",
            "--user",
            "--mount",
            "--preserve-credentials",
            f"--wd={os.getcwd()}",  # where run_monitor runs too (entering resets it to /)
        ]

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._enter, *command], capture_output=True, text=True, env=_env(), timeout=120
        )

    def sh(self, script: str) -> str:
        result = self.run("sh", "-c", script)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def monitor(self, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "monitor", "--config", str(config), *args)

    def close(self) -> None:
        if self._holder.poll() is None:
            self._holder.communicate(timeout=10)  # closes its stdin: the namespace goes


def _namespace_problem() -> str | None:
    """Why no private mount namespace can be made here, or None when one can."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            Namespace(f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(folder)}").close()
        except NamespaceUnavailable as exc:
            return str(exc)
    return None


@pytest.fixture
def namespace() -> Iterator[Callable[[str], Namespace]]:
    """``namespace(setup)``: a mount namespace where the shell command ``setup`` ran."""
    opened: list[Namespace] = []

    def open_(setup: str) -> Namespace:
        problem = _namespace_problem()
        if problem is not None:
            pytest.skip(f"needs root or user namespaces to mount a tmpfs privately: {problem}")
        opened.append(Namespace(setup))  # the probe worked: a failure here is a test error
        return opened[-1]

    yield open_
    for ns in opened:
        ns.close()


# -- 1. a disk that fills up ----------------------------------------------------------

DISK = 2048 * KIB
# What the filler leaves free in each round.  Nothing: the database cannot even
# map its shared memory (32 KiB).  64 KiB: room for that and for a snapshot or
# two; the policies whose snapshot no longer fits fail before writing anything,
# the others write their snapshot, then fail to write to the database.
ROOMS = (0, 64 * KIB)


def test_a_disk_that_fills_up(
    seed_server: SeedServer,
    write_config: WriteConfig,
    tmp_path: Path,
    namespace: Callable[[str], Namespace],
) -> None:
    names = sorted(seed_server.pages)
    data = tmp_path / "data"
    data.mkdir()
    filler = shlex.quote(str(data / "filler"))
    config = write_config(
        {name: seed_server.url(name) for name in names},
        monitor=MONITOR + '\ndatabase = "data/monitor.db"\nsnapshots = "data/snapshots"',
    )
    ns = namespace(f"mount -t tmpfs -o size={DISK} tmpfs {shlex.quote(str(data))}")
    served = Served(seed_server)
    expected: dict[str, list[int | None]] = {name: [] for name in names}

    def copy_out(label: str) -> Path:
        """A copy of the tmpfs (only the namespace sees it), for the assertions."""
        copy = tmp_path / label
        ns.sh(f"cp -a {shlex.quote(str(data))} {shlex.quote(str(copy))}")
        (copy / "filler").unlink(missing_ok=True)
        return copy

    rows = outcomes(ns.monitor(config, "check", "--json"), names)
    assert {row["outcome"] for row in rows.values()} == {"new_version"}
    for name in names:
        expected[name].append(None)

    seen: set[str] = set()
    for round_, room in enumerate(ROOMS):
        served.edit(round_)
        free = ns.sh(
            f"dd if=/dev/zero of={filler} bs=4096 2>/dev/null; "
            f"truncate -s -{room} {filler} && stat -f -c '%a %S' {shlex.quote(str(data))}"
        )
        blocks, block_size = map(int, free.split())
        assert blocks * block_size == room

        # the check with the disk full
        result = ns.monitor(config, "check", "--json")
        copy = copy_out(f"full-{round_}")
        stored = set()
        if result.returncode == 2:
            message = one_line_error(result)
            assert re.fullmatch(
                rf"monitor: error: cannot open database {re.escape(str(data))}/monitor\.db: "
                r"no space left on device \(.+; \d+ bytes free\)",
                message,
            ), message
            seen.add("open")
        else:
            for name, row in outcomes(result, names).items():
                error = row["error"] or ""
                if row["outcome"] == "new_version":
                    assert row["version"] == len(expected[name]) + 1
                    stored.add(name)
                    continue
                assert row["outcome"] == "error", row
                if error.startswith("cannot write snapshot"):
                    assert error == (
                        f"cannot write snapshot under {data / 'snapshots'}: No space left on device"
                    )
                    seen.add("snapshot")
                else:
                    assert re.fullmatch(
                        rf"cannot write to database {re.escape(str(data))}/monitor\.db: no space "
                        r"left on device \(database or disk is full; \d+ bytes free\)",
                        error,
                    ), error
                    # the snapshot went to disk first, whole; only the database write failed
                    assert any(
                        served.matches(gzip.decompress(path.read_bytes()), name, round_)
                        for path in assert_snapshot_files(copy / "snapshots")
                    ), name
                    seen.add("database")
        assert {p.name for p in copy.iterdir()} <= {
            "monitor.db",
            "monitor.db-wal",
            "monitor.db-shm",
            "snapshots",
        }
        for name in stored:
            expected[name].append(round_)
        assert_store(copy / "monitor.db", copy / "snapshots", served, expected)

        # the disk has room again: the next check stores what the failed ones missed
        ns.sh(f"rm {filler}")
        rows = outcomes(ns.monitor(config, "check", "--json"), names)
        for name, row in rows.items():
            if name in stored:
                assert row["outcome"] in ("unchanged", "not_modified"), row
            else:
                assert row["outcome"] == "new_version", row
                expected[name].append(round_)
            assert row["version"] == len(expected[name])
        copy = copy_out(f"recovered-{round_}")
        assert_store(copy / "monitor.db", copy / "snapshots", served, expected)

    assert seen == {"open", "snapshot", "database"}, "every kind of full disk was met"


# -- 2. a database locked by another writer -----------------------------------------


def first_versions(
    seed_server: SeedServer, write_config: WriteConfig
) -> tuple[list[str], Path, Served, dict[str, list[int | None]]]:
    """Every seed page checked once: the names, the config, the pages as served, and
    the versions expected so far (round ``None``: each page as first served)."""
    names = sorted(seed_server.pages)
    config = write_config({name: seed_server.url(name) for name in names})
    served = Served(seed_server)
    rows = outcomes(run_monitor("--config", str(config), "check", "--json"), names)
    assert {row["outcome"] for row in rows.values()} == {"new_version"}
    return names, config, served, {name: [None] for name in names}


def test_a_database_locked_by_another_writer(
    seed_server: SeedServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    names, config, served, expected = first_versions(seed_server, write_config)
    database, snapshots = tmp_path / "monitor.db", tmp_path / "snapshots"

    served.edit(0)
    for page in seed_server.pages.values():
        page.delay = 0.5  # the lock is taken between a page's request and its answer
    before = len(seed_server.requests)
    stderr = tmp_path / "stderr.txt"
    writer = sqlite3.connect(database, isolation_level=None)
    try:
        with stderr.open("w") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "monitor", "--config", str(config), "check", "--json"],
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                env=_env(),
            )
            try:
                # the policies are in the database and a page is asked for: then lock it
                wait_for(lambda: len(seed_server.requests) > before, 30, "a request")
                writer.execute("BEGIN IMMEDIATE")
                locked = time.monotonic()
                wait_for(
                    lambda: "database is locked" in stderr.read_text(),
                    LOCK_WAIT + 30,
                    "a write to give up",
                )
                waited = time.monotonic() - locked
                writer.execute("ROLLBACK")  # the other writer is done
                out, _ = process.communicate(timeout=60)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    finally:
        writer.close()
    assert waited >= LOCK_WAIT - 1, "a write waits for the other writer before giving up"

    result = subprocess.CompletedProcess(process.args, process.returncode, out, stderr.read_text())
    rows = outcomes(result, names)
    locked_out = {
        name
        for name, row in rows.items()
        if row["error"] == f"cannot write to database {database}: database is locked"
    }
    assert locked_out, "the write that gave up is an error outcome"
    # Store calls run off the event loop: while a write waits for the lock, the other
    # fetches carry on (the pages answer in 0.5 s, well within the 5 s timeout).
    timed_out = {name for name, row in rows.items() if "timed out" in (row["error"] or "")}
    assert not timed_out, "a write waiting for a lock held up the other fetches"
    for name, row in rows.items():
        if name not in locked_out:  # the writes after the other writer let go went through
            assert row["outcome"] == "new_version" and row["version"] == 2, row
            expected[name].append(0)
    referenced = assert_store(database, snapshots, served, expected)
    with Store.open(database) as store:
        for name in locked_out:  # nothing of the check that gave up was written
            assert [c["outcome"] for c in store.checks(name)] == ["new_version"]
    # the snapshot of the check that gave up was written (before its database row was
    # to be) and stays harmless: whole, under its hash, referred to by nothing
    orphans = [
        path
        for path in assert_snapshot_files(snapshots)
        if path.name.removesuffix(".gz") not in referenced
    ]
    assert len(orphans) == len(locked_out)

    for page in seed_server.pages.values():
        page.delay = 0.0
    rows = outcomes(run_monitor("--config", str(config), "check", "--json"), names)
    for name, row in rows.items():
        if name in locked_out:
            assert row["outcome"] == "new_version", row
            expected[name].append(0)
        else:
            assert row["outcome"] in ("unchanged", "not_modified"), row
        assert row["version"] == 2
    assert_store(database, snapshots, served, expected)


# -- 3. a snapshot folder that cannot be written --------------------------------------


def test_a_snapshot_folder_that_cannot_be_written(
    seed_server: SeedServer,
    write_config: WriteConfig,
    tmp_path: Path,
    namespace: Callable[[str], Namespace],
) -> None:
    names, config, served, expected = first_versions(seed_server, write_config)
    database, snapshots = tmp_path / "monitor.db", tmp_path / "snapshots"

    # one page stays the same and answers 304: its check needs no new snapshot
    steady = next(name for name in names if not seed_server.pages[name].rotate_nonce)
    served.edit(0, [name for name in names if name != steady])
    # a temporary file a crash left behind, which the check cannot delete now
    leftover = next(snapshots.iterdir()) / ".tmp-left-by-a-crash"
    leftover.write_bytes(b"half a snapshot")

    folder = shlex.quote(str(snapshots))
    ns = namespace(f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}")
    probe = ns.run("touch", str(snapshots / "probe"))  # even root cannot write there
    assert probe.returncode != 0 and "Read-only file system" in probe.stderr
    rows = outcomes(ns.monitor(config, "check", "--json"), names)
    assert rows[steady]["outcome"] == "not_modified" and rows[steady]["version"] == 1
    for name, row in rows.items():
        if name != steady:
            assert row["outcome"] == "error", row
            assert row["error"] == f"cannot write snapshot under {snapshots}: Read-only file system"
    assert_store(database, snapshots, served, expected, leftovers=(leftover,))
    assert leftover.exists()
    with Store.open(database) as store:  # the failure is recorded, so status shows it
        for name in names:
            last = store.checks(name, limit=1)[0]
            assert last["outcome"] == ("not_modified" if name == steady else "error"), last
            if name != steady:
                assert str(last["error"]).startswith("cannot write snapshot"), last

    ns.close()  # the folder is writable again
    rows = outcomes(run_monitor("--config", str(config), "check", "--json"), names)
    for name, row in rows.items():
        if name == steady:
            assert row["outcome"] == "not_modified" and row["version"] == 1
        else:
            assert row["outcome"] == "new_version" and row["version"] == 2, row
            expected[name].append(0)
    assert_store(database, snapshots, served, expected)
    assert not leftover.exists()
