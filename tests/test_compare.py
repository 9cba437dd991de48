"""Whole comparisons: date facts, anomalies and the JSON contract."""

from __future__ import annotations

from typing import Any

import pytest

from monitor.judge import compare as judge
from monitor.judge.anomaly import first_version_anomaly
from monitor.models import Document, Severity
from monitor.output.contract import to_dict
from monitor.text.markdown import parse_markdown
from monitor.text.normalize import normalize

POLICY = """# Privacyverklaring

Laatst gewijzigd op {date}.

## Gegevens

Wij verzamelen je naam, e-mailadres en adres om je bestelling te leveren.

## Bewaren

Wij bewaren je gegevens {period} na je laatste bestelling.

## Delen

Wij delen je gegevens alleen met onze vervoerder PostNL.

## Rechten

Je hebt recht op inzage, correctie en verwijdering. Mail privacy@example.nl.

## Beveiliging

Wij versleutelen alle verbindingen en beperken de toegang tot medewerkers die het nodig hebben.
"""

CONTRACT_KEYS = [
    "old", "new", "severity", "material", "date_only", "silent", "backdated", "anomaly",
    "categories", "counts", "changes",
]  # fmt: skip


def compare(old: Document, new: Document, **options: Any) -> dict[str, Any]:
    """The comparison as the JSON contract prints it."""
    return to_dict(judge.compare(old, new, **options))


def doc(date: str = "23 mei 2018", period: str = "12 maanden", text: str | None = None):  # type: ignore[no-untyped-def]
    body = text if text is not None else POLICY.format(date=date, period=period)
    return normalize(body.encode(), filename="p.md")


def test_identical_versions() -> None:
    result = compare(doc(), doc())
    assert list(result) == CONTRACT_KEYS
    assert result["severity"] == "none" and not result["material"]
    assert result["changes"] == [] and result["counts"]["unchanged"] == result["old"]["clauses"]
    assert result["old"]["declared_date"] == "2018-05-23" and result["old"]["language"] == "nl"


def test_date_only_change_is_cosmetic() -> None:
    result = compare(doc(), doc(date="14 februari 2019"))
    assert result["severity"] == "cosmetic" and not result["material"]
    assert result["date_only"] and not result["silent"] and not result["backdated"]
    assert result["new"]["declared_date"] == "2019-02-14"


def test_silent_material_change() -> None:
    result = compare(doc(), doc(period="24 maanden"))
    assert result["material"] and result["silent"] and not result["date_only"]
    assert result["categories"] == ["data_retention"]
    (change,) = result["changes"]
    assert change["reasons"] == ['retention: "12 maanden" -> "24 maanden"']
    assert ["delete", "12"] in change["inline"] and ["insert", "24"] in change["inline"]


def test_backdated_material_change() -> None:
    result = compare(doc(), doc(date="1 januari 2017", period="5 jaar"))
    assert result["material"] and result["backdated"] and not result["silent"]


def test_dutch_numeric_date_is_day_first() -> None:
    result = compare(doc(date="04-03-2015"), doc(date="04-03-2015"))
    assert result["old"]["declared_date"] == "2015-03-04"


def test_block_page_is_an_anomaly_never_material() -> None:
    block = doc(text="# Just a moment...\n\nChecking your browser before accessing example.nl.\n")
    result = compare(doc(), block)
    assert result["anomaly"] and "block or error page" in result["anomaly"]
    assert not result["material"] and result["severity"] == "none" and result["categories"] == []


def test_truncated_page_is_an_anomaly() -> None:
    truncated = doc(text="# Privacyverklaring\n\nLaatst gewijzigd op 23 mei 2018.\n")
    result = compare(doc(), truncated)
    assert result["anomaly"] and "keeps only" in result["anomaly"]
    assert not result["material"]


def test_soft_404_is_an_anomaly() -> None:
    result = compare(
        doc(), doc(text="# Pagina niet gevonden\n\nDeze pagina bestaat niet (meer).\n")
    )
    assert result["anomaly"] and not result["material"]


