"""Validate every tests/labelled/NNN-slug/label.toml and print the counts as Markdown tables.

    /work/venv/bin/python tests/labelled/count.py

Exit status 0 when every pair is valid, 1 otherwise (each problem is printed).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KEYS = {"severity", "categories", "reason", "language", "old_date", "new_date", "anomaly"}
SEVERITIES = ["none", "cosmetic", "minor", "material"]
LANGUAGES = ["nl", "en", "de", "fr"]
CATEGORIES = [
    "first_party_collection",
    "third_party_sharing",
    "user_choice_control",
    "user_access_edit_deletion",
    "data_retention",
    "data_security",
    "policy_change",
    "do_not_track",
    "specific_audiences",
    "international_transfer",
    "legal_basis",
    "contact",
    "cookies_tracking",
    "other",
]
FOLDER = re.compile(r"^(\d{3})-[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_date(value: object, key: str, errors: list[str]) -> None:
    if not isinstance(value, str):
        errors.append(f"{key} must be a string")
    elif value:
        try:
            if dt.date.fromisoformat(value).isoformat() != value:
                raise ValueError
        except ValueError:
            errors.append(f'{key} = {value!r} is not an ISO date (YYYY-MM-DD) or ""')


def validate(folder: Path) -> tuple[dict[str, Any], str, list[str]]:
    errors: list[str] = []
    files = {p.name for p in folder.iterdir()}
    md = {"old.md", "new.md"} <= files
    html = {"old.html", "new.html"} <= files
    if md == html:
        errors.append("needs exactly one of old.md+new.md or old.html+new.html")
    stray = files - {"old.md", "new.md", "old.html", "new.html", "label.toml"}
    if stray:
        errors.append(f"unexpected files: {sorted(stray)}")
    for name in files & {"old.md", "new.md", "old.html", "new.html"}:
        text = (folder / name).read_text(encoding="utf-8")
        if name.startswith("old") and not text.strip():
            errors.append(f"{name} is empty")
    if "label.toml" not in files:
        return {}, "?", [*errors, "label.toml missing"]
    try:
        label = tomllib.loads((folder / "label.toml").read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return {}, "?", [*errors, f"label.toml: {exc}"]
    missing, extra = KEYS - label.keys(), label.keys() - KEYS
    if missing:
        errors.append(f"missing keys: {sorted(missing)}")
    if extra:
        errors.append(f"unknown keys: {sorted(extra)}")
    sev = label.get("severity")
    if sev not in SEVERITIES:
        errors.append(f"severity = {sev!r} not in {SEVERITIES}")
    cats = label.get("categories")
    if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
        errors.append("categories must be a list of strings")
        cats = []
    bad = [c for c in cats if c not in CATEGORIES]
    if bad:
        errors.append(f"unknown categories: {bad}")
    if len(set(cats)) != len(cats):
        errors.append("duplicate categories")
    if sev == "material" and not cats:
        errors.append("material pair without categories")
    if sev != "material" and cats:
        errors.append(f"categories given for a {sev!r} pair")
    reason = label.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        errors.append("reason must be a non-empty string")
    if label.get("language") not in LANGUAGES:
        errors.append(f"language = {label.get('language')!r} not in {LANGUAGES}")
    check_date(label.get("old_date"), "old_date", errors)
    check_date(label.get("new_date"), "new_date", errors)
    anomaly = label.get("anomaly")
    if not isinstance(anomaly, bool):
        errors.append("anomaly must be true or false")
    elif anomaly and sev != "none":
        errors.append('an anomaly must have severity = "none"')
    return label, ("md" if md else "html" if html else "?"), errors


def table(header: list[str], rows: Sequence[Sequence[object]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def main() -> int:
    folders = sorted(p for p in HERE.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    problems: list[str] = []
    labels: list[tuple[str, dict[str, Any], str]] = []
    numbers: Counter[str] = Counter()
    for folder in folders:
        m = FOLDER.match(folder.name)
        if not m:
            problems.append(f"{folder.name}: folder name is not NNN-short-slug")
            continue
        numbers[m.group(1)] += 1
        label, fmt, errors = validate(folder)
        problems += [f"{folder.name}: {e}" for e in errors]
        if not errors:
            labels.append((folder.name, label, fmt))
    problems += [f"number {n} used by {c} folders" for n, c in numbers.items() if c > 1]

    def kind(lab: dict[str, Any]) -> str:
        return "none (anomaly)" if lab["anomaly"] else lab["severity"]

    kinds = ["none", "none (anomaly)", "cosmetic", "minor", "material"]
    by_kind = Counter(kind(lab) for _, lab, _ in labels)
    by_lang = {
        lang: Counter(kind(lab) for _, lab, _ in labels if lab["language"] == lang)
        for lang in LANGUAGES
    }
    print(f"## {len(labels)} valid pairs ({len(folders)} folders)\n")
    print("### By severity and language\n")
    rows: list[list[object]] = [
        [k, *(by_lang[lang][k] for lang in LANGUAGES), by_kind[k]] for k in kinds
    ]
    rows.append(["**total**", *(sum(by_lang[lang].values()) for lang in LANGUAGES), len(labels)])
    print(table(["severity", *LANGUAGES, "total"], rows))

    print("\n### Material pairs by category (a pair may carry several categories)\n")
    cat_all = Counter(c for _, lab, _ in labels for c in lab["categories"])
    cat_only = Counter(lab["categories"][0] for _, lab, _ in labels if len(lab["categories"]) == 1)
    cat_lang = {
        c: Counter(lab["language"] for _, lab, _ in labels if c in lab["categories"])
        for c in CATEGORIES
    }
    rows = [
        [c, cat_all[c], cat_only[c], *(cat_lang[c][lang] for lang in LANGUAGES)] for c in CATEGORIES
    ]
    print(table(["category", "pairs", "as only category", *LANGUAGES], rows))

    print("\n### Declared dates\n")
    facts: Counter[str] = Counter()
    for _, lab, _ in labels:
        old, new = lab["old_date"], lab["new_date"]
        if lab["anomaly"]:
            facts["anomaly (NEW not a version)"] += 1
            continue
        if not old and not new:
            facts["no declared date in either text"] += 1
        if lab["severity"] == "cosmetic" and old and new and old != new:
            facts["cosmetic with a changed date (date-only)"] += 1
        if lab["severity"] == "material" and old and old == new:
            facts["material, date unchanged (silent)"] += 1
        if lab["severity"] == "material" and old and new and new > old:
            facts["material, date moved forward"] += 1
        if old and new and new < old:
            facts[f"backdated ({lab['severity']})"] += 1
    print(table(["fact", "pairs"], [[k, v] for k, v in sorted(facts.items())]))

    print("\n### File format\n")
    fmts = Counter(fmt for _, _, fmt in labels)
    print(table(["format", "pairs"], [[k, v] for k, v in sorted(fmts.items())]))

    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print("\nOK: every label.toml is valid.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
