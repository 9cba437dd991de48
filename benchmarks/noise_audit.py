"""An audit of "noise" pairs that whole checks reported: did the archive miss a change?

A pair after which the archive recorded no new version is taken as noise.  That
holds for most pairs, but not always: a document the archive combines from
several pages records no version while one of its pages fails, and then records
the change late or never.  When ``check_replay`` reports a material change on
such a pair, people judge the pair itself (the archive's two raw snapshots and
their text, never the monitor's output) with ``../shared/LABELING.md``; the
audit file keeps the labels both agreed on, and ``check_replay --audit FILE``
counts a pair they labelled material as a change the archive missed, not noise.

``export`` writes one folder per pair: both raw pages, their text (the part the
archive's declaration selects, read with BeautifulSoup), a word diff of the
text, and ``pair.toml`` to fill in.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from benchmarks.replay import Git, Pair

__all__ = ["export", "load_audit"]


def load_audit(path: Path | None) -> dict[str, str]:
    """Audited labels by the pair's newer snapshot commit."""
    if path is None:
        return {}
    data = tomllib.loads(path.read_text("utf-8"))
    return {entry["new_snapshot"]: entry["label"] for entry in data.get("pair", [])}


def export(pairs: list[Pair], snapshots: Git, declarations: Git | None, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for index, pair in enumerate(pairs, 1):
        folder = out / f"{index:02d}"
        folder.mkdir(exist_ok=True)
        select, remove = _selectors(declarations, pair.source)
        texts = []
        for side, commit in (("old", pair.old_snapshot), ("new", pair.new_snapshot)):
            body = snapshots.read(commit, pair.source)
            (folder / f"{side}.html").write_bytes(body)
            text = _text(body, select, remove)
            (folder / f"{side}.txt").write_text(text, encoding="utf-8")
            texts.append(folder / f"{side}.txt")
        diff = subprocess.run(
            ["git", "diff", "--no-index", "--word-diff", "--", *map(str, texts)],
            capture_output=True,
            text=True,
        )
        (folder / "diff.txt").write_text(diff.stdout, encoding="utf-8")
        (folder / "pair.toml").write_text(
            f'document = "{pair.document}"\nsource = "{pair.source}"\nurl = "{pair.url}"\n'
            f'old_snapshot = "{pair.old_snapshot}"\nnew_snapshot = "{pair.new_snapshot}"\n'
            f'new_date = "{pair.new_date}"\nlabel = ""  # material / not_material / anomaly\n'
            'why = ""\n',
            encoding="utf-8",
        )
    return len(pairs)


def _selectors(declarations: Git | None, source: str) -> tuple[list[str], list[str]]:
    """The archive's ``select`` and ``remove`` for the document a source file belongs to."""
    if declarations is None:
        return [], []
    service, _, rest = source.partition("/")
    document = rest.split(" #")[0].removesuffix(".html").removesuffix(".pdf")
    try:
        raw = declarations.read("HEAD", f"declarations/{service}.json")
    except FileNotFoundError:
        return [], []
    terms: dict[str, Any] = json.loads(raw).get("terms", {})
    entry = terms.get(document, {})
    return _list(entry.get("select")), _list(entry.get("remove"))


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]  # range selectors are left out


def _text(body: bytes, select: list[str], remove: list[str]) -> str:
    soup = BeautifulSoup(body, "lxml")
    for selector in remove:
        for node in soup.select(selector):
            node.decompose()
    parts = [node for selector in select for node in soup.select(selector)] or [soup]
    return "\n\n".join(part.get_text("\n", strip=True) for part in parts)