def test_a_rewrite_is_not_an_anomaly() -> None:
    rewrite = doc(
        text="""# Privacy

We collect your name, email address and location data for advertising.

We share data with Criteo and Google for targeted advertising.

We retain data for 10 years.

You may request access and deletion; email dpo@example.com.

Data is transferred to the United States under standard contractual clauses.
"""
    )
    result = compare(doc(), rewrite)
    assert result["anomaly"] is None and result["material"]


def test_english_date_and_language() -> None:
    old = normalize(
        b"# Privacy\n\nLast updated: October 8, 2024\n\nWe collect your email address for the newsletter and we do not share it.\n",
        filename="a.md",
    )
    new = normalize(
        b"# Privacy\n\nLast updated: January 2, 2025\n\nWe collect your email address for the newsletter and we share it with partners.\n",
        filename="b.md",
    )
    result = compare(old, new)
    assert result["old"]["language"] == "en"
    assert (result["old"]["declared_date"], result["new"]["declared_date"]) == (
        "2024-10-08",
        "2025-01-02",
    )
    assert result["material"] and not result["silent"]


def test_a_renamed_recipient_is_not_a_date_change() -> None:
    """A number inside a name is no date: "AdPartner6 B.V." -> "AdPartner8 B.V."
    changes who receives the data, and is never called "only a date changed"."""
    old = POLICY.format(date="23 mei 2018", period="12 maanden").replace(
        "onze vervoerder PostNL", "onze partner AdPartner6 B.V."
    )
    new = old.replace("AdPartner6", "AdPartner8")
    result = compare(doc(text=old), doc(text=new))
    (change,) = result["changes"]
    assert "only a date changed" not in change["reasons"]
    assert result["severity"] != "cosmetic" and result["material"]
    assert not result["date_only"]


def test_a_number_beside_a_name_is_no_date() -> None:
    """Only numeric dates, years and days beside a month's name are dates: "Partner 6
    B.V." -> "Partner 8 B.V." is another organisation, never "only a date changed"."""
    from monitor.judge.surface import cosmetic_reason

    assert cosmetic_reason("with Partner 6 B.V. only", "with Partner 8 B.V. only") is None
    for old, new in [
        ("Laatst gewijzigd op 23 mei 2018.", "Laatst gewijzigd op 1 januari 2020."),
        ("Updated: May 3, 2021", "Updated: June 14, 2022"),
        ("Stand: 23.05.2018", "Stand: 14.02.2019"),
        ("effective 1st of May 2020", "effective 3rd of June 2021"),
        ("© 2025 Acme", "© 2026 Acme"),
    ]:
        assert cosmetic_reason(old, new) == "only a date changed", old


@pytest.mark.parametrize(
    ("old", "new", "language"),
    [
        ("We never transfer your personal data to data brokers.",
         "We transfer your personal data to data brokers.", "en"),
        ("We will never transmit your data to advertisers.",
         "We will transmit your data to advertisers.", "en"),
        ("Wij zullen uw gegevens nooit overdragen aan databrokers.",
         "Wij zullen uw gegevens overdragen aan databrokers.", "nl"),
    ],
)  # fmt: skip
def test_a_withdrawn_promise_not_to_pass_data_on_is_material(
    old: str, new: str, language: str
) -> None:
    """Found trying the monitor as a new user: "never transfer" -> "transfer" was minor."""
    head = "# Privacy\n\n## Sharing\n\n"
    tail = "\n\nWe keep your data for one year.\n"
    a, b = head + old + tail, head + new + tail
    result = judge.compare(
        Document(a, parse_markdown(a), source="a", language=language),
        Document(b, parse_markdown(b), source="b", language=language),
    )
    assert result.severity == Severity.MATERIAL, result.changes
    assert any(r.startswith("negation removed") for r in result.material_reasons())


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("# We value your privacy\n", "headings and no text"),
        ("# Cookie-instellingen\n\n## Uw keuzes\n", "headings and no text"),
        ("Privacy.\n", None),  # a sentence, however short, is kept
        ("# Privacy\n\nWe do not collect personal data.\n", None),
    ],
)
def test_a_first_version_of_headings_alone_is_no_policy(text: str, why: str | None) -> None:
    reason = first_version_anomaly(doc(text=text))
    if why is None:
        assert reason is None
    else:
        assert reason is not None and why in reason
