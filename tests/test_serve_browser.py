"""The reading room in a real headless browser: Debian's ``chromium`` driven by
Playwright (never a downloaded browser), clicking from the overview to a policy, a
change and a comparison as a person would, and a hostile policy that must stay inert."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.room import HOSTILE, History, make_history, serve_room

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("MONITOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    yield from make_history(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def browser(history: History) -> Iterator[object]:  # (the history first: it runs asyncio)
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no chromium at {CHROMIUM}: apt-get install chromium (or set MONITOR_CHROMIUM)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield found
        found.close()


@pytest.fixture
def page(history: History, browser: object) -> Iterator[object]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    with serve_room(history.config) as base:
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        tab.dialogs = []  # type: ignore[attr-defined]
        tab.problems = []  # type: ignore[attr-defined]
        tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        tab.on(
            "console",
            lambda m: tab.problems.append(m.text) if m.type == "error" else None,  # type: ignore[attr-defined]
        )
        yield tab
        context.close()


def test_overview_to_policy_to_change_to_compare(page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto("/")
    expect(page.get_by_role("heading", name="Policies")).to_be_visible()
    expect(page.get_by_text("6 of 6 policies")).to_be_visible()

    page.get_by_label("Search").fill("pcextreme")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 of 6 policies match")).to_be_visible()

    page.get_by_role("link", name="pcextreme-privacy", exact=True).click()
    expect(page.get_by_role("heading", name="pcextreme-privacy")).to_be_visible()
    expect(page.locator("svg.timeline circle")).to_have_count(2)
    expect(page.get_by_role("row").filter(has_text="from 1")).to_contain_text("material")

    page.get_by_role("link", name="material from 1").click()
    expect(page).to_have_url(page.url)  # (settled)
    expect(page.get_by_role("heading", name="Why it is material")).to_be_visible()
    expect(page.locator("section.change").first).to_be_visible()
    expect(page.get_by_role("link", name="download").first).to_be_visible()
    first = page.locator("section.change").first
    anchor = first.get_attribute("id")
    first.get_by_title("link to this clause").click()
    assert page.url.endswith(f"#{anchor}")

    page.get_by_label("from version").select_option("2")
    page.get_by_label("to version").select_option("1")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("Compared now")).to_be_visible()
    expect(page.locator("section.change.removed").first).to_be_visible()

    page.get_by_role("link", name="2", exact=True).first.click()
    expect(page.get_by_role("heading", name="pcextreme-privacy, version 2")).to_be_visible()
    page.get_by_role("link", name="← version 1").click()
    expect(page.get_by_role("heading", name="pcextreme-privacy, version 1")).to_be_visible()
    assert page.problems == [], page.problems  # type: ignore[attr-defined]


def test_hostile_policy_stays_inert(page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    for path in (
        "/",
        f"/policies/{HOSTILE}",
        f"/policies/{HOSTILE}/changes/2",
        f"/policies/{HOSTILE}/versions/2",
    ):
        page.goto(path)
        assert page.evaluate("document.scripts.length") == 0, path
        assert page.locator("img").count() == 0, path
        assert page.locator('a[href^="javascript:"]').count() == 0, path
    page.goto(f"/policies/{HOSTILE}/versions/2")
    expect(page.get_by_text("<script>alert('heading')</script>", exact=False)).to_be_visible()
    page.goto(f"/policies/{HOSTILE}/changes/2")
    expect(page.get_by_text("AdPartner Ltd", exact=False).first).to_be_visible()
    assert page.dialogs == []  # type: ignore[attr-defined]
