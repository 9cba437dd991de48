"""Judgement on real histories: replay an Open Terms Archive collection through ``compare``.

    python -m benchmarks.replay SNAPSHOTS_REPO VERSIONS_REPO [--labels FILE] [--noise-per-source N]
    python -m benchmarks.replay --smoke    # a three-snapshot collection built on the spot

SNAPSHOTS_REPO and VERSIONS_REPO are git directories (bare is fine) of one
collection, e.g. ``OpenTermsArchive/genai-eu-snapshots`` and ``-versions``.
Only privacy and trackers policies are read.

Each source document (one URL, one file in the snapshots repository) has a
line of raw snapshots.  Two consecutive snapshots form a pair:

- **noise**: the archive recorded no new version from the newer snapshot (its
  hand-written selectors saw the same text), so the policy did not change and
  ``monitor diff`` must not call the pair material;
- **recorded**: the archive recorded a new version from the newer snapshot.
  Whether that change matters needs a person's label (``--labels``, a TOML
  file written by ``--export``'s labelling workflow, see benchmarks/README.md).

Every labelled pair is judged twice: on the raw snapshots (what the daemon
sees) and on the archive's extracted Markdown versions (what ``monitor diff
old.md new.md`` sees).  Pairs keep the archive's commit ids, so each can be
traced: ``git -C SNAPSHOTS_REPO show COMMIT``.

``--export DIR`` writes the recorded pairs for labelling (the two Markdown
versions, a word diff and an empty label) instead of scoring.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from monitor.errors import InputError
from monitor.ota_history import GitRepository

DOCUMENT_TYPES = ("Privacy Policy", "Trackers Policy", "Business Privacy Policy")
_SNAPSHOT_URL = re.compile(r"/commit/([0-9a-f]{40})")
_SOURCE_LOCATION = re.compile(r"^X-source-document-location: (\S+)", re.MULTILINE)


class Git:
    """Read-only access to one git directory: logs and file contents at commits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reader: GitRepository | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["git", f"--git-dir={self.path}", *args], capture_output=True, text=True
        )
        if done.returncode != 0:
            why = (done.stderr.strip().splitlines() or ["git failed"])[-1]
            raise SystemExit(f"{self.path}: not a readable git repository ({why})")
        return done.stdout

    def files(self) -> list[str]:
        return self.run("ls-tree", "-r", "--name-only", "-z", "HEAD").split("\0")[:-1]

    def log(self, path: str) -> list[tuple[str, str, str]]:
        """``(commit, ISO date, message)`` of the commits touching ``path``, oldest first."""
        out = self.run("log", "--reverse", "--format=%H%x00%aI%x00%B%x01", "--", path)
        entries = []
        for record in out.split("\x01"):
            record = record.strip("\n")
            if record:
                commit, date, message = record.split("\0", 2)
                entries.append((commit, date, message))
        return entries

    def read(self, commit: str, path: str) -> bytes:
        """The bytes of ``path`` at ``commit``, through the reader `monitor import
        ota-history` uses (one ``git cat-file --batch`` process)."""
        if self._reader is None:
            self._reader = GitRepository(self.path)
        try:
            return self._reader.read(commit, path)
        except InputError as missing:
            raise FileNotFoundError(str(missing)) from None


def document_of(path: str) -> str | None:
    """``"Service/Privacy Policy"`` for a snapshot or version file of a watched type."""
    service, _, name = path.rpartition("/")
    name = name.rsplit(".", 1)[0].split(" #", 1)[0]
    return f"{service}/{name}" if service and name in DOCUMENT_TYPES else None


@dataclass(frozen=True)
class Pair:
    """Two consecutive raw snapshots of one source, and what the archive recorded."""

    document: str
    source: str  # the snapshot file
    url: str
    old_snapshot: str
    new_snapshot: str
    new_date: str
    kind: str  # "noise" or "recorded"
    old_version: str | None = None  # version commits, for recorded pairs
    new_version: str | None = None

    @property
    def key(self) -> str:
        return f"{self.new_version or self.new_snapshot}:{self.new_snapshot[:12]}"


