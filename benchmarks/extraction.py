"""How well main-content extraction finds the policy, measured on labelled pages.

For every seed page (and, when ``monitor.chrome`` is available, every seed text
wrapped in every chrome template), the seed text is the label: recall is the
share of the seed's paragraphs found among the extracted blocks, precision the
share of extracted blocks that belong to the seed text.

    python -m benchmarks.extraction [--smoke]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from monitor.text.canonical import fold, is_noise_text, visible_text
from monitor.text.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent / "seeds"


def seed_units(text: str) -> set[str]:
    """The seed's lines, folded, bullets stripped, page furniture left out."""
    units = set()
    for line in text.splitlines():
        line = fold(line).lstrip("•").strip()
        if line and not is_noise_text(line):
            units.add(line)
    return units


def pages() -> Iterator[tuple[str, bytes, str]]:
    manifest = json.loads((ROOT / "policies.json").read_text("utf-8"))
    for entry in manifest:
        text = (ROOT / entry["text"]).read_text("utf-8")
        yield entry["name"], (ROOT / entry["page"]).read_bytes(), text
    try:
        from tests.support import chrome
    except ImportError:
        return
    for entry in manifest:
        text = (ROOT / entry["text"]).read_text("utf-8")
        fragment = chrome.policy_fragment(text)
        for template in chrome.TEMPLATES:
            page = chrome.wrap(fragment, template, seed=1)
            yield f"{entry['name']}@{template}", page.encode("utf-8"), text


def measure(body: bytes, text: str) -> tuple[float, float, list[str], list[str]]:
    document = normalize(body, content_type="text/html")
    expected = seed_units(text)
    joined = "\n".join(expected)
    blocks = [visible_text(b.text) for b in document.blocks]
    found = {u for u in expected if any(u in b or b in u for b in blocks)}
    extra = [b for b in blocks if b not in joined and not any(b in u for u in expected)]
    # a block may merge several seed lines (a heading line and its text): count by containment
    recall = len(found) / max(1, len(expected))
    precision = 1 - len(extra) / max(1, len(blocks))
    return recall, precision, sorted(expected - found), extra


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="Only the first 5 pages (for CI).")
    args = parser.parse_args()
    rows = []
    for name, body, text in itertools.islice(pages(), 5 if args.smoke else None):
        recall, precision, missed, extra = measure(body, text)
        rows.append((name, recall, precision, missed, extra))
        print(f"{name:55} recall {recall:6.1%}  precision {precision:6.1%}")
        for line in missed[:3]:
            print(f"    missed: {line[:90]}")
        for line in extra[:3]:
            print(f"    extra:  {line[:90]}")
    n = len(rows)
    summary = {
        "pages": n,
        "mean_recall": round(sum(r[1] for r in rows) / n, 4),
        "mean_precision": round(sum(r[2] for r in rows) / n, 4),
        "min_recall": round(min(r[1] for r in rows), 4),
        "min_precision": round(min(r[2] for r in rows), 4),
        "perfect_pages": sum(1 for r in rows if r[1] == 1 and r[2] == 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
