from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.judge.dates import DeclaredDate, find_declared_date

SEEDS = Path(__file__).parent.parent / "seeds" / "text"
TODAY = datetime.date(2025, 6, 1)

# (id, text, language, expected ISO date or None, expected kind or None)
Case = tuple[str, str, str | None, str | None, str | None]

# fmt: off
NL: list[Case] = [
    ("nl-seed-002-sentence", "Dit beleid is voor het laatst gewijzigd op 23 mei 2018", "nl", "2018-05-23", "updated"),
    ("nl-seed-003-sentence", "De laatste wijzigingen in deze Privacy Policy hebben plaatsgevonden op 04-03-2015.", "nl", "2015-03-04", "updated"),
    ("nl-dashes-are-day-first-without-language", "De laatste wijzigingen in deze Privacy Policy hebben plaatsgevonden op 04-03-2015.", None, "2015-03-04", "updated"),
    ("nl-dots", "Laatst bijgewerkt op 04.03.2015", "nl", "2015-03-04", "updated"),
    ("nl-slashes", "Laatst aangepast: 04/03/2015", "nl", "2015-03-04", "updated"),
    ("nl-iso", "Laatst gewijzigd: 2015-03-04", "nl", "2015-03-04", "updated"),
    ("nl-month-only", "Laatst bijgewerkt: januari 2025", "nl", "2025-01-01", "updated"),
    ("nl-abbreviated-month", "Laatst gewijzigd op 3 mrt. 2020", "nl", "2020-03-03", "updated"),
    ("nl-upper-case", "LAATST GEWIJZIGD: 5 SEPTEMBER 2022", "nl", "2022-09-05", "updated"),
    ("nl-laatste-update-ordinal", "Laatste update: 1e januari 2024", "nl", "2024-01-01", "updated"),
    ("nl-laatste-versie", "Laatste versie: 1 mei 2024", "nl", "2024-05-01", "updated"),
    ("nl-wijzigingsdatum", "Wijzigingsdatum: 10-11-2020", "nl", "2020-11-10", "updated"),
    ("nl-versie-van", "Privacyverklaring, versie van 1 februari 2023", "nl", "2023-02-01", "updated"),
    ("nl-datum-near-versie", "Versie 2.1 — datum: 12 oktober 2023", "nl", "2023-10-12", "updated"),
    ("nl-geldig-vanaf", "Deze privacyverklaring is geldig vanaf 1 juli 2024.", "nl", "2024-07-01", "effective"),
    ("nl-ingangsdatum", "Ingangsdatum: 15 maart 2022", "nl", "2022-03-15", "effective"),
    ("nl-in-werking-getreden-op", "Deze verklaring is in werking getreden op 1 augustus 2021.", "nl", "2021-08-01", "effective"),
    ("nl-date-before-in-werking", "Dit beleid is op 1 mei 2024 in werking getreden.", "nl", "2024-05-01", "effective"),
    ("nl-bold-markdown", "**Laatst gewijzigd:** 23 mei 2018", "nl", "2018-05-23", "updated"),
    ("nl-line-break", "Laatst bijgewerkt\n\n1 december 2023", "nl", "2023-12-01", "updated"),
    ("nl-retention-period", "Wij bewaren uw gegevens 2 jaar na het laatste contact.", "nl", None, None),
    ("nl-laatst-gewijzigd-duration", "Dit beleid is laatst gewijzigd: 2 jaar geleden.", "nl", None, None),
    ("nl-gepubliceerd-op-byline", "Gepubliceerd op 12 maart 2024 door de redactie", "nl", None, None),
    ("nl-avg-in-werking", "De AVG is op 25 mei 2018 in werking getreden.", "nl", None, None),
    ("nl-avg-in-werking-after", "De AVG is in werking getreden op 25 mei 2018.", "nl", None, None),
    ("nl-datum-without-context", "Datum: 1 mei 2024", "nl", None, None),
    ("nl-cue-without-date", "Bovenaan dit document staat de laatste wijzigingsdatum vermeldt. Bij significante wijzigingen mailen we je.", "nl", None, None),
    ("nl-phone-number", "Laatst bijgewerkt: bel 06-12-34-56-78 of 020-123 4567", "nl", None, None),
    ("nl-article-number", "Laatst gewijzigd conform artikel 6.1.13 van de AVG", "nl", None, None),
]
# fmt: on

