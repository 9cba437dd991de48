"""``monitor export``: the store's versions and changes taken elsewhere, as JSON lines or
as a git repository with one commit per version (when it was first seen, its change's
summary, severity and reasons as the message)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.errors import InputError
from monitor.evidence import provenance
from monitor.output.contract import from_dict
from monitor.output.summary import summarize
from monitor.store import Store

__all__ = ["FORMATS", "Exported", "export"]

FORMATS = ("git", "jsonl")
AUTHOR = "policy-monitor <monitor@localhost>"


@dataclass
class Exported:
    policies: int = 0
    versions: int = 0
    changes: int = 0


@dataclass(frozen=True)
class _Version:
    policy: str
    number: int
    first_seen: str
    text: str
    record: dict[str, Any]
    change: dict[str, Any] | None


def export(
    store: Store,
    names: Sequence[str],
    fmt: str,
    target: Path,
    *,
    summary_language: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Exported:
    """Write the history of ``names`` to ``target`` (a new or empty folder) in ``fmt``."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (use {' or '.join(FORMATS)})")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target} exists and is not an empty folder: export into a new one")
    versions = sorted(_versions(store, names), key=lambda v: (v.first_seen, v.policy, v.number))
    target.mkdir(parents=True, exist_ok=True)
    done = Exported(policies=len(names), versions=len(versions))
    done.changes = sum(v.change is not None for v in versions)
    try:
        if fmt == "jsonl":
            _jsonl(versions, target, progress)
        else:
            _git(versions, target, summary_language, progress)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # never half an export under its name
        raise
    return done


def _versions(store: Store, names: Sequence[str]) -> Iterator[_Version]:
    for name in names:
        changes = {c["new_version"]: c for c in store.changes_of(name)}
        for version in store.versions(name):
            record = {
                "policy": name, "version": version.number, "variant": version.variant,
                "first_seen": version.first_seen, "last_seen": version.last_seen,
                "declared_date": version.declared_date, "language": version.language,
                "title": version.title, "text_hash": version.text_hash,
                "snapshot_sha256": version.snapshot_sha256,
                "provenance": provenance(store, version.id),
            }  # fmt: skip
            yield _Version(name, version.number, version.first_seen, version.text, record,
                           changes.get(version.number))  # fmt: skip


def _jsonl(versions: list[_Version], target: Path, progress: Callable[[int], None] | None) -> None:
    with (
        (target / "versions.jsonl").open("w", encoding="utf-8") as out,
        (target / "changes.jsonl").open("w", encoding="utf-8") as changes,
    ):
        for version in versions:
            out.write(json.dumps({**version.record, "text": version.text}, ensure_ascii=False))
            out.write("\n")
            if version.change is not None:
                changes.write(json.dumps({"policy": version.policy, **version.change},
                                         ensure_ascii=False) + "\n")  # fmt: skip
            if progress:
                progress(1)


def _git(
    versions: list[_Version],
    target: Path,
    language: str | None,
    progress: Callable[[int], None] | None,
) -> None:
    """One commit per version through ``git fast-import`` (fast on long histories)."""
    if shutil.which("git") is None:
        raise InputError("--format git needs git (apt-get install git)")
    _run(["git", "init", "-q", "-b", "main", str(target)])
    importer = subprocess.Popen(
        ["git", "-C", str(target), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert importer.stdin is not None
    try:
        for mark, version in enumerate(versions, start=1):
            when = int(datetime.fromisoformat(version.first_seen).timestamp())
            message = _message(version, language).encode("utf-8")
            text = version.text.encode("utf-8")
            importer.stdin.write(
                b"commit refs/heads/main\n"
                + f"mark :{mark}\nauthor {AUTHOR} {when} +0000\n".encode()
                + f"committer {AUTHOR} {when} +0000\n".encode()
                + f"data {len(message)}\n".encode()
                + message
                + b"\n"
                + f"M 100644 inline {_path(version.policy)}\n".encode()
                + f"data {len(text)}\n".encode()
                + text
                + b"\n"
            )
            if progress:
                progress(1)
        importer.stdin.write(b"done\n")
        importer.stdin.close()
    except BrokenPipeError:
        pass
    if importer.wait() != 0:
        error = importer.stderr.read().decode("utf-8", "replace") if importer.stderr else ""
        raise InputError(f"git fast-import failed: {error.strip().splitlines()[-1:]}")
    if versions:
        _run(["git", "-C", str(target), "reset", "-q", "--hard", "main"])


def _path(policy: str) -> str:
    return f"{policy}.md"  # names are [A-Za-z0-9._-]: safe as file names


def _message(version: _Version, language: str | None) -> str:
    # The URL as the archive's commits give it: an export imports back (ota-history).
    source = f"X-source-document-location: {version.record['provenance']['requested_url']}"
    if version.change is None:
        return f"{version.policy}: version {version.number}, first seen\n\n{source}\n"
    comparison = from_dict(version.change["comparison"])
    lines = [
        f"{version.policy}: version {version.number} ({comparison.severity})",
        "",
        summarize(version.policy, comparison, language=language),
    ]
    reasons = [r for c in comparison.changes for r in c.reasons][:20]
    if reasons:
        lines += ["", *(f"- {reason}" for reason in reasons)]
    lines += ["", f"Policy-Monitor-Severity: {comparison.severity}",
              f"Policy-Monitor-Version: {version.number}", source]  # fmt: skip
    return "\n".join(lines) + "\n"


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InputError(f"{' '.join(command[:3])} failed: {done.stderr.strip()}")
