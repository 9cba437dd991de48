"""Practices real policies change in few words: a weaker security promise, a retention
limit made open-ended, a deadline, a region, opt-in turned opt-out, a lost negation, an
item dropped from what a policy promises not to do."""

from __future__ import annotations

import pytest

from monitor.judge.scope import list_items_changed
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
    (  # a real change (Le Chat, April 2026): one plan fewer kept out of model training
        "Please note that we do not use your Input and Output to train our artificial "
        "intelligence models when you use Le Chat Team, Le Chat Enterprise or the paid version "
        "of our APIs.",
        "Please note that we do not use your Input and Output to train our artificial "
        "intelligence models when you use Le Chat Enterprise or the paid version of our APIs.",
        "first_party_collection",
    ),
    (
        "We do not sell your data to advertisers, brokers or insurers.",
        "We do not sell your data to advertisers or brokers.",
        "third_party_sharing",
    ),
    (
        "Wij verkopen uw gegevens niet aan adverteerders of partners.",
        "Wij verkopen uw gegevens niet aan adverteerders, databrokers of partners.",
        "third_party_sharing",
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
    assert change.severity is Severity.MATERIAL, change.reasons  # "doorgeven", split


def test_a_separable_verb_around_a_negation_is_still_a_practice() -> None:
    assert modified("Wij slaan uw gegevens niet op.", "Wij slaan uw gegevens op.").severity is (
        Severity.MATERIAL
    )
    # "niet" before a particle that makes no practice verb is no flip of one
    change = modified(
        "Ik ben het niet eens met de uitleg door de rechter.",
        "Ik ben het eens met de uitleg door de rechter.",
    )
    assert change.severity is not Severity.MATERIAL


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "We do not use your Input when you use Le Chat Team, Le Chat Enterprise or the API.",
            "We do not use your Input when you use Le Chat Enterprise or the API.",
            [("removed", "Le Chat Team")],
        ),
        (
            "We never sell your data to advertisers or partners.",
            "We never sell your data to advertisers, brokers or partners.",
            [("added", "brokers")],
        ),
        (  # the last item goes, and the conjunction moves to the one before it
            "We do not sell data to advertisers, brokers or insurers.",
            "We do not sell data to advertisers or brokers.",
            [("removed", "insurers")],
        ),
        (
            "Wij verkopen uw gegevens niet aan adverteerders of databrokers.",
            "Wij verkopen uw gegevens niet aan adverteerders, databrokers of verzekeraars.",
            [("added", "verzekeraars")],
        ),
        # not under a negation: a list like any other, read by the other rules
        ("We share data with advertisers, brokers or partners.",
         "We share data with advertisers or partners.", []),
        # the negation is in another sentence
        ("We do not sell data. We share it with A, B and C.",
         "We do not sell data. We share it with A and C.", []),
        # the words that went carry their own negation: a negation change, not a list item
        ("We use it for support, not for advertising.", "We use it for support.", []),
        # the sentence was rewritten around the negation: not a list under it any more
        ("We zullen de gegevens niet aan derden verstrekken, tenzij dat noodzakelijk is.",
         "We kunnen de gegevens aan derden verstrekken, waaronder partners zoals Criteo, ook "
         "als dat niet noodzakelijk is.", []),
    ],
)  # fmt: skip
def test_an_item_of_a_negated_list(old: str, new: str, expected: list[tuple[str, str]]) -> None:
    assert list_items_changed(old, new) == expected
