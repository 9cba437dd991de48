"""Link targets are not policy text; the channels a link gives the user are contacts.

The cases come from real histories (Open Terms Archive's genai-eu collection):
rotating campaign ids and redirect tokens, signed media URLs, a cookie banner
that comes and goes, cookie domains added to a tracker table.
"""

from __future__ import annotations

import pytest

from monitor.judge.classify import classify_change
from monitor.judge.links import channels, reader_text, registrable_domain
from monitor.models import Clause, ClauseChange, Severity
from monitor.text.canonical import is_noise_text
from monitor.text.segment import clause_key


def clause(text: str, kind: str = "paragraph") -> Clause:
    return Clause(key=clause_key(text), position=0, kind=kind, text=text)


def modified(old: str, new: str) -> ClauseChange:
    return classify_change(ClauseChange("modified", clause(old), clause(new), similarity=0.9))


def whole(kind: str, text: str) -> ClauseChange:
    side = clause(text)
    change = ClauseChange(
        kind, None if kind == "added" else side, side if kind == "added" else None
    )
    return classify_change(change)


def test_reader_text_reads_labels_and_sites() -> None:
    text = (
        "See [our FAQ](https://help.example.com/a?utm_source=x) or https://www.example.org/p?id=3."
    )
    assert reader_text(text) == "See our FAQ or example.org."
    assert reader_text("Geen links hier.") == "Geen links hier."


def test_registrable_domain() -> None:
    assert registrable_domain("www.help.example.co.uk") == "example.co.uk"
    assert registrable_domain("privacy.anthropic.com") == "anthropic.com"
    assert registrable_domain("x.ai") == "x.ai"


def test_channels_are_mail_and_rights_or_contact_forms() -> None:
    text = (
        "Mail [de DPO](mailto:dpo@example.nl), use [the opt-out form](https://forms.example.nl/x) "
        "or read [more](https://example.nl/blog/2024)."
    )
    assert channels(text) == {"dpo@example.nl", "form on example.nl"}
    assert channels("Read [our blog](https://example.nl/news?id=4).") == set()


SIGNED = [
    (
        "Learn more about [ChatGPT Business](https://chatgpt.com/business/business-plan?"
        "openaicom-did=dcaf0ee1-c4ca-44dd-b602-992da67b9eef&openaicom_referred=true).",
        "Learn more about [ChatGPT Business](https://chatgpt.com/business/business-plan?"
        "openaicom-did=802e3ba3-79a3-403b-aad4-6e7f7fbca5b0&openaicom_referred=true).",
    ),
    (
        "You can turn this off in your [Privacy Settings](https://claude.ai/redirect/"
        "website.v1.b2f362ee-b928-413f-9ca7-7454a150e94c/settings/privacy).",
        "You can turn this off in your [Privacy Settings](https://claude.ai/redirect/"
        "website.v1.b2ae670f-89f6-4851-aed3-e313ee4c8177/settings/privacy).",
    ),
    (  # a signature that happens to spell "form" is no channel
        "You can opt out through the [Digital Advertising Alliance](https://lm.facebook.com/"
        "l.php?u=http%3A%2F%2Fwww.aboutads.info%2Fchoices%2F&h=AUAf4mKuG8O2qa7qMarVCd58WZ).",
        "You can opt out through the [Digital Advertising Alliance](https://lm.facebook.com/"
        "l.php?u=http%3A%2F%2Fwww.aboutads.info%2Fchoices%2F&h=AUBvb9form1ZPiUj0ABsZOJAu).",
    ),
    (
        "We use cookies ([video](https://video.xx.fbcdn.net/v.mp4?_nc_sid=5e&oh=00_AfA&oe=1)).",
        "We use cookies ([video](https://video.xx.fbcdn.net/v.mp4?_nc_sid=9a&oh=00_BfB&oe=2)).",
    ),
    (  # a real one (Qwen, 2026): an address shown as it was, now a link to a near twin
        "E-mail address: DPO_qwenlm-intl@service.alibaba.com",
        "E-mail address: [DPO_qwenlm-intl@service.alibaba.com](mailto:qwenlm-intl@service"
        ".alibaba.com)",
    ),
]