def collect(snapshots: Git, versions: Git) -> list[Pair]:
    """Every consecutive snapshot pair of the watched documents, with its kind."""
    # new snapshot → (old version, new version, the snapshots the old version was read from)
    recorded: dict[str, tuple[str, str, set[str]]] = {}
    referenced: set[str] = set()  # snapshots any version was extracted from
    for path in versions.files():
        if document_of(path) is None:
            continue
        previous: tuple[str, set[str]] | None = None
        for commit, _date, message in versions.log(path):
            ids = set(_SNAPSHOT_URL.findall(message))
            referenced |= ids
            if previous is not None and message.startswith("Record new changes"):
                for snapshot in ids - previous[1]:
                    recorded[snapshot] = (previous[0], commit, previous[1])
            previous = (commit, ids)
    pairs = []
    for path in snapshots.files():
        document = document_of(path)
        if document is None:
            continue
        history = snapshots.log(path)
        own = {commit for commit, _, _ in history}
        for (old, _, _), (new, date, message) in itertools.pairwise(history):
            location = _SOURCE_LOCATION.search(message)
            url = location.group(1) if location else ""
            if new in recorded:
                old_version, new_version, read_from = recorded[new]
                # The raw side of the recorded change: this source's snapshot that the
                # previous version was read from (a source serving variants A/B/A
                # changes between consecutive snapshots without a recorded change).
                earlier = sorted(own & read_from)
                old = earlier[0] if len(earlier) == 1 else old
                pairs.append(
                    Pair(document, path, url, old, new, date, "recorded", old_version, new_version)
                )
            elif new not in referenced:
                pairs.append(Pair(document, path, url, old, new, date, "noise"))
    return pairs


# -- judging -----------------------------------------------------------------------------------

_GIT: dict[str, Git] = {}


def _git(path: str) -> Git:
    if path not in _GIT:
        _GIT[path] = Git(Path(path))
    return _GIT[path]


@dataclass
class Judged:
    pair: Pair
    raw: dict[str, Any] | None = None  # the comparison of the raw snapshots (contract JSON)
    text: dict[str, Any] | None = None  # of the archive's Markdown versions, when recorded
    errors: list[str] = field(default_factory=list)


def _summary(comparison: Any) -> dict[str, Any]:
    return {
        "severity": str(comparison.severity),
        "material": comparison.material,
        "anomaly": comparison.anomaly,
        "categories": list(comparison.categories),
        "old_date": comparison.old.declared_date,
        "new_date": comparison.new.declared_date,
        "reasons": comparison.material_reasons(limit=5),
    }


def judge_bodies(old: bytes, new: bytes, suffix: str) -> dict[str, Any]:
    """The verdict on two bodies as the daemon would see them: an OLD without policy text
    would never have been a version, so such a pair is an anomaly."""
    from monitor.judge.compare import compare
    from monitor.text.normalize import normalize

    before = normalize(old, filename=f"old{suffix}")
    if not before.blocks:
        return {
            "severity": "none",
            "material": False,
            "anomaly": f"OLD has no policy text ({before.problem})",
            "categories": [],
            "old_date": None,
            "new_date": None,
            "reasons": [],
        }
    return _summary(compare(before, normalize(new, filename=f"new{suffix}")))


def judge(job: tuple[Pair, str, str]) -> Judged:
    """Compare one pair (runs in a worker process)."""
    from monitor.errors import MonitorError

    pair, snapshots_path, versions_path = job
    result = Judged(pair)
    snapshots = _git(snapshots_path)
    suffix = Path(pair.source).suffix or ".html"
    try:
        result.raw = judge_bodies(
            snapshots.read(pair.old_snapshot, pair.source),
            snapshots.read(pair.new_snapshot, pair.source),
            suffix,
        )
    except (MonitorError, ValueError, FileNotFoundError) as error:
        result.errors.append(f"raw: {error}")
    if pair.old_version and pair.new_version:
        versions = _git(versions_path)
        path = f"{pair.document}.md"
        try:
            result.text = judge_bodies(
                versions.read(pair.old_version, path), versions.read(pair.new_version, path), ".md"
            )
        except (MonitorError, ValueError, FileNotFoundError) as error:
            result.errors.append(f"text: {error}")
    return result


def sample_noise(pairs: list[Pair], per_source: int, seed: int = 13) -> list[Pair]:
    """At most ``per_source`` noise pairs of each source, spread over its history."""
    by_source: dict[str, list[Pair]] = {}
    for pair in pairs:
        if pair.kind == "noise":
            by_source.setdefault(pair.source, []).append(pair)
    rng = random.Random(seed)
    chosen = []
    for source in sorted(by_source):
        items = by_source[source]
        chosen += items if len(items) <= per_source else rng.sample(items, per_source)
    return chosen


def load_labels(path: Path | None) -> dict[str, dict[str, Any]]:
    """Labels by the archive's version commit (the first part of a label's key)."""
    if path is None:
        return {}
    data = tomllib.loads(path.read_text("utf-8"))
    return {label["key"].split(":")[0]: label for label in data.get("pair", [])}


