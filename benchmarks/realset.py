"""The compact real set: labelled archive pairs checked in under ``tests/real/``.

    python -m benchmarks.realset                       # the figures on the checked-in set
    python -m benchmarks.realset --pack SNAPSHOTS VERSIONS --labels benchmarks/labels/genai-eu.toml

``--pack`` builds the set from an Open Terms Archive collection (see
``benchmarks.replay``): every labelled recorded change as the archive's two
extracted Markdown versions, the raw snapshots of the source pages that
changed, and a few consecutive raw snapshot pairs per source after which the
archive recorded nothing (noise).  Texts and pages are stored once each, by
sha256, in two solid xz archives (near-identical versions compress to almost
nothing); ``pairs.toml`` keeps the archive's commit ids, so every pair can be
traced back.  ``tests/test_real_set.py`` holds the figures at their level.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import tarfile
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.replay import Verdict, judge_bodies, score

SET = Path(__file__).resolve().parent.parent / "tests" / "real" / "genai-eu"


@dataclass(frozen=True)
class RealPair:
    """One pair of the set: its label and where its two sides are stored."""

    key: str
    document: str
    kind: str  # "recorded" (labelled) or "noise"
    label: str  # material, not_material, anomaly; "not_material" for noise
    version: str  # the archive's version commit (recorded) or "" (noise)
    old_text: str = ""  # sha256 of the extracted Markdown versions (recorded pairs)
    new_text: str = ""
    old_page: str = ""  # sha256 of the raw snapshots of one source page that changed
    new_page: str = ""
    source: str = ""  # the snapshot file, e.g. "Claude.ai/Privacy Policy #legal-privacy.html"
    old_snapshot: str = ""
    new_snapshot: str = ""
    why: str = ""


def _tar(members: dict[str, bytes], path: Path) -> None:
    with tarfile.open(path, "w:xz", preset=9) as tar:
        for name in sorted(members, key=lambda n: (members[n][:64], n)):
            info = tarfile.TarInfo(name)
            info.size = len(members[name])
            tar.addfile(info, io.BytesIO(members[name]))


def _untar(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:xz") as tar:
        out = {}
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            if handle is not None:
                out[member.name] = handle.read()
        return out


def load(folder: Path = SET) -> tuple[list[RealPair], dict[str, bytes], dict[str, bytes]]:
    """The pairs, the texts and the pages of a packed set."""
    if not (folder / "pairs.toml").is_file():
        raise SystemExit(f"{folder}: no packed set here (pairs.toml); see --pack")
    data = tomllib.loads((folder / "pairs.toml").read_text("utf-8"))
    pairs = [RealPair(**item) for item in data["pair"]]
    return pairs, _untar(folder / "texts.tar.xz"), _untar(folder / "pages.tar.xz")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack(
    snapshots_path: Path,
    versions_path: Path,
    labels_path: Path,
    folder: Path = SET,
    noise_per_source: int = 2,
) -> int:
    """Build the set from a collection; returns the number of pairs written."""
    from benchmarks.replay import Git, collect, load_labels, sample_noise

    snapshots, versions = Git(snapshots_path), Git(versions_path)
    labels = load_labels(labels_path)
    pairs = collect(snapshots, versions)
    texts: dict[str, bytes] = {}
    pages: dict[str, bytes] = {}
    rows: list[dict[str, str]] = []

    def page(commit: str, source: str) -> str:
        body = snapshots.read(commit, source)
        pages[_sha(body)] = body
        return _sha(body)

    for pair in pairs:
        if pair.kind != "recorded" or pair.new_version not in labels:
            continue
        label = labels[pair.new_version]
        path = f"{pair.document}.md"
        old = versions.read(pair.old_version or "", path)
        new = versions.read(pair.new_version or "", path)
        texts[_sha(old)], texts[_sha(new)] = old, new
        rows.append(
            {
                "key": pair.key,
                "document": pair.document,
                "kind": "recorded",
                "label": label["label"],
                "version": pair.new_version or "",
                "old_text": _sha(old),
                "new_text": _sha(new),
                "old_page": page(pair.old_snapshot, pair.source),
                "new_page": page(pair.new_snapshot, pair.source),
                "source": pair.source,
                "old_snapshot": pair.old_snapshot,
                "new_snapshot": pair.new_snapshot,
                "why": label.get("why", ""),
            }
        )
    for pair in sample_noise(pairs, noise_per_source, seed=5):
        rows.append(
            {
                "key": pair.key,
                "document": pair.document,
                "kind": "noise",
                "label": "not_material",
                "version": "",
                "old_page": page(pair.old_snapshot, pair.source),
                "new_page": page(pair.new_snapshot, pair.source),
                "source": pair.source,
                "old_snapshot": pair.old_snapshot,
                "new_snapshot": pair.new_snapshot,
                "why": "the archive recorded no new version after this snapshot",
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    _tar(texts, folder / "texts.tar.xz")
    _tar(pages, folder / "pages.tar.xz")
    header = (
        "# Pairs of OpenTermsArchive/genai-eu (privacy and trackers policies), packed by\n"
        "# python -m benchmarks.realset --pack; labels from benchmarks/labels/genai-eu.toml.\n"
        "# Texts and pages are in texts.tar.xz and pages.tar.xz, named by sha256.\n\n"
    )
    body = "\n".join(
        "[[pair]]\n"
        + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in row.items())
        for row in rows
    )
    (folder / "pairs.toml").write_text(header + body, encoding="utf-8")
    return len(rows)


# -- judging -------------------------------------------------------------------------------------


def figures(folder: Path = SET, limit: int | None = None) -> dict[str, Any]:
    """Noise, recall, false alarms and anomalies on each side, scored as
    :func:`benchmarks.replay.score` scores a whole archive."""
    pairs, texts, pages = load(folder)
    labels = {p.version: p.label for p in pairs if p.kind == "recorded"}
    return score(_verdicts(pairs[:limit], texts, pages), labels)


def _verdicts(
    pairs: list[RealPair], texts: dict[str, bytes], pages: dict[str, bytes]
) -> Iterator[Verdict]:
    texts_judged: set[str] = set()  # a version's text side once, however many sources changed
    for pair in pairs:
        if pair.old_text and pair.version not in texts_judged:
            texts_judged.add(pair.version)
            summary = judge_bodies(texts[pair.old_text], texts[pair.new_text], ".md")
            yield pair.kind, pair.version, "text", summary
        if pair.old_page:
            suffix = Path(pair.source).suffix or ".html"
            summary = judge_bodies(pages[pair.old_page], pages[pair.new_page], suffix)
            yield pair.kind, pair.version, "raw", summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", nargs=2, type=Path, metavar=("SNAPSHOTS", "VERSIONS"))
    parser.add_argument("--labels", type=Path, default=Path("benchmarks/labels/genai-eu.toml"))
    parser.add_argument("--noise-per-source", type=int, default=2)
    parser.add_argument("--set", type=Path, default=SET, help="the packed set's folder")
    parser.add_argument("--smoke", action="store_true", help="the first 10 pairs only, seconds")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    if args.pack:
        snapshots, versions = args.pack
        count = pack(snapshots, versions, args.labels, args.set, args.noise_per_source)
        print(f"packed {count} pairs into {args.set}", file=sys.stderr)
        return 0
    result = figures(args.set, 10 if args.smoke else None)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
