"""Practices real policies change in few words: a weaker security promise, a retention
limit made open-ended, a deadline, a region, opt-in turned opt-out, a lost negation."""

from __future__ import annotations

import pytest

from monitor.models import Severity
from tests.test_links import modified

MATERIAL = [
    ("All messages are end-to-end encrypted.", "All messages are encrypted.", "data_security"),
    (
        "Customer Content is encrypted at rest and in transit.",
        "Customer Content is encrypted in transit.",
        "data_security",
    ),
    (
        "We keep your data for 12 months after your last order.",
        "We keep your data for as long as necessary.",
        "data_retention",
    ),
    (
        "We answer your request to access your data.",
        "We answer your request to access your data within 30 days.",
        "user_access_edit_deletion",
    ),
    (
        "Residents of California have the right to opt out of the sale of their data.",
        "Residents of California, Oregon and Texas have the right to opt out of the sale of "
        "their data.",
        "specific_audiences",
    ),
    (
        "We only send newsletters when you opt in.",
        "We send newsletters unless you opt out.",
        "user_choice_control",
    ),
]


@pytest.mark.parametrize(("old", "new", "category"), MATERIAL)
def test_a_few_words_that_change_a_practice(old: str, new: str, category: str) -> None:
    change = modified(old, new)
    assert change.severity is Severity.MATERIAL, change.reasons
    assert category in change.categories, change.categories


def test_a_lost_negation_is_never_a_spelling_variant() -> None:
    change = modified(
        "Wij bewaren gegevens die wij van u ontvangen via ons contactformulier niet langer dan "
        "nodig en geven ze niet door aan anderen.",
        "Wij bewaren gegevens die wij van u ontvangen via ons contactformulier niet langer dan "
        "nodig en geven ze door aan anderen.",
    )
    assert change.severity is not Severity.COSMETIC
