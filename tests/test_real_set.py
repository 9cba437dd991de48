"""Judgement on real histories: the compact labelled set of ``tests/real/genai-eu``.

Built by ``python -m benchmarks.realset --pack`` from Open Terms Archive's
genai-eu collection; labels by two independent labellers (all 200 agreed,
``benchmarks/labels/genai-eu.toml``).  The rules were developed on these
pairs, so these are development figures, not held-out ones: the test holds
them at their level so that they can never drop silently.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.realset import SET, figures, load


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return figures(SET)


def test_the_set_is_what_it_says() -> None:
    pairs, texts, pages = load(SET)
    recorded = {p.version for p in pairs if p.kind == "recorded"}
    assert len(recorded) == 200 and sum(p.kind == "noise" for p in pairs) >= 40
    assert all(p.old_text in texts and p.new_text in texts for p in pairs if p.kind == "recorded")
    assert all(p.old_page in pages and p.new_page in pages for p in pairs if p.old_page)
    assert {p.label for p in pairs} == {"material", "not_material", "anomaly"}


@pytest.mark.slow
def test_noise_is_never_material(result: dict[str, Any]) -> None:
    assert result["noise_pairs"] >= 40 and result["noise_material"] == 0


@pytest.mark.slow
@pytest.mark.parametrize(("side", "recall"), [("text", 1.0), ("raw", 1.0)])
def test_recorded_changes(result: dict[str, Any], side: str, recall: float) -> None:
    figures = result[side]
    assert figures["material"] == 25 and figures["not_material"] == 140
    assert figures["recall"] >= recall
    assert figures["false_alarms"] <= 3 / 140  # at most 3 of the 140 quiet changes
    assert figures["anomalies_recognised"] == 1.0  # all 35
