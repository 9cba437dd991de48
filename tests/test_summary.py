"""The one-sentence summary of a change: built from its reasons, categories and date
facts, in English or Dutch, the same words every time."""

from __future__ import annotations

from typing import Any

import pytest

from monitor.output.contract import from_dict
from monitor.output.summary import summarize


def comparison(**fields: Any) -> Any:
    data: dict[str, Any] = {
        "old": {"source": "a", "declared_date": None, "clauses": 10, "language": "nl"},
        "new": {"source": "b", "declared_date": None, "clauses": 10, "language": "nl"},
        "severity": "material",
        "categories": [],
        "counts": {"modified": 1},
        "changes": [],
    }
    data.update(fields)
    return from_dict(data)


def material(*reasons: str, categories: tuple[str, ...] = ("third_party_sharing",)) -> Any:
    change = {
        "kind": "modified",
        "section": [],
        "old_text": "x",
        "new_text": "y",
        "severity": "material",
        "categories": list(categories),
        "reasons": list(reasons),
        "similarity": 0.5,
    }
    return comparison(categories=list(categories), changes=[change])


def test_a_new_recipient_in_english_and_dutch() -> None:
    change = material('new recipient: "criteo"', 'scope: "tenzij" removed')
    assert summarize("acme", change, language="en") == (
        "acme: a material change to sharing with third parties: it now names criteo as a recipient."
    )
    assert summarize("acme", change) == (  # the policy's own language
        "acme: een wezenlijke wijziging in delen met derden: het beleid noemt nu criteo als "
        "ontvanger."
    )


def test_the_most_telling_come_first_and_the_rest_are_counted() -> None:
    change = material(
        'data or purpose added: "advertenties"',
        'recipient added: "partners"',
        'modality: "zullen" -> "kunnen"',
        'new recipient: "criteo"',
        'retention: "12 maanden" -> "24 maanden"',
        categories=("data_retention", "first_party_collection", "third_party_sharing"),
    )
    text = summarize(None, change, language="en")
    assert text == (
        "A material change to how long data is kept, what data is collected and why and "
        "sharing with third parties: it now names criteo as a recipient, keeps data "
        '24 maanden instead of 12 maanden, says "kunnen" where it said "zullen" and 2 more.'
    )
    gone = material('retention: "7 years" -> -', categories=("data_retention",))
    assert summarize("acme", gone, language="en").endswith("no longer says it keeps data 7 years.")


def test_reasons_without_a_phrase_are_left_to_the_diff() -> None:
    change = material('sites: "-" -> "example.org"', categories=("cookies_tracking",))
    assert summarize("acme", change, language="en") == (
        "acme: a material change to cookies and tracking."
    )
    assert summarize("acme", material('negation removed: "niet verkopen"', categories=())) == (
        'acme: een wezenlijke wijziging: het beleid laat een "niet" vallen ("niet verkopen").'
    )


@pytest.mark.parametrize(
    ("severity", "english"),
    [
        ("minor", "acme: reworded (1 clause(s)); no data practice or right changed."),
        ("cosmetic", "acme: only cosmetic changes (spelling, punctuation, layout or links)."),
        ("none", "acme: no change in the text."),
    ],
)
def test_lesser_changes(severity: str, english: str) -> None:
    assert summarize("acme", comparison(severity=severity), language="en") == english


def test_date_facts_and_anomalies() -> None:
    silent = comparison(severity="minor", silent=True)
    assert summarize("acme", silent, language="en").endswith(
        "The declared date did not change (a silent change)."
    )
    dated = comparison(severity="minor", date_only=True, backdated=True)
    assert summarize("acme", dated, language="nl").endswith(
        "Alleen de vermelde datum is gewijzigd. De nieuwe vermelde datum ligt vóór het "
        "moment waarop de wijziging werd gezien (teruggedateerd)."
    )
    odd = comparison(severity="none", anomaly="a block page (403)")
    assert summarize(None, odd, language="en") == (
        "The page fetched does not look like this policy (a block page (403)); it is not "
        "treated as a version."
    )


def test_other_languages_get_english() -> None:
    change = material('new recipient: "criteo"')
    assert "now names criteo" in summarize("acme", change, language="de")