# fmt: off
EN: list[Case] = [
    ("en-month-day-year", "Last updated: October 8, 2024", "en", "2024-10-08", "updated"),
    ("en-day-month-year", "Last updated: 23 May 2018", "en", "2018-05-23", "updated"),
    ("en-ordinal-of", "Last modified on the 8th of October, 2024", "en", "2024-10-08", "updated"),
    ("en-last-revised-ordinal", "Last revised: March 3rd, 2021", "en", "2021-03-03", "updated"),
    ("en-abbreviated-month", "Last updated: Sept. 3, 2023", "en", "2023-09-03", "updated"),
    ("en-updated-on", "This page was updated on 12 February 2023.", "en", "2023-02-12", "updated"),
    ("en-policy-last-changed", "This policy was last changed on 5 April 2019.", "en", "2019-04-05", "updated"),
    ("en-last-reviewed-in-parentheses", "Cookie policy (last reviewed 1 May 2024)", "en", "2024-05-01", "updated"),
    ("en-revision-date-iso", "Revision date: 2022-11-30", "en", "2022-11-30", "updated"),
    ("en-version-date-dots-day-first", "Version date: 01.02.2020", "en", "2020-02-01", "updated"),
    ("en-us-slashes-month-first", "Last updated: 04/03/2015", "en", "2015-04-03", "updated"),
    ("en-us-region-tag-month-first", "Last updated: 04/03/2015", "en-US", "2015-04-03", "updated"),
    ("en-slashes-unknown-language-day-first", "Last updated: 04/03/2015", None, "2015-03-04", "updated"),
    ("en-slashes-part-over-12", "Last updated: 03/14/2015", None, "2015-03-14", "updated"),
    ("en-month-only", "Last Updated: January 2025", "en", "2025-01-01", "updated"),
    ("en-bold-markdown", "**Last updated:** 8 October 2024", "en", "2024-10-08", "updated"),
    ("en-line-break", "Last updated\nOctober 8, 2024", "en", "2024-10-08", "updated"),
    ("en-upper-case", "THIS PRIVACY POLICY WAS LAST UPDATED ON MAY 3, 2024.", "en", "2024-05-03", "updated"),
    ("en-effective-date", "Effective Date: January 1, 2024", "en", "2024-01-01", "effective"),
    ("en-effective-as-of", "This Privacy Policy is effective as of June 15, 2023.", "en", "2023-06-15", "effective"),
    ("en-effective-from", "Effective from 1 March 2022", "en", "2022-03-01", "effective"),
    ("en-takes-effect-on", "This policy takes effect on 1 May 2024.", "en", "2024-05-01", "effective"),
    ("en-copyright", "© 2009-2024 Example Inc. All rights reserved.", "en", None, None),
    ("en-retention", "We keep billing records for 7 years after the last invoice.", "en", None, None),
    ("en-posted-on-byline", "Posted on May 3, 2024 by Jane Doe", "en", None, None),
    ("en-no-cue", "On 1 May 2024 we launched a new app.", "en", None, None),
    ("en-cue-in-prose-without-date", "We will revise the “Last updated” date at the top of this policy when we change it.", "en", None, None),
    ("en-relative-date", "Last updated 3 days ago", "en", None, None),
    ("en-phone-number", "Last updated by our team, call +1 415-555-0132", "en", None, None),
    ("en-gdpr-took-effect", "The GDPR took effect on 25 May 2018.", "en", None, None),
    ("en-far-future", "Last updated: 1 May 2031", "en", None, None),
    ("en-before-1990", "Last updated: 12 March 1989", "en", None, None),
]
# fmt: on

# fmt: off
DE: list[Case] = [
    ("de-stand-numeric", "Stand: 01.05.2024", "de", "2024-05-01", "updated"),
    ("de-stand-month-name", "Stand: Oktober 2024", "de", "2024-10-01", "updated"),
    ("de-stand-month-numeric", "Stand 05/2024", "de", "2024-05-01", "updated"),
    ("de-stand-two-digit-year", "Stand: 01.05.24", "de", "2024-05-01", "updated"),
    ("de-zuletzt-aktualisiert", "Zuletzt aktualisiert am 8. Oktober 2024", "de", "2024-10-08", "updated"),
    ("de-zuletzt-geaendert", "Diese Datenschutzerklärung wurde zuletzt geändert am 3. März 2023.", "de", "2023-03-03", "updated"),
    ("de-gueltig-ab", "Gültig ab 1. Januar 2024", "de", "2024-01-01", "effective"),
    ("de-inkrafttreten", "Datum des Inkrafttretens: 25.05.2018", "de", "2018-05-25", "effective"),
    ("de-date-before-in-kraft", "Diese Erklärung ist am 1. Juni 2024 in Kraft getreten.", "de", "2024-06-01", "effective"),
    ("de-stand-der-technik", "Wir schützen Ihre Daten nach dem Stand der Technik 2024.", "de", None, None),
    ("de-dsgvo-in-kraft", "Die DSGVO ist seit 25. Mai 2018 in Kraft.", "de", None, None),
    ("de-retention", "Wir speichern Rechnungen 10 Jahre lang.", "de", None, None),
]
# fmt: on

