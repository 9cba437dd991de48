"""The labelled pairs: the figures ``python -m benchmarks.accuracy`` prints may never drop.

The floors are the levels reached when they were set; raise them when the
classifier gets better, never lower them to make a change pass.
"""

from __future__ import annotations

import pytest

from benchmarks.accuracy import evaluate

FLOORS = {
    "material_recall": 1.0,
    "material_precision": 0.98,
    "date_accuracy": 1.0,
    "date_accuracy_where_stated": 1.0,
    "anomaly_recall": 1.0,
    "severity_exact": 0.96,
}
CEILINGS = {"false_alarm_rate": 0.02, "anomaly_false_alarms": 0}
CATEGORY_FLOOR = 0.85  # every category's recall; most are at 1.0


@pytest.fixture(scope="module")
def figures() -> dict[str, object]:
    _, figures = evaluate()
    return figures


def test_the_labelled_set_is_large_and_varied(figures: dict[str, object]) -> None:
    assert figures["pairs"] >= 60
    assert figures["material_pairs"] >= 40
    assert len(figures["category_recall"]) == 14  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_floor(figures: dict[str, object], name: str) -> None:
    assert figures[name] >= FLOORS[name], f"{name} dropped to {figures[name]}"


@pytest.mark.parametrize("name", sorted(CEILINGS))
def test_ceiling(figures: dict[str, object], name: str) -> None:
    assert figures[name] <= CEILINGS[name], f"{name} rose to {figures[name]}"


def test_every_category_is_found(figures: dict[str, object]) -> None:
    low = {c: v for c, v in figures["category_recall"].items() if v < CATEGORY_FLOOR}  # type: ignore[union-attr]
    assert not low


def test_holdout_set() -> None:
    """Pairs built after the rules, by someone who never saw them. Its first run found
    recall 0.875 and a false-alarm rate of 0.31; the rules were then made more general
    and these are the levels reached since (see the README)."""
    from benchmarks.accuracy import TESTS

    _, holdout = evaluate(TESTS / "holdout")
    assert holdout["pairs"] >= 50
    assert holdout["material_recall"] >= 1.0
    assert holdout["false_alarm_rate"] <= 0.08
    assert holdout["date_accuracy"] >= 1.0
    assert holdout["anomaly_recall"] >= 1.0
