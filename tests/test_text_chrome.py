"""Page furniture in Markdown and plain-text inputs is dropped where it sits (menus,
social links, language menus, avatars); lists of links inside the policy are kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from monitor.text.formats import Source, read_markdown, read_text
from monitor.text.markdown import parse_markdown, render_markdown
from monitor.text.text_chrome import drop_text_chrome

PAGE = """[Home](https://x.example/)
* [Products](https://x.example/p)
* [Pricing](https://x.example/pricing)

![avatar](https://x.example/a.png) ![avatar](https://x.example/b.png)

# Privacy Policy

We collect your e-mail address to send you our newsletter.

## Sharing

We share your data with these partners:

* [Stripe](https://stripe.com/privacy)
* [Google Analytics](https://policies.google.com/privacy)

We keep your data for 12 months.

* English
* Deutsch
* кыргызча (40% translated)
* Bahasa Indonesia

* [Twitter](https://twitter.com/x)
* [GitHub](https://github.com/x)
* [YouTube](https://youtube.com/@x)

© 2026 X Example B.V. All rights reserved.
"""


def texts(markdown: str) -> list[str]:
    return [b.text for b in read_markdown(Source(markdown.encode(), markdown)).blocks]


def test_menus_avatars_languages_and_social_links_are_dropped() -> None:
    assert texts(PAGE) == [
        "Privacy Policy",
        "We collect your e-mail address to send you our newsletter.",
        "Sharing",
        "We share your data with these partners:",
        "[Stripe](https://stripe.com/privacy)",
        "[Google Analytics](https://policies.google.com/privacy)",
        "We keep your data for 12 months.",
    ]


def test_a_list_of_links_the_policy_ends_with_is_kept_when_the_text_introduces_it() -> None:
    page = "# Privacy\n\nWe use these processors:\n\n* [Stripe](https://stripe.com)\n"
    assert texts(page)[-1] == "[Stripe](https://stripe.com)"


def test_one_translated_line_is_enough_and_two_language_names_are_not() -> None:
    page = "# Privacy\n\nFrançais (98% translated)\n\nWe keep data.\n\nEnglish\n\nDeutsch\n\nEnd."
    assert texts(page) == ["Privacy", "We keep data.", "English", "Deutsch", "End."]


def test_plain_text_inputs_lose_the_same_furniture() -> None:
    text = "Privacy Policy\n\nWe keep your data.\n\nhttps://x.example/home\n"
    blocks = read_text(Source(text.encode(), text)).blocks
    assert [b.text for b in blocks][-1] == "We keep your data."


def test_a_clause_numbered_c_is_no_copyright_line() -> None:
    page = (
        "# Sharing\n\nWe share your data with:\n\n(a) our processors;\n\n(b) our auditors;\n\n"
        "(c) advertising partners, who show you ads;\n\nCopyright notices are kept for a year.\n\n"
        "Copyright 2024 X B.V.\n\n(c) 2024 X B.V.\n"
    )
    assert texts(page) == [
        "Sharing",
        "We share your data with:",
        "(a) our processors;",
        "(b) our auditors;",
        "(c) advertising partners, who show you ads;",
        "Copyright notices are kept for a year.",
    ]


def test_a_page_without_headings_keeps_its_leading_links() -> None:
    page = (
        "[Our cookie policy](https://x.example/cookies)\n\n"
        "[Our processors](https://x.example/processors)\n\n"
        "We keep your data for 12 months.\n"
    )
    assert len(texts(page)) == 3


def test_a_trailing_link_to_a_rights_form_or_contact_page_is_kept() -> None:
    page = (
        "# Privacy\n\nWe keep your data for 12 months.\n\n"
        "[Submit a privacy request](https://x.example/forms/privacy)\n\n"
        "https://x.example/contact\n\n"
        "[Twitter](https://twitter.com/x)\n"
    )
    assert texts(page)[2:] == [
        "[Submit a privacy request](https://x.example/forms/privacy)",
        "https://x.example/contact",
    ]


LINES = [
    "# Privacy",
    "## Sharing",
    "We keep your data for 12 months.",
    "We share it with these partners:",
    "[Home](https://x.example/)",
    "[Stripe](https://stripe.com/privacy)",
    "English",
    "Deutsch",
    "Klingon (40% translated)",
    "кыргызча",
    "![logo](https://x.example/logo.png)",
    "© 2026 X B.V.",
    "[YouTube](https://youtube.com/@x)",
    "Write to privacy@x.example",
    "[Submit a privacy request](https://x.example/privacy-request)",
    "(c) advertising partners, who show you ads;",
]


@given(st.lists(st.sampled_from(LINES), max_size=14))
def test_reading_the_result_again_drops_nothing_more(lines: list[str]) -> None:
    once = drop_text_chrome(parse_markdown("\n\n".join(lines)))
    assert drop_text_chrome(parse_markdown(render_markdown(once))) == once
