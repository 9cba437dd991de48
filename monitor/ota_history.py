"""An Open Terms Archive collection's history as captures to replay (``monitor import
ota-history``).

A collection keeps two git repositories: *snapshots* (``Service/Terms Type.html``, the
raw page as fetched; ``Service/Terms Type #2.html`` for the second source of a combined
document) and *versions* (``Service/Terms Type.md``, the text the archive extracted).
Each commit records one fetch; its author date is when the page was fetched and its
message may name the URL (``X-source-document-location: URL``). A file maps to the
policy ``monitor import ota`` made of the same declaration: ``service-terms-type``; a
source of a combined document (``Terms Type #id.html``) to the policy with its URL.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from monitor.errors import InputError
from monitor.ota import policy_name
from monitor.records import Capture

__all__ = ["GitRepository", "OtaHistory", "read_history"]

_LOCATION = re.compile(r"^X-source-document-location: (\S+)", re.MULTILINE)
# Commits of a versions repository that re-extract an old snapshot with new rules (the
# archive's own upgrades, refilters): the page did not change.
_REWORK = re.compile(r"^(?:Apply technical or declaration upgrade|Refilter)\b", re.IGNORECASE)
_FILE = re.compile(
    r"^(?P<service>[^/]+)/(?P<type>[^/#]+?)(?: #(?P<id>[^/]+))?\.(?P<ext>[A-Za-z]+)$"
)
CONTENT_TYPES = {
    "html": "text/html",
    "htm": "text/html",
    "xhtml": "application/xhtml+xml",
    "pdf": "application/pdf",
    "md": "text/markdown",
    "txt": "text/plain",
    "xml": "application/xml",
}


class GitRepository:
    """Read-only access to one git directory (bare or a working tree's)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._batch: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        try:
            self.run("rev-parse", "--verify", "--quiet", "HEAD")
        except FileNotFoundError:
            raise InputError(f"{path}: git is not installed (it reads the archive)") from None

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", "-C", str(self.path), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        if done.returncode != 0:
            why = (done.stderr.strip().splitlines() or ["it has no commits"])[-1]
            raise InputError(f"{self.path}: not a git repository with history ({why})")
        return done.stdout

    def read(self, commit: str, path: str) -> bytes:
        """The bytes of ``path`` at ``commit`` (thread-safe: one ``cat-file`` process)."""
        with self._lock:
            if self._batch is None:
                self._batch = subprocess.Popen(
                    ["git", "-C", str(self.path), "cat-file", "--batch"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                )
            assert self._batch.stdin is not None and self._batch.stdout is not None
            self._batch.stdin.write(f"{commit}:{path}\n".encode())
            self._batch.stdin.flush()
            header = self._batch.stdout.readline().split()
            if len(header) < 3 or header[1] != b"blob":
                raise InputError(f"{self.path}: no {path} at commit {commit[:12]}")
            body = self._batch.stdout.read(int(header[2]))
            self._batch.stdout.read(1)
            return body

    def close(self) -> None:
        if self._batch is not None:
            if self._batch.stdin is not None:
                self._batch.stdin.close()
            self._batch.wait()
            self._batch = None


@dataclass
class OtaHistory:
    """What a repository holds for the policies asked for, oldest first per policy."""

    kind: str  # "snapshots" or "versions"
    captures: dict[str, list[Capture]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # one line each


def _utc(date: str) -> str:
    return datetime.fromisoformat(date).astimezone(UTC).isoformat(timespec="seconds")


def _same_url(url: str) -> str:
    return url.rstrip("/")


def read_history(
    repo: GitRepository,
    policies: Mapping[str, str],
    *,
    services: Sequence[str] = (),
    since: str | None = None,
) -> OtaHistory:
    """The captures of every document file in ``repo`` whose policy is in ``policies``
    (name → URL; of the ``services`` named, by folder), fetched on or after ``since``
    (UTC ISO)."""
    log = repo.run(
        "log", "--reverse", "--no-renames", "--diff-filter=AM", "--name-only",
        "--format=%x01%H%x02%aI%x02%B%x02",
    )  # fmt: skip
    entries: list[tuple[str, str, str, list[str]]] = []
    for record in log.split("\x01")[1:]:
        commit, date, message, listed = record.split("\x02", 3)
        entries.append((commit, date, message, [n for n in listed.splitlines() if n]))
    by_url = {_same_url(url): name for name, url in policies.items()}
    urls: dict[str, str] = {}  # file → the URL its latest commit names
    for _commit, _date, message, changed in entries:
        location = _LOCATION.search(message)
        if location is not None:
            urls.update(dict.fromkeys(changed, location.group(1)))
    names: dict[str, str | None] = {}
    if not services:  # ``monitor export``'s layout: NAME.md at the top
        for path in {p for *_, changed in entries for p in changed if "/" not in p}:
            stem, _, ext = path.rpartition(".")
            name = by_url.get(_same_url(urls.get(path, "")), stem)
            if name in policies and ext.lower() == "md":
                names[path] = name
    paths = {p for *_, changed in entries for p in changed if _FILE.match(p)}
    kinds = {p.rsplit(".", 1)[1].lower() == "md" for p in paths | set(names)}
    history = OtaHistory(kind="versions" if kinds == {True} else "snapshots")
    wanted = set(services)
    seen_services: set[str] = set()
    for path in sorted(paths):
        found = _FILE.match(path)
        assert found is not None
        if wanted and found["service"] not in wanted:
            continue
        seen_services.add(found["service"])
        ext = found["ext"].lower()
        if history.kind == "snapshots" and ext == "md":
            names[path] = None  # a stray Markdown file beside snapshots
            continue
        name = policy_name(found["service"], found["type"])
        url = urls.get(path, "")
        parts = sorted(p for p in policies if re.fullmatch(re.escape(name) + r"-\d+", p))
        joined = ext == "md" and not found["id"] and name not in policies and bool(parts)
        if not joined and (found["id"] or name not in policies):  # a source: by its URL
            name = by_url.get(_same_url(url), name)
        if joined:
            history.skipped.append(
                f"{path}: the archive's text joins the {len(parts)} sources of this document, "
                f"each a policy of its own here ({', '.join(parts)}): import the snapshots "
                "repository instead, which keeps each source's page; not imported"
            )
            names[path] = None
        elif name not in policies:
            why = f"no [[policy]] named {name!r}" + (f" or with URL {url}" if url else "")
            history.skipped.append(
                f"{path}: {why} (add it with monitor import ota DECLARATIONS); not imported"
            )
            names[path] = None
        elif ext not in CONTENT_TYPES:
            history.skipped.append(f"{path}: .{ext} files are not read; not imported")
            names[path] = None
        else:
            names[path] = name
    missing = sorted(wanted - seen_services)
    if missing:
        raise InputError(f"{repo.path}: no service folder named {missing[0]!r}")
    for commit, date, message, changed in entries:
        at = _utc(date)
        if since and at < since:
            continue
        location = _LOCATION.search(message)
        rework = (
            "the archive re-extracted this text with new rules (its own upgrade): not a "
            "change of the page"
            if _REWORK.match(message)
            else ""
        )
        for path in changed:
            policy = names.get(path)
            if policy is None:
                continue
            ext = path.rsplit(".", 1)[1].lower()
            history.captures.setdefault(policy, []).append(
                Capture(
                    policy=policy,
                    at=at,
                    ref=f"{commit}:{path}",
                    url=location.group(1) if location else "",
                    content_type=CONTENT_TYPES[ext],
                    path=path,
                    rework=rework,
                )
            )
    for captures in history.captures.values():
        captures.sort(key=lambda c: c.at)  # author dates, not the order of the commits
    return history