@pytest.mark.parametrize(("old", "new"), SIGNED)
def test_a_changed_link_target_alone_is_cosmetic(old: str, new: str) -> None:
    change = modified(old, new)
    assert change.severity is Severity.COSMETIC, change.reasons
    assert "link targets" in change.reasons[0]


def test_a_changed_mailto_address_is_material() -> None:
    change = modified(
        "Questions? Write to [our privacy team](mailto:privacy@example.com).",
        "Questions? Write to [our privacy team](mailto:legal@other-example.com).",
    )
    assert change.severity is Severity.MATERIAL and "contact" in change.categories


def test_a_rights_form_moving_to_another_domain_is_material() -> None:
    change = modified(
        "To exercise your rights, use [this form](https://privacy.example.com/request).",
        "To exercise your rights, use [this form](https://example.my.onetrust.com/webform/1).",
    )
    assert change.severity is Severity.MATERIAL and "contact" in change.categories
    assert "form on example.com" in change.reasons[0] and "onetrust.com" in change.reasons[0]


def test_a_link_only_clause_added_is_not_a_contact() -> None:
    change = whole("added", "[Learn more about Gemini](https://support.google.com/gemini/17208717)")
    assert change.severity is not Severity.MATERIAL


def test_cookie_domains_added_to_a_tracker_row_are_material() -> None:
    change = modified(
        "| Meta Ads | \\_fbp | Advertising | 90 Days | .grok.com | Non-Essential |",
        "| Meta Ads | \\_fbp | Advertising | 90 Days | .grok.com, x.ai, console.x.ai | Non-Essential |",
    )
    assert change.severity is Severity.MATERIAL
    assert '"console.x.ai", "x.ai"' in change.reasons[0]


def test_a_short_label_coming_or_going_is_not_material() -> None:
    assert whole("removed", "Cookie Notice").severity is Severity.MINOR
    # A short list item can still be a kind of data or a recipient.
    item = classify_change(ClauseChange("added", None, clause("E-mailadres", "item")))
    assert item.severity is Severity.MATERIAL
    recipient = classify_change(ClauseChange("added", None, clause("Criteo SA", "paragraph")))
    assert recipient.severity is Severity.MATERIAL


@pytest.mark.parametrize(
    "text",
    [
        "Accept all cookiesAccept all strictly necessary cookies",
        "Alle cookies accepteren",
        "We'd like to use cookies to remember your preferences. You can accept all cookies, "
        "or select only the strictly necessary ones.",
    ],
)
def test_a_consent_banner_is_page_furniture(text: str) -> None:
    assert is_noise_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "We use cookies to measure how the site is used.",
        "Wij gebruiken cookies om de website te verbeteren en bewaren ze 12 maanden.",
        "If you accept all cookies, we share data with advertisers such as Criteo and Google, "
        "who may combine it with other data they hold about you." * 3,
    ],
)
def test_policy_text_about_cookies_is_not_furniture(text: str) -> None:
    assert not is_noise_text(text)


def test_reasons_name_terms_in_the_policys_language() -> None:
    from monitor.judge.classify import in_language

    change = modified("We collect your name.", "We collect your name and location data.")
    assert any('"locatiegegevens/location data"' in r for r in change.reasons)
    assert in_language(change, "en").reasons == ('data or purpose added: "location data"',)
    assert in_language(change, "nl").reasons == ('data or purpose added: "locatiegegevens"',)
    assert in_language(change, "de").reasons == ('data or purpose added: "location data"',)
    untouched = modified("Wij bewaren 12 maanden.", "Wij bewaren 24 maanden.")
    assert in_language(untouched, "nl").reasons == untouched.reasons


def test_a_cookie_policy_sentence_about_consent_is_not_a_banner() -> None:
    assert not is_noise_text(
        "We use cookies to improve your experience. You can accept or reject non-essential "
        "cookies at any time in our cookie settings."
    )


def test_a_short_data_category_paragraph_is_still_material() -> None:
    assert whole("added", "Precise location data").severity is Severity.MATERIAL
