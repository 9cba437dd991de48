"""Contacts that are material: who the controller, DPO, representative or authority is,
and where they are (postal addresses in Dutch and English styles, phone numbers)."""

from __future__ import annotations

import pytest

from monitor.models import Severity
from tests.test_links import modified

MATERIAL = [
    (
        "Our data protection officer is Jane Smith, reachable at our offices.",
        "Our data protection officer is John Doe, reachable at our offices.",
        '"jane smith" -> "john doe"',
    ),
    (
        "Anthropic PBC, 548 Market Street, PMB 90375, San Francisco, CA 94104",
        "Anthropic PBC, 500 Howard Street, San Francisco, CA 94105",
        '"548 market street"',
    ),
    (
        "Our EU representative is Example Ireland Ltd, 1 Grand Canal Square, Dublin 2.",
        "Our EU representative is Example Ireland Ltd, 10 Earlsfort Terrace, Dublin 2.",
        '"10 earlsfort terrace"',
    ),
    (
        "Verantwoordelijke: Voorbeeld B.V., Keizersgracht 100, 1015 AA Amsterdam.",
        "Verantwoordelijke: Voorbeeld B.V., Herengracht 5, 1015 BB Amsterdam.",
        '"herengracht 5"',
    ),
    (
        "Your supervisory authority is the Data Protection Commission in Dublin.",
        "Your supervisory authority is the Autoriteit Persoonsgegevens in The Hague.",
        "contact",
    ),
    ("Call us on +31 20 123 4567.", "Call us on +31 20 765 4321.", '"31201234567"'),
]


@pytest.mark.parametrize(("old", "new", "reason"), MATERIAL)
def test_a_changed_contact_is_material(old: str, new: str, reason: str) -> None:
    change = modified(old, new)
    assert change.severity is Severity.MATERIAL and "contact" in change.categories
    assert any(reason in r for r in change.reasons), change.reasons


def test_names_count_only_in_a_clause_about_a_contact() -> None:
    change = modified(
        "Read more in the Help Center and the Community Guidelines.",
        "Read more in the Help Centre and the Trust Portal.",
    )
    assert change.severity is not Severity.MATERIAL
    recased = modified(
        "Our data protection officer can be reached at our offices.",
        "Our Data Protection Officer can be reached at our offices.",
    )
    assert recased.severity is Severity.COSMETIC


def test_a_capitalised_common_word_is_not_a_recipient() -> None:
    for old, new, gone in [
        (
            "We share your data with Stripe and other third parties.",
            "We share your data with Information and other third parties.",
            "stripe",
        ),
        (
            "Nous partageons vos données avec Criteo et des tiers.",
            "Nous partageons vos données avec Politique et des tiers.",
            "criteo",
        ),
    ]:
        assert modified(old, new).reasons == (f'recipient removed: "{gone}"',)
