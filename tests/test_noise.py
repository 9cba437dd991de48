"""Noise immunity: chrome around the same policy never changes its clauses."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.extraction import measure
from monitor.text.normalize import normalize
from monitor.text.segment import segment
from tests.support import chrome

TEXTS = sorted((Path(__file__).resolve().parent.parent / "seeds" / "text").glob("*.txt"))


@cache
def page(text_index: int, template: str) -> str:
    text = TEXTS[text_index].read_text("utf-8")
    return chrome.wrap(chrome.policy_fragment(text), template, seed=text_index)


def clauses(html: str) -> list[tuple[tuple[str, ...], str, str]]:
    return [
        (c.section, c.kind, c.text)
        for c in segment(normalize(html.encode(), content_type="text/html"))
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text_index=st.integers(0, len(TEXTS) - 1),
    template=st.sampled_from(chrome.TEMPLATES),
    noise_seed=st.integers(0, 10_000),
    kinds=st.lists(st.sampled_from(chrome.NOISE_KINDS), min_size=1, unique=True),
)
def test_noise_never_changes_the_clauses(
    text_index: int, template: str, noise_seed: int, kinds: list[str]
) -> None:
    original = page(text_index, template)
    noisy = chrome.perturb(original, seed=noise_seed, kinds=kinds)
    assert clauses(noisy) == clauses(original)


@pytest.mark.parametrize("template", chrome.TEMPLATES)
@pytest.mark.parametrize("text_index", range(len(TEXTS)), ids=[p.stem[:3] for p in TEXTS])
def test_every_template_yields_the_whole_policy_and_little_else(
    text_index: int, template: str
) -> None:
    recall, precision, missed, extra = measure(
        page(text_index, template).encode(), TEXTS[text_index].read_text("utf-8")
    )
    assert recall == 1.0, missed
    assert precision >= 0.9, extra


def test_same_policy_in_different_chrome_gives_identical_clauses() -> None:
    for index in range(len(TEXTS)):
        reference = [(kind, text) for _, kind, text in clauses(page(index, "minimal"))]
        for template in chrome.TEMPLATES:
            got = [(kind, text) for _, kind, text in clauses(page(index, template))]
            if template == "spa":  # headings are bare divs there: same texts, other kinds
                assert [t for _, t in got] == [t for _, t in reference], template
            else:
                assert got == reference, template
