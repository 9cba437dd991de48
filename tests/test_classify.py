"""Severity, categories and reasons of single clause changes, in NL, EN, DE and FR."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.judge.classify import classify_change
from monitor.models import Clause, ClauseChange, Severity
from monitor.text.segment import clause_key


def clause(text: str, kind: str = "paragraph") -> Clause:
    return Clause(key=clause_key(text), position=0, kind=kind, text=text)


def modified(old: str, new: str) -> ClauseChange:
    return classify_change(ClauseChange("modified", clause(old), clause(new), similarity=0.9))


CASES = [
    # (old, new, severity, category that must be present, reason fragment)
    ("Wij bewaren je gegevens 12 maanden.", "Wij bewaren je gegevens 24 maanden.",
     "material", "data_retention", 'retention: "12 maanden" -> "24 maanden"'),
    ("We keep logs for 30 days.", "We keep logs for 90 days.",
     "material", "data_retention", '"30 days" -> "90 days"'),
    ("Wir speichern die Daten zwei Jahre.", "Wir speichern die Daten drei Jahre.",
     "material", "data_retention", '"2 jahre" -> "3 jahre"'),
    ("Nous conservons vos données 6 mois.", "Nous conservons vos données 12 mois.",
     "material", "data_retention", '"6 mois" -> "12 mois"'),
    ("Wij delen je gegevens met Zendesk.", "Wij delen je gegevens met Zendesk en Freshworks.",
     "material", "third_party_sharing", 'new recipient: "freshworks"'),
    ("We share data with our payment provider.", "We share data with our payment provider and advertisers.",
     "material", "third_party_sharing", 'recipient added: "adverteerders/advertisers"'),
    ("Wij verzamelen je naam en e-mailadres.", "Wij verzamelen je naam, e-mailadres en locatiegegevens.",
     "material", "first_party_collection", 'data or purpose added: "locatiegegevens/location data"'),
    ("Wij verkopen je gegevens niet aan derden.", "Wij verkopen je gegevens aan derden.",
     "material", "third_party_sharing", "negation removed"),
    ("We never sell your personal information.", "We sell your personal information.",
     "material", "third_party_sharing", "negation removed"),
    ("We may share your data with partners.", "We will share your data with partners.",
     "material", "third_party_sharing", 'modality: "may" -> "will"'),
    ("Wij kunnen je gegevens doorgeven aan partners.", "Wij zullen je gegevens doorgeven aan partners.",
     "material", "third_party_sharing", 'modality: "kunnen" -> "zullen"'),
    ("Wij verwerken je gegevens op basis van toestemming.",
     "Wij verwerken je gegevens op basis van ons gerechtvaardigd belang.",
     "material", "legal_basis", "legitimate interest"),
    ("Mail ons via privacy@example.nl.", "Mail ons via privacy@example.com.",
     "material", "contact", "privacy@example.com"),
    ("De grondslag is artikel 6 lid 1 onder a AVG.", "De grondslag is artikel 6 lid 1 onder f AVG.",
     "material", "legal_basis", "legal reference"),
    ("Onze dienst is niet bedoeld voor kinderen jonger dan 16 jaar.",
     "Onze dienst is niet bedoeld voor kinderen jonger dan 13 jaar.",
     "material", "specific_audiences", "age"),
    ("Wij slaan gegevens op in de EU.", "Wij slaan gegevens op in de EU en in de Verenigde Staten.",
     "material", "international_transfer", "Verenigde Staten"),
    ("Wij reageren binnen 4 weken op een verzoek tot inzage.",
     "Wij reageren binnen 3 maanden op een verzoek tot inzage.",
     "material", "user_access_edit_deletion", "deadline"),
    ("Wij plaatsen alleen functionele cookies.", "Wij plaatsen functionele cookies en een Facebook-pixel.",
     "material", "cookies_tracking", "tracking added"),
    ("Wij respecteren Do Not Track-signalen.", "Wij respecteren geen Do Not Track-signalen.",
     "material", "do_not_track", "negation added"),
    ("Uw gegevens worden versleuteld opgeslagen.", "Uw gegevens worden opgeslagen.",
     "material", "data_security", 'security measure removed: "versleuteling/encryption"'),
    # not material
    ("Wij bewaren je gegevens 12 maanden.", "Wij bewaren je gegevens 12 maanden!", "cosmetic", None, "punctuation"),
    ("We Collect Your Name.", "we collect your name.", "cosmetic", None, "case"),
    ("We bewaren slechts de gegevens die rechstreeks worden opgegeven.",
     "We bewaren slechts de gegevens die rechtstreeks worden opgegeven.", "cosmetic", None, "spelling"),
    ("Dit beleid is voor het laatst gewijzigd op 23 mei 2018.",
     "Dit beleid is voor het laatst gewijzigd op 14 februari 2019.", "cosmetic", None, "date"),
    ("We gebruiken je e-mailadres om je nieuwsbrief te sturen.",
     "Wij gebruiken je e-mailadres om je de nieuwsbrief toe te sturen.", "minor", None, "reworded"),
    ("Deelname is vrijwillig, je kunt al dan niet meedoen.",
     "Deelname is vrijwillig, je bepaalt zelf of je wel of niet meedoet.", "minor", None, "reworded"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "severity", "category", "reason"), CASES, ids=[c[1][:40] for c in CASES]
)
def test_modified_clause(
    old: str, new: str, severity: str, category: str | None, reason: str
) -> None:
    change = modified(old, new)
    assert change.severity == severity, change.reasons
    if category:
        assert category in change.categories, change.categories
    assert any(reason.lower() in r.lower() for r in change.reasons), change.reasons


@pytest.mark.parametrize(
    ("text", "severity", "category"),
    [
        (
            "Wij delen je e-mailadres met Mailchimp voor onze nieuwsbrief.",
            "material",
            "third_party_sharing",
        ),
        ("We retain support tickets for 2 years.", "material", "data_retention"),
        (
            "Je hebt het recht op inzage en verwijdering van je gegevens.",
            "material",
            "user_access_edit_deletion",
        ),
        ("Wij nemen uw privacy serieus.", "minor", None),
        ("Welkom op onze website!", "minor", None),
    ],
)
def test_added_and_removed_clauses(text: str, severity: str, category: str | None) -> None:
    for kind in ("added", "removed"):
        old, new = (None, clause(text)) if kind == "added" else (clause(text), None)
        change = classify_change(ClauseChange(kind, old, new))
        assert change.severity == severity, (kind, change.reasons)
        if category:
            assert category in change.categories
            assert change.reasons and kind in change.reasons[0]


def test_headings_and_moves_are_never_material() -> None:
    heading = classify_change(ClauseChange("added", None, clause("Bewaartermijnen", "heading")))
    assert heading.severity == "minor"
    moved = classify_change(
        ClauseChange(
            "moved",
            clause("Wij bewaren alles 12 maanden."),
            clause("Wij bewaren alles 12 maanden."),
            1.0,
        )
    )
    assert moved.severity == "cosmetic" and moved.reasons == ("clause moved",)


def test_a_sentence_added_inside_a_paragraph() -> None:
    old = "Wij versturen de nieuwsbrief alleen met je toestemming. Je krijgt hem maandelijks."
    new = old + " Je kunt je toestemming op elk moment intrekken via de afmeldlink."
    change = modified(new, old)  # the withdrawal sentence is removed
    assert change.severity == "material"
    assert "user_choice_control" in change.categories


_sentences = st.sampled_from(
    [
        "Wij verwerken je naam en adres voor de levering.",
        "Je gegevens worden 7 jaar bewaard vanwege de fiscale bewaarplicht.",
        "We delen niets met derden.",
        "Contact: privacy@example.nl of 020 123 4567.",
        "Cookies gebruiken we alleen met je toestemming.",
        "De website is gehost in Nederland.",
        "We may update this policy from time to time.",
    ]
)


@settings(max_examples=200)
@given(st.lists(_sentences, min_size=1, max_size=4), st.lists(_sentences, min_size=1, max_size=4))
def test_nothing_is_material_without_a_reason(a: list[str], b: list[str]) -> None:
    change = modified(" ".join(a), " ".join(b))
    assert change.severity in ("none", "cosmetic", "minor", "material")
    assert change.reasons
    if change.severity == "material":
        assert change.categories
    if a == b:
        assert change.severity != "material"


@pytest.mark.parametrize("kind", ["added", "removed", "modified", "moved"])
def test_severity_is_a_severity_member(kind: str) -> None:
    old = None if kind == "added" else clause("Wij bewaren je gegevens 12 maanden.")
    new = None if kind == "removed" else clause("Wij bewaren je gegevens 24 maanden.")
    change = classify_change(ClauseChange(kind, old, new))
    assert isinstance(change.severity, Severity)
