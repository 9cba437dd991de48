"""Normalise + segment speed, against the floor of parsing the same pages with lxml.

    python -m benchmarks.normalize_bench [--pages 100] [--size 100000] [--smoke]

Builds pages of about ``--size`` bytes from the seed policies (each seed text
wrapped in the chrome templates of ``monitor.chrome``), then times, best of
three rounds: lxml parsing alone (the floor), BeautifulSoup with the lxml
tree builder (the peer the design card named, when installed), and the
whole normalise+segment stage. Prints pages per second and ratios to the
floor; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from lxml import html as lhtml

from monitor.text.normalize import normalize
from monitor.text.segment import segment
from tests.support import chrome

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def build_pages(count: int, size: int) -> list[bytes]:
    texts = [p.read_text("utf-8") for p in sorted((SEEDS / "text").glob("*.txt"))]
    pages = []
    for i in range(count):
        text = texts[i % len(texts)]
        parts = [text]
        copy = 1
        while sum(len(p) for p in parts) * 1.3 < size:
            copy += 1
            parts.append(
                "\n\n".join(
                    f"{copy}.{n} {para}"
                    for n, para in enumerate(text.split("\n\n"))
                    if para.strip()
                )
            )
        fragment = chrome.policy_fragment("\n\n".join(parts))
        template = chrome.TEMPLATES[i % len(chrome.TEMPLATES)]
        pages.append(chrome.wrap(fragment, template, seed=i).encode("utf-8"))
    return pages


def best_of(rounds: int, work: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="A tiny run in seconds (for CI).")
    args = parser.parse_args()
    if args.smoke:
        args.pages, args.size = 5, 20_000
    pages = build_pages(args.pages, args.size)
    mean_kb = sum(map(len, pages)) / len(pages) / 1000
    clauses = 0

    def floor() -> None:
        for page in pages:
            lhtml.document_fromstring(page)

    def ours() -> None:
        nonlocal clauses
        clauses = 0
        for page in pages:
            clauses += len(segment(normalize(page, content_type="text/html")))

    floor_s = best_of(3, floor)
    ours_s = best_of(3, ours)
    result = {
        "pages": len(pages),
        "mean_page_kb": round(mean_kb, 1),
        "clauses_per_page": round(clauses / len(pages), 1),
        "lxml_floor_ms_per_page": round(floor_s / len(pages) * 1000, 2),
        "normalize_segment_ms_per_page": round(ours_s / len(pages) * 1000, 2),
        "pages_per_second": round(len(pages) / ours_s, 1),
        "ratio_to_floor": round(ours_s / floor_s, 2),
        "target_ratio": 5.0,
    }
    try:
        from bs4 import BeautifulSoup
    except ImportError:
        print("BeautifulSoup not installed (pip install -e '.[bench]'): peer skipped")
    else:

        def peer() -> None:
            for page in pages:
                BeautifulSoup(page, "lxml")

        bs4_s = best_of(1, peer)
        result["bs4_lxml_ms_per_page"] = round(bs4_s / len(pages) * 1000, 2)
        result["bs4_ratio_to_floor"] = round(bs4_s / floor_s, 2)
    print(f"{len(pages)} pages of {mean_kb:.0f} KB, {result['clauses_per_page']} clauses each")
    print(f"lxml parse alone (floor)   {result['lxml_floor_ms_per_page']:8.2f} ms/page")
    if "bs4_lxml_ms_per_page" in result:
        print(
            f"BeautifulSoup(lxml) parse  {result['bs4_lxml_ms_per_page']:8.2f} ms/page"
            f"   {result['bs4_ratio_to_floor']:.1f}x floor"
        )
    print(
        f"normalise + segment        {result['normalize_segment_ms_per_page']:8.2f} ms/page"
        f"   {result['ratio_to_floor']:.1f}x floor (target <= 5x)"
        f"   {result['pages_per_second']} pages/s"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