# fmt: off
FR: list[Case] = [
    ("fr-derniere-mise-a-jour", "Dernière mise à jour : 1er janvier 2024", "fr", "2024-01-01", "updated"),
    ("fr-mis-a-jour-le", "Document mis à jour le 15 mars 2023", "fr", "2023-03-15", "updated"),
    ("fr-modifie-le-slashes", "Modifié le 04/03/2015", "fr", "2015-03-04", "updated"),
    ("fr-month-only", "Dernière mise à jour : Janvier 2025", "fr", "2025-01-01", "updated"),
    ("fr-fevrier-leap-day", "Dernière modification : 29 février 2024", "fr", "2024-02-29", "updated"),
    ("fr-aout", "Mis à jour le 8 août 2023", "fr", "2023-08-08", "updated"),
    ("fr-date-entree-en-vigueur", "Date d'entrée en vigueur : 25 mai 2018", "fr", "2018-05-25", "effective"),
    ("fr-en-vigueur-a-compter-du", "La présente politique est en vigueur à compter du 1er septembre 2022.", "fr", "2022-09-01", "effective"),
    ("fr-rgpd-law", "Le RGPD est entré en vigueur le 25 mai 2018.", "fr", None, None),
    ("fr-copyright", "© 2009-2024 Société Exemple. Tous droits réservés.", "fr", None, None),
]
# fmt: on

# fmt: off
MIXED: list[Case] = [
    ("mixed-dutch-cue-english-date", "Laatst bijgewerkt: October 8, 2024", "nl", "2024-10-08", "updated"),
    ("mixed-english-cue-dutch-date", "Last updated: 23 mei 2018", "nl", "2018-05-23", "updated"),
    ("mixed-english-cue-on-dutch-page-day-first", "Last updated: 04/03/2015", "nl", "2015-03-04", "updated"),
    ("mixed-german-cue-english-month", "Stand: 8 October 2024", None, "2024-10-08", "updated"),
    ("mixed-french-cue-unknown-language", "Dernière mise à jour : 04/03/2015", None, "2015-03-04", "updated"),
]
# fmt: on

# fmt: off
CHOICE: list[Case] = [
    ("current-vs-vorige", "Laatst gewijzigd: 1 juni 2024 (vorige versie: 3 maart 2021)", "nl", "2024-06-01", "updated"),
    ("vorige-versie-van-after-current", "Laatst gewijzigd: 1 juni 2024\nVorige versie van 3 maart 2021", "nl", "2024-06-01", "updated"),
    ("previous-first-then-current", "Previous version last updated 3 March 2021. Last updated: 1 June 2024", "en", "2024-06-01", "updated"),
    ("ancienne-then-current", "Ancienne version : mise à jour le 3 mars 2021. Dernière mise à jour : 1er juin 2024", "fr", "2024-06-01", "updated"),
    ("fruehere-then-current", "Frühere Fassung: zuletzt geändert am 3. März 2021\nStand: 1. Juni 2024", "de", "2024-06-01", "updated"),
    ("only-previous-date", "(Former version, last updated 3 March 2021)", "en", None, None),
    ("first-updated-cue-wins", "Last updated: 1 June 2024\n\nSection 9. Last updated: 3 March 2021", "en", "2024-06-01", "updated"),
    ("upcoming-effective-is-later", "Last updated: 3 December 2024. Effective date: 1 January 2025.", "en", "2025-01-01", "effective"),
    ("updated-later-than-effective", "Effective date: 25 May 2018. Last updated: 1 March 2024", "en", "2024-03-01", "updated"),
    ("updated-equals-effective", "Geldig vanaf 1 mei 2024. Laatst gewijzigd op 1 mei 2024.", "nl", "2024-05-01", "updated"),
    ("effective-within-a-year-ahead", "Effective date: 1 January 2026", "en", "2026-01-01", "effective"),
    ("effective-too-far-ahead-falls-back", "Last updated: 1 March 2024. Effective date: 1 January 2027.", "en", "2024-03-01", "updated"),
    ("change-log-most-recent", "Version history\n- 2023-01-05: first version\n- 2024-06-01: added Freshworks\n", "en", "2024-06-01", "updated"),
    ("change-log-dutch-table", "## Wijzigingen\n\n| Versie | Datum | Wijziging |\n|---|---|---|\n| 2 | 3 maart 2021 | bewaartermijn |\n| 3 | 1 juni 2024 | nieuwe verwerker |\n", "nl", "2024-06-01", "updated"),
    ("change-log-german", "Versionshistorie\n- 01.03.2022: erste Fassung\n- 15.09.2023: neue Empfänger\n", "de", "2023-09-15", "updated"),
    ("change-log-with-effective-header", "Version history\n| Version | Effective date |\n| 1.0 | 3 March 2021 |\n| 2.0 | 1 June 2024 |\n", "en", "2024-06-01", "updated"),
    ("updated-cue-beats-change-log", "Last updated: 1 March 2024\n\nChange log\n1 June 2024: typo fixes\n3 March 2021: first version\n", "en", "2024-03-01", "updated"),
    ("changes-heading-without-log", "Wijzigingen\nWij kunnen dit beleid op elk moment wijzigen.\n", "nl", None, None),
    ("empty-text", "", None, None, None),
]
# fmt: on


