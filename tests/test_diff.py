"""Inline word diff, the ``monitor diff`` JSON contract, and the renderers."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.judge.align import Alignment, align
from monitor.judge.compare import assemble, clause_counts
from monitor.judge.inline import inline_diff, tokenize
from monitor.models import ClauseChange, Comparison, ComparisonSide, Severity
from monitor.output.contract import from_dict, to_dict
from monitor.output.render import (
    RENDERERS,
    render,
    render_html,
    render_json,
    render_markdown,
    render_text,
)
from tests.test_align import make_clauses, seed

# -- inline_diff ---------------------------------------------------------------------------------

DUTCH = ["privé", "één", "geïnteresseerden", "ideeën", "café", "Sonnenstraße", "coördinatie"]
DUTCH += ["gegevens", "niet", "12", "24", "maanden", "e-mail", "AVG", "N.A.W."]
SEPARATORS = [" ", ", ", ". ", "; ", " - ", " (", ") ", "\n", "  ", "/", "'", "’", "€ ", ": "]
dutch_text = st.lists(st.one_of(st.sampled_from(DUTCH), st.sampled_from(SEPARATORS))).map("".join)
any_text = st.one_of(dutch_text, st.text(max_size=60))


def joined(ops: tuple[tuple[str, str], ...], skip: str) -> str:
    return "".join(text for op, text in ops if op != skip)


def check_shape(ops: tuple[tuple[str, str], ...]) -> None:
    assert all(op in ("equal", "delete", "insert") and text for op, text in ops)
    assert all(a[0] != b[0] for a, b in itertools.pairwise(ops)), ops
    assert all(not (a[0] == "insert" and b[0] == "delete") for a, b in itertools.pairwise(ops))


@settings(max_examples=400, deadline=None)
@given(any_text, any_text)
def test_property_inline_diff_round_trips(old: str, new: str) -> None:
    ops = inline_diff(old, new)
    assert joined(ops, "insert") == old
    assert joined(ops, "delete") == new
    check_shape(ops)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_property_tokens_join_back(text: str) -> None:
    assert "".join(tokenize(text)) == text
    assert inline_diff(text, text) == ((("equal", text),) if text else ())


def test_a_changed_number_is_one_delete_and_one_insert() -> None:
    old = "De gegevens worden gewist, doch uiterlijk na 12 maanden."
    new = "De gegevens worden gewist, doch uiterlijk na 24 maanden."
    assert inline_diff(old, new) == (
        ("equal", "De gegevens worden gewist, doch uiterlijk na "),
        ("delete", "12"),
        ("insert", "24"),
        ("equal", " maanden."),
    )


def test_accented_words_are_whole_tokens() -> None:
    assert tokenize("één privé-café.") == ["één", " ", "privé", "-", "café", "."]
    assert inline_diff("wij delen niet", "wij delen") == (
        ("equal", "wij delen"),
        ("delete", " niet"),
    )


def test_a_rewrite_reads_as_one_delete_and_one_insert() -> None:
    ops = inline_diff("Wij verkopen uw gegevens niet.", "Wij geven adressen door, soms.")
    assert [op for op, _ in ops] == ["equal", "delete", "insert", "equal"]
    assert ops[1:3] == (
        ("delete", "verkopen uw gegevens niet"),
        ("insert", "geven adressen door, soms"),
    )


# -- the comparison object -----------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LINK = "[click](javascript:alert(1))"


def from_alignment(alignment: Alignment, **overrides: Any) -> Comparison:
    """A comparison of ``alignment`` whose summary fields the test chooses."""
    old_count, new_count = clause_counts(alignment)
    fields: dict[str, Any] = {
        "old": ComparisonSide("old.html", "2018-05-23", old_count, "nl"),
        "new": ComparisonSide("new.html", "2019-01-10", new_count, "nl"),
        "severity": Severity.MATERIAL,
        "changes": alignment.changes,
        "counts": alignment.counts,
        "categories": ("data_retention",),
        "anomaly": None,
    }
    return Comparison(**(fields | overrides))


def comparison(old_texts: list[str], new_texts: list[str], **overrides: Any) -> Comparison:
    return from_alignment(align(make_clauses(old_texts), make_clauses(new_texts)), **overrides)


def edited_seed() -> tuple[list[str], list[str]]:
    old = seed("004")
    new = [p.replace("uiterlijk na 12 maanden", "uiterlijk na 24 maanden") for p in old]
    new.insert(6, "We delen je gegevens met Adverteerder BV.")
    new.insert(12, new.pop(4))
    del new[-1]
    return old, new


def test_the_comparison_follows_the_contract() -> None:
    result = to_dict(comparison(*edited_seed()))
    assert list(result) == [
        "old",
        "new",
        "severity",
        "material",
        "date_only",
        "silent",
        "backdated",
        "anomaly",
        "categories",
        "counts",
        "changes",
    ]
    assert result["old"] == {
        "source": "old.html",
        "declared_date": "2018-05-23",
        "clauses": len(seed("004")),
        "language": "nl",
    }
    assert result["new"]["clauses"] == len(edited_seed()[1])
    assert result["material"] is True
    assert result["counts"] == {
        "added": 1,
        "removed": 1,
        "modified": 1,
        "moved": 1,
        "unchanged": 21,
    }
    keys = ["kind", "section", "old_text", "new_text", "similarity", "severity", "categories"]
    for change in result["changes"]:
        assert list(change)[:8] == [*keys, "reasons"]
        assert ("inline" in change) == (change["kind"] == "modified")
    modified = next(c for c in result["changes"] if c["kind"] == "modified")
    assert ["delete", "12"] in modified["inline"] and ["insert", "24"] in modified["inline"]
    assert modified["section"] == ["Klantenservicesysteem"]
    added = next(c for c in result["changes"] if c["kind"] == "added")
    assert added["old_text"] is None and added["similarity"] == 0.0
    assert json.loads(render_json(comparison(*edited_seed()))) == result


def test_the_contract_reads_back() -> None:
    result = to_dict(comparison(*edited_seed()))
    back = from_dict(json.loads(json.dumps(result)))
    assert to_dict(back) == result
    assert back.material and back.old.declared_date == "2018-05-23"
    assert render_text(back, color=False) == render_text(comparison(*edited_seed()), color=False)


def test_an_anomaly_is_never_material() -> None:
    result = to_dict(comparison(["a."], ["b."], anomaly="The new page is a block page."))
    assert result["material"] is False and result["anomaly"] == "The new page is a block page."


def classified(severities: list[str]) -> Alignment:
    """An alignment of added clauses with the given severities, as classify would set them."""
    clauses = make_clauses([f"Zin nummer {i}." for i, _ in enumerate(severities)])
    changes = tuple(
        ClauseChange("added", None, clause, severity=severity, categories=(f"cat_{severity}",))
        for clause, severity in zip(clauses, severities, strict=True)
    )
    return Alignment(changes, 0)


def test_assemble_takes_the_highest_severity_and_material_categories() -> None:
    side = ComparisonSide("a", "2018-05-23", 0)
    result = assemble(classified(["minor", "material", "cosmetic"]), old=side, new=side)
    assert result.severity is Severity.MATERIAL and result.material
    assert result.categories == ("cat_material",)
    assert result.silent and not result.date_only and not result.backdated
    none = assemble(classified([]), old=side, new=side)
    assert none.severity is Severity.NONE and not none.material


def test_assemble_date_facts() -> None:
    old = ComparisonSide("a", "2019-01-10", 1)
    new = ComparisonSide("b", "2018-05-23", 1)
    cosmetic = assemble(classified(["cosmetic"]), old=old, new=new)
    assert cosmetic.date_only and cosmetic.backdated and not cosmetic.silent
    minor = assemble(classified(["minor"]), old=old, new=new)
    assert not minor.date_only and minor.backdated


def test_assemble_an_anomaly_has_no_severity_categories_or_date_facts() -> None:
    old = ComparisonSide("a", "2019-01-10", 1)
    new = ComparisonSide("b", "2018-05-23", 1)
    result = assemble(classified(["material"]), old=old, new=new, anomaly="a block page")
    assert result.severity is Severity.NONE and not result.material
    assert result.categories == () and not (result.date_only or result.silent or result.backdated)


def test_json_keeps_non_ascii_text() -> None:
    text = render_json(comparison(["Wij gebruiken één cookie."], ["Wij gebruiken twee cookies."]))
    assert "één" in text and text.startswith('{\n  "old"')


# -- renderers -----------------------------------------------------------------------------------

HOSTILE = [f"Wij bewaren niets. {SCRIPT} Echt niet.", f"Meer info {IMG} en {LINK} <b>vet</b>."]


def hostile_comparison() -> Comparison:
    old = ["Kop", "Een gewone zin die blijft staan.", "Wij bewaren niets.", f"Weg {SCRIPT}."]
    new = ["Kop", "Een gewone zin die blijft staan.", HOSTILE[0], HOSTILE[1]]
    return comparison(
        old,
        new,
        old=ComparisonSide(SCRIPT, None, len(old), '"><x'),
        new=ComparisonSide(IMG, None, len(new), "nl"),
        categories=(SCRIPT,),
        anomaly=None,
    )


def test_every_format_is_registered_and_rendered_by_name() -> None:
    assert list(RENDERERS) == ["text", "markdown", "html", "json"]
    result = comparison(*edited_seed())
    assert render("markdown", result) == render_markdown(result)
    assert render("html", result) == render_html(result)
    assert render("json", result) == render_json(result)
    assert render("text", result, color=True) == render_text(result, color=True)
    with pytest.raises(ValueError, match="unknown format 'yaml'; choose from text, markdown"):
        render("yaml", result)


def test_html_escapes_policy_text_and_forbids_scripts() -> None:
    result = hostile_comparison()
    page = render_html(result)
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert re.search(r"<[^>]*onerror", page) is None  # no attribute named onerror on any tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">" in page
    )
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<del>" in page and "<ins>" in page


def test_html_shows_every_kind_side_by_side() -> None:
    page = render_html(comparison(*edited_seed()))
    for kind in ("added", "removed", "modified", "moved"):
        assert f'class="change {kind}"' in page
    assert "<del>12</del>" in page and "<ins>24</ins>" in page
    assert "2018-05-23" in page and "2019-01-10" in page
    assert 'class="sbs"' in page


def test_markdown_escapes_links_and_html() -> None:
    text = render_markdown(hostile_comparison())
    assert "[click](javascript" not in text
    assert r"\[click\]\(javascript\:alert\(1\)\)" in text
    assert "<b>" not in text and "&lt;b&gt;vet&lt;/b&gt;" in text
    assert "<script" not in text and "<img" not in text


def test_markdown_summary_changes_and_inline_marks() -> None:
    text = render_markdown(comparison(*edited_seed()))
    first = text.splitlines()[0]
    assert first == "**Severity: material** · 1 added, 1 removed, 1 modified, 1 moved, 21 unchanged"
    assert "declared 2018\\-05\\-23" in text and "silent change\\: no" in text
    assert "### Klantenservicesysteem" in text
    assert "uiterlijk na ~~12~~**24** maanden" in text
    assert "**modified · minor · similarity 0\\.99**" in text  # floored: never 1.00 when changed
    assert "**removed · minor**" in text


def test_text_without_color_uses_markers() -> None:
    text = render_text(comparison(*edited_seed()), color=False)
    assert "\x1b" not in text
    assert "uiterlijk na [-12-] maanden" in text and "uiterlijk na {+24+} maanden" in text
    assert "severity: material  (1 added, 1 removed, 1 modified, 1 moved, 21 unchanged)" in text
    assert "\nKlantenservicesysteem\nmodified · minor · similarity 0.99\n" in text


def test_text_with_color_uses_ansi_red_and_green() -> None:
    text = render_text(comparison(*edited_seed()), color=True)
    assert "\x1b[31;9m12\x1b[0m" in text and "\x1b[32;4m24\x1b[0m" in text
    assert "[-12-]" not in text


@pytest.mark.parametrize("color", [True, False])
def test_text_never_passes_control_characters_through(color: bool) -> None:
    hostile = "Wij bewaren niets.\x1b]0;pwned\x07\x1b[2J"
    text = render_text(comparison(["Wij bewaren niets."], [hostile]), color=color)
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in text
    assert "\x07" not in text and "\x1b]" not in text and "\x1b[2J" not in text


def test_alignment_without_changes_renders() -> None:
    result = from_alignment(
        Alignment((), 3),
        old=ComparisonSide(None, None, 3),
        new=ComparisonSide(None, None, 3),
        severity=Severity.NONE,
        categories=(),
    )
    assert to_dict(result)["old"]["clauses"] == 3 and to_dict(result)["changes"] == []
    assert "No changes." in render_html(result)
    assert render_markdown(result).startswith("**Severity: none**")
    assert "0 added" in render_text(result, color=False)


def test_a_modified_change_without_inline_still_renders() -> None:
    clauses = make_clauses(["Oud.", "Nieuw."])
    change = ClauseChange("modified", clauses[0], clauses[1], 0.5)
    result = from_alignment(Alignment((change,), 0), severity=Severity.MINOR, categories=())
    assert "[-Oud.-]" in render_text(result, color=False)
    assert "<del>Oud.</del>" in render_html(result)
