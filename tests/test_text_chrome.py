"""Page furniture in Markdown and plain-text inputs is dropped where it sits (menus,
social links, language menus, avatars); lists of links inside the policy are kept."""

from __future__ import annotations

from monitor.text.formats import Source, read_markdown, read_text

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