def _combined(verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    """One verdict for a version from those of its changed sources: an anomaly in any
    source makes the version an anomaly, else a material change in any makes it material."""
    anomaly = next((v["anomaly"] for v in verdicts if v["anomaly"]), None)
    material = anomaly is None and any(v["material"] for v in verdicts)
    return {"anomaly": anomaly, "material": material}


Verdict = tuple[str, str, str, dict[str, Any]]
"""One judged side of one pair: (kind, version commit, "raw" or "text", summary)."""


def verdicts(judged: list[Judged]) -> Iterator[Verdict]:
    for j in judged:
        version = j.pair.new_version or ""
        if j.raw is not None:
            yield j.pair.kind, version, "raw", j.raw
        if j.text is not None:
            yield j.pair.kind, version, "text", j.text


def score(judged: Iterable[Verdict], labels: Mapping[str, str]) -> dict[str, Any]:
    """The figures of the issue's table, for raw snapshots and extracted texts.
    ``labels`` gives each labelled version commit its label; a version's text side is
    judged once, its raw side over every source page that changed."""
    noise: list[dict[str, Any]] = []
    by_version: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for kind, version, side, summary in judged:
        if kind == "noise" and side == "raw":
            noise.append(summary)
        elif version in labels:
            sides = by_version.setdefault(version, {"raw": [], "text": []})
            if side == "raw" or not sides["text"]:
                sides[side].append(summary)
    figures: dict[str, Any] = {
        "noise_pairs": len(noise),
        "noise_material": sum(v["material"] for v in noise),
        "noise_anomaly": sum(bool(v["anomaly"]) for v in noise),
    }
    figures["noise_material_rate"] = round(figures["noise_material"] / max(1, len(noise)), 4)
    for side in ("raw", "text"):
        rows = [
            (labels[version], _combined(sides[side]))
            for version, sides in by_version.items()
            if sides[side]
        ]
        material = [r for lab, r in rows if lab == "material"]
        quiet = [r for lab, r in rows if lab == "not_material"]
        anomalies = [r for lab, r in rows if lab == "anomaly"]
        figures[side] = {
            "labelled": len(rows),
            "material": len(material),
            "recall": round(sum(r["material"] for r in material) / max(1, len(material)), 4),
            "not_material": len(quiet),
            "false_alarms": round(sum(r["material"] for r in quiet) / max(1, len(quiet)), 4),
            "anomalies": len(anomalies),
            "anomalies_recognised": round(
                sum(bool(r["anomaly"]) and not r["material"] for r in anomalies)
                / max(1, len(anomalies)),
                4,
            ),
        }
    return figures


# -- export for labelling ----------------------------------------------------------------------


def export(pairs: list[Pair], versions: Git, out: Path, limit: int, seed: int = 13) -> int:
    """Write recorded pairs (the archive's two Markdown versions and a word diff) for labelling."""
    recorded = [p for p in pairs if p.kind == "recorded" and p.old_version and p.new_version]
    seen: set[str] = set()
    unique = []
    for pair in recorded:  # one pair per recorded version: several sources may point to it
        if pair.new_version not in seen:
            seen.add(pair.new_version or "")
            unique.append(pair)
    rng = random.Random(seed)
    chosen = unique if len(unique) <= limit else sorted(rng.sample(unique, limit), key=unique.index)
    out.mkdir(parents=True, exist_ok=True)
    for number, pair in enumerate(chosen, 1):
        folder = out / f"{number:03d}"
        folder.mkdir(exist_ok=True)
        path = f"{pair.document}.md"
        (folder / "old.md").write_bytes(versions.read(pair.old_version or "", path))
        (folder / "new.md").write_bytes(versions.read(pair.new_version or "", path))
        diff = subprocess.run(
            ["git", "diff", "--no-index", "--word-diff", "--unified=2", "old.md", "new.md"],
            cwd=folder,
            capture_output=True,
            text=True,
        ).stdout
        (folder / "diff.txt").write_text(diff, "utf-8")
        (folder / "pair.json").write_text(json.dumps(asdict(pair) | {"key": pair.key}, indent=2))
    return len(chosen)


def iter_jobs(pairs: list[Pair], snapshots: Git, versions: Git) -> Iterator[tuple[Pair, str, str]]:
    for pair in pairs:
        yield pair, str(snapshots.path), str(versions.path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshots", type=Path, nargs="?")
    parser.add_argument("versions", type=Path, nargs="?")
    parser.add_argument("--labels", type=Path, help="TOML labels of recorded pairs")
    parser.add_argument("--noise-per-source", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--export", type=Path, help="write recorded pairs for labelling here")
    parser.add_argument("--limit", type=int, default=200, help="pairs to export")
    parser.add_argument("--details", type=Path, help="write every judged pair as JSON lines")
    parser.add_argument("--smoke", action="store_true", help="a handful of pairs, seconds")
    args = parser.parse_args(argv)
    if args.snapshots is None or args.versions is None:
        if not args.smoke:
            parser.error("give SNAPSHOTS_REPO and VERSIONS_REPO (or --smoke alone)")
        with tempfile.TemporaryDirectory() as tmp:
            args.snapshots, args.versions = smoke_collection(Path(tmp))
            return run(args)
    return run(args)


def smoke_collection(root: Path) -> tuple[Path, Path]:
    """A tiny collection: three snapshots of one privacy policy, the second noise only
    and the third recorded as a new version. Returns the two git directories."""

    def commit(repo: Path, path: str, body: str, message: str) -> str:
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(body, encoding="utf-8")
        git = ["git", "-C", str(repo), "-c", "user.name=smoke", "-c", "user.email=smoke@example.nl"]
        subprocess.run([*git, "add", "-A"], check=True, capture_output=True)
        subprocess.run([*git, "commit", "-q", "-m", message], check=True, capture_output=True)
        return subprocess.run(
            [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
        ).stdout.strip()

    snapshots, versions = root / "snapshots", root / "versions"
    for repo in (snapshots, versions):
        subprocess.run(["git", "init", "-q", str(repo)], check=True, capture_output=True)
    text = "Wij bewaren je gegevens {} maanden.\n\nWij delen je gegevens niet met derden."
    page = (
        "<html><body><main><h1>Privacy</h1><p>{}</p><p>{}</p></main>"
        "<footer>{}</footer></body></html>"
    )
    where = "X-source-document-location: https://example.nl/privacy"
    ids = [
        commit(
            snapshots,
            "Svc/Privacy Policy.html",
            page.format(*text.format(months).split("\n\n"), year),
            where,
        )
        for months, year in ((12, 2024), (12, 2025), (36, 2025))
    ]
    markdown = "# Privacy\n\n" + text
    commit(
        versions,
        "Svc/Privacy Policy.md",
        markdown.format(12),
        f"Start tracking\n\n/commit/{ids[0]}",
    )
    commit(
        versions,
        "Svc/Privacy Policy.md",
        markdown.format(36),
        f"Record new changes\n\n/commit/{ids[2]}",
    )
    return snapshots / ".git", versions / ".git"


def run(args: argparse.Namespace) -> int:
    snapshots, versions = Git(args.snapshots), Git(args.versions)
    t0 = time.perf_counter()
    pairs = collect(snapshots, versions)
    print(
        f"{len(pairs)} pairs: {sum(p.kind == 'noise' for p in pairs)} noise, "
        f"{sum(p.kind == 'recorded' for p in pairs)} recorded ({time.perf_counter() - t0:.1f} s)",
        file=sys.stderr,
    )
    if args.export:
        count = export(pairs, versions, args.export, args.limit)
        print(f"wrote {count} pairs to {args.export}", file=sys.stderr)
        return 0
    labels = load_labels(args.labels)
    chosen = sample_noise(pairs, 2 if args.smoke else args.noise_per_source)
    chosen += [p for p in pairs if p.kind == "recorded" and (p.new_version in labels or args.smoke)]
    if args.smoke:
        chosen = chosen[:6]
    # a version's extracted text is judged once, with the first source page that changed
    seen: set[str] = set()
    for i, pair in enumerate(chosen):
        if pair.new_version in seen:
            chosen[i] = replace(pair, old_version=None)
        elif pair.new_version:
            seen.add(pair.new_version)
    judged: list[Judged] = []
    with ProcessPoolExecutor(max_workers=max(1, args.workers)) as pool:
        jobs = iter_jobs(chosen, snapshots, versions)
        for done, result in enumerate(pool.map(judge, jobs, chunksize=4), 1):
            judged.append(result)
            if done % 50 == 0:
                print(f"  {done}/{len(chosen)} pairs judged", file=sys.stderr)
    if args.details:
        with args.details.open("w", encoding="utf-8") as out:
            for j in judged:
                out.write(json.dumps(asdict(j), ensure_ascii=False) + "\n")
    figures = score(verdicts(judged), {v: label["label"] for v, label in labels.items()})
    figures["seconds"] = round(time.perf_counter() - t0, 1)
    figures["errors"] = sum(bool(j.errors) for j in judged)
    print(json.dumps(figures))
    return 1 if args.smoke and figures["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
