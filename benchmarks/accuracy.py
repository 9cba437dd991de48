"""Accuracy of material-change detection and declared dates on the labelled pairs.

    python -m benchmarks.accuracy [--set labelled|holdout] [--verbose] [--smoke]

Every folder of ``tests/labelled/`` holds an OLD and a NEW version and the
label a person gave the pair (``label.toml``). Each pair is normalised and
compared exactly as ``monitor diff`` does, and the result is scored against
the label: precision and recall of ``material``, the false-alarm rate on
pairs that are not material, per-category recall, declared-date accuracy,
anomaly detection and the severity confusion. The last line is one JSON
object; ``tests/test_accuracy.py`` holds these figures at their levels.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.judge.compare import compare
from monitor.output.contract import to_dict
from monitor.text.normalize import normalize

TESTS = Path(__file__).resolve().parent.parent / "tests"
LABELLED = TESTS / "labelled"
SEVERITIES = ("none", "cosmetic", "minor", "material")


@dataclass(frozen=True)
class Result:
    name: str
    label: dict[str, Any]
    comparison: dict[str, Any]

    @property
    def expected_material(self) -> bool:
        return self.label["severity"] == "material"

    @property
    def found_material(self) -> bool:
        return bool(self.comparison["material"])


def pairs(folder: Path = LABELLED) -> list[Path]:
    return sorted(p for p in folder.iterdir() if (p / "label.toml").exists())


def run_pair(folder: Path) -> Result:
    label = tomllib.loads((folder / "label.toml").read_text("utf-8"))
    old_path = next(folder.glob("old.*"))
    new_path = next(folder.glob("new.*"))
    old = normalize(old_path.read_bytes(), filename=old_path.name, language=label["language"])
    new = normalize(new_path.read_bytes(), filename=new_path.name, language=label["language"])
    return Result(folder.name, label, to_dict(compare(old, new)))  # as --format json prints it


def score(results: list[Result]) -> dict[str, Any]:
    tp = sum(r.expected_material and r.found_material for r in results)
    fp = sum(not r.expected_material and r.found_material for r in results)
    fn = sum(r.expected_material and not r.found_material for r in results)
    negatives = sum(not r.expected_material for r in results)
    per_category: dict[str, list[int]] = {}
    for r in results:
        if not r.expected_material:
            continue
        for category in r.label["categories"]:
            hit = category in r.comparison["categories"]
            per_category.setdefault(category, [0, 0])
            per_category[category][0] += hit
            per_category[category][1] += 1
    dated = [r for r in results if not r.label["anomaly"]]
    date_hits = sum(
        (r.comparison["old"]["declared_date"] or "") == r.label["old_date"]
        and (r.comparison["new"]["declared_date"] or "") == r.label["new_date"]
        for r in dated
    )
    with_dates = [r for r in dated if r.label["old_date"] or r.label["new_date"]]
    anomalies = [r for r in results if r.label["anomaly"]]
    confusion = Counter(
        (r.label["severity"], r.comparison["severity"]) for r in results if not r.label["anomaly"]
    )
    exact = sum(n for (want, got), n in confusion.items() if want == got)
    return {
        "pairs": len(results),
        "material_pairs": tp + fn,
        "material_precision": round(tp / max(1, tp + fp), 4),
        "material_recall": round(tp / max(1, tp + fn), 4),
        "false_alarm_rate": round(fp / max(1, negatives), 4),
        "false_alarms": fp,
        "missed_material": fn,
        "category_recall": {
            c: round(hit / total, 4) for c, (hit, total) in sorted(per_category.items())
        },
        "date_accuracy": round(date_hits / max(1, len(dated)), 4),
        "date_accuracy_where_stated": round(
            sum(
                (r.comparison["old"]["declared_date"] or "") == r.label["old_date"]
                and (r.comparison["new"]["declared_date"] or "") == r.label["new_date"]
                for r in with_dates
            )
            / max(1, len(with_dates)),
            4,
        ),
        "anomaly_recall": round(
            sum(bool(r.comparison["anomaly"]) for r in anomalies) / max(1, len(anomalies)), 4
        ),
        "anomaly_false_alarms": sum(
            bool(r.comparison["anomaly"]) for r in results if not r.label["anomaly"]
        ),
        "severity_exact": round(exact / max(1, sum(confusion.values())), 4),
        "confusion": {f"{want}->{got}": n for (want, got), n in sorted(confusion.items())},
    }


def evaluate(
    folder: Path = LABELLED, *, limit: int | None = None
) -> tuple[list[Result], dict[str, Any]]:
    results = [run_pair(pair) for pair in list(pairs(folder))[:limit]]
    return results, score(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="List every pair.")
    parser.add_argument(
        "--set",
        default="labelled",
        choices=["labelled", "holdout"],
        help="labelled: the set the rules were developed on; holdout: pairs built afterwards",
    )
    parser.add_argument("--smoke", action="store_true", help="Only the first 5 pairs (for CI).")
    args = parser.parse_args()
    results, figures = evaluate(TESTS / args.set, limit=5 if args.smoke else None)
    for r in results:
        wrong = (
            r.expected_material != r.found_material
            or bool(r.comparison["anomaly"]) != r.label["anomaly"]
            or (r.comparison["old"]["declared_date"] or "") != r.label["old_date"]
            or (r.comparison["new"]["declared_date"] or "") != r.label["new_date"]
        )
        if wrong or args.verbose:
            reasons = [x for c in r.comparison["changes"] for x in c["reasons"]][:3]
            print(
                f"{'MISS' if wrong else 'ok  '} {r.name}: label {r.label['severity']}"
                f" {r.label['categories']} dates {r.label['old_date']}/{r.label['new_date']}"
                f" | got {r.comparison['severity']} {r.comparison['categories']}"
                f" dates {r.comparison['old']['declared_date']}/"
                f"{r.comparison['new']['declared_date']} anomaly={bool(r.comparison['anomaly'])}"
            )
            print(f"       label reason: {r.label['reason']}")
            if reasons:
                print(f"       our reasons:  {reasons}")
    print()
    print(f"pairs: {figures['pairs']} ({figures['material_pairs']} material)")
    print(
        f"material precision {figures['material_precision']:.3f}  recall "
        f"{figures['material_recall']:.3f}  false-alarm rate {figures['false_alarm_rate']:.3f}"
    )
    print(
        "category recall: "
        + ", ".join(f"{c} {v:.2f}" for c, v in figures["category_recall"].items())
    )
    print(
        f"declared dates exact: {figures['date_accuracy']:.3f} of all pairs, "
        f"{figures['date_accuracy_where_stated']:.3f} where a date is stated"
    )
    print(
        f"anomalies found: {figures['anomaly_recall']:.3f}; anomalies raised on real versions: "
        f"{figures['anomaly_false_alarms']}"
    )
    print(f"severity exact: {figures['severity_exact']:.3f}  confusion: {figures['confusion']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