def _run(cases: list[Case]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(
        ("text", "language", "expected", "kind"),
        [case[1:] for case in cases],
        ids=[case[0] for case in cases],
    )


def _check(text: str, language: str | None, expected: str | None, kind: str | None) -> None:
    found = find_declared_date(text, language, today=TODAY)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert found.date.isoformat() == expected
        assert found.kind == kind


@_run(NL)
def test_dutch(text: str, language: str | None, expected: str | None, kind: str | None) -> None:
    _check(text, language, expected, kind)


@_run(EN)
def test_english(text: str, language: str | None, expected: str | None, kind: str | None) -> None:
    _check(text, language, expected, kind)


@_run(DE)
def test_german(text: str, language: str | None, expected: str | None, kind: str | None) -> None:
    _check(text, language, expected, kind)


@_run(FR)
def test_french(text: str, language: str | None, expected: str | None, kind: str | None) -> None:
    _check(text, language, expected, kind)


@_run(MIXED)
def test_mixed_language(
    text: str, language: str | None, expected: str | None, kind: str | None
) -> None:
    _check(text, language, expected, kind)


@_run(CHOICE)
def test_choosing_among_dates(
    text: str, language: str | None, expected: str | None, kind: str | None
) -> None:
    _check(text, language, expected, kind)


SEED_EXPECTED = {
    "000": None,
    "001": None,
    "002": ("2018-05-23", "laatst gewijzigd op 23 mei 2018"),
    "003": (
        "2015-03-04",
        "laatste wijzigingen in deze Privacy Policy hebben plaatsgevonden op 04-03-2015",
    ),
    "004": None,
}


@pytest.mark.parametrize("language", ["nl", None], ids=["nl", "no-language"])
@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED), ids=sorted(SEED_EXPECTED))
def test_seed_texts(prefix: str, language: str | None) -> None:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    found = find_declared_date(path.read_text(encoding="utf-8"), language, today=TODAY)
    expected = SEED_EXPECTED[prefix]
    if expected is None:
        assert found is None
    else:
        assert found == DeclaredDate(
            datetime.date.fromisoformat(expected[0]), "updated", expected[1]
        )


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("**Last updated:** October 8, 2024", "Last updated: October 8, 2024"),
        ("Laatst bijgewerkt\n\n1 december 2023", "Laatst bijgewerkt 1 december 2023"),
        ("Dit beleid is op 1 mei 2024 in werking getreden.", "1 mei 2024 in werking getreden"),
        ("The new terms came into effect on 3 June 2024.", "came into effect on 3 June 2024"),
    ],
    ids=["markdown-removed", "whitespace-collapsed", "date-before-cue", "verb-kept"],
)
def test_phrase(text: str, phrase: str) -> None:
    found = find_declared_date(text, today=TODAY)
    assert found is not None
    assert found.phrase == phrase


def test_declared_date_is_frozen() -> None:
    found = find_declared_date("Last updated: 1 May 2020")  # default today
    assert found == DeclaredDate(datetime.date(2020, 5, 1), "updated", "Last updated: 1 May 2020")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.kind = "effective"  # type: ignore[misc]


def test_date_far_from_cue_is_ignored() -> None:
    filler = "x" * 80
    assert find_declared_date(f"Last updated {filler} 1 May 2024", today=TODAY) is None


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(["", "Last updated: ", "laatst gewijzigd op ", "Stand: ", "en vigueur "]),
    st.sampled_from(["nl", "en", "de", "fr", None]),
)
def test_never_raises_and_stays_plausible(text: str, cue: str, language: str | None) -> None:
    found = find_declared_date(cue + text, language, today=TODAY)
    if found is not None:
        assert datetime.date(1990, 1, 1) <= found.date <= datetime.date(2026, 6, 1)
        assert found.kind in ("updated", "effective")
