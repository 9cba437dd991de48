"""Clause alignment: the seed policies edited in known ways, and properties over random edits."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.judge import align as align_module
from monitor.judge import fuzzy
from monitor.judge.align import Alignment, align
from monitor.models import Clause, ClauseChange

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds" / "text").glob("*.txt"))


def is_title(paragraph: str) -> bool:
    return (
        len(paragraph) < 70
        and "\n" not in paragraph
        and not paragraph.endswith((".", ",", ";", ":"))
    )


def make_clauses(paragraphs: Sequence[str]) -> list[Clause]:
    """Clauses with key = sha256(text)[:16]; a short title line starts a section."""
    clauses: list[Clause] = []
    section: tuple[str, ...] = ()
    for position, text in enumerate(paragraphs):
        title = is_title(text)
        clauses.append(
            Clause(
                key=hashlib.sha256(text.encode()).hexdigest()[:16],
                position=position,
                kind="heading" if title else "paragraph",
                text=text,
                section=() if title else section,
            )
        )
        if title:
            section = (text,)
    return clauses


def paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def seed(name: str) -> list[str]:
    return paragraphs(next(p for p in SEEDS if p.name.startswith(name)))


def kinds(alignment: Alignment) -> list[str]:
    return [change.kind for change in alignment.changes]


def diff(old: Sequence[str], new: Sequence[str], *, threshold: float = 0.5) -> Alignment:
    return align(make_clauses(old), make_clauses(new), threshold=threshold)


def text_of(change: ClauseChange) -> str:
    clause = change.new or change.old
    assert clause is not None
    return clause.text


def only(alignment: Alignment, kind: str) -> ClauseChange:
    assert kinds(alignment) == [kind], alignment.changes
    return alignment.changes[0]


# -- the seed policies, edited -------------------------------------------------------------------


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_a_version_compared_with_itself_has_no_changes(path: Path) -> None:
    clauses = make_clauses(paragraphs(path))
    alignment = align(clauses, clauses)
    assert alignment.changes == ()
    assert alignment.unchanged == len(clauses)


def test_a_moved_paragraph_is_one_moved_change() -> None:
    old = seed("000")
    new = list(old)
    moved = new.pop(4)
    new.insert(12, moved)
    alignment = diff(old, new)
    change = only(alignment, "moved")
    assert change.old is not None and change.new is not None
    assert change.old.text == change.new.text == moved
    assert (change.old.position, change.new.position) == (4, 12)
    assert change.similarity == 1.0
    assert alignment.unchanged == len(old) - 1


def test_a_reworded_retention_period_is_one_modified_change_with_inline_ops() -> None:
    old = seed("004")
    new = [p.replace("uiterlijk na 12 maanden", "uiterlijk na 24 maanden") for p in old]
    assert new != old
    change = only(diff(old, new), "modified")
    assert change.old is not None and change.new is not None
    assert "12 maanden" in change.old.text and "24 maanden" in change.new.text
    assert 0.95 < change.similarity < 1.0
    ops = change.inline
    assert [op for op, _ in ops] == ["equal", "delete", "insert", "equal"]
    assert ops[0][1].endswith("uiterlijk na ")
    assert ops[1:3] == (("delete", "12"), ("insert", "24"))
    assert ops[3][1].startswith(" maanden.")


def test_an_inserted_clause_is_one_added_change_in_place() -> None:
    old = seed("003")
    new = list(old)
    clause = "We delen je e-mailadres met Adverteerder BV voor gepersonaliseerde advertenties."
    new.insert(9, clause)
    alignment = diff(old, new)
    change = only(alignment, "added")
    assert change.old is None and change.new is not None
    assert (change.new.text, change.new.position) == (clause, 9)
    assert alignment.unchanged == len(old)


def test_a_deleted_clause_is_one_removed_change() -> None:
    old = seed("001")
    new = old[:7] + old[8:]
    change = only(diff(old, new), "removed")
    assert change.new is None and change.old is not None
    assert change.old.text == old[7]


def test_a_clause_split_in_two_is_modified_plus_added() -> None:
    old = seed("000")
    long = max(old, key=len)
    sentences = re.split(r"(?<=\.) ", long)
    half = len(sentences) // 2
    first, second = " ".join(sentences[:half]), " ".join(sentences[half:])
    i = old.index(long)
    new = [*old[:i], first, second, *old[i + 1 :]]
    alignment = diff(old, new)
    assert sorted(kinds(alignment)) == ["added", "modified"]
    modified = next(c for c in alignment.changes if c.kind == "modified")
    added = next(c for c in alignment.changes if c.kind == "added")
    assert modified.old is not None and modified.old.text == long
    assert {modified.new.text if modified.new else "", added.new.text if added.new else ""} == {
        first,
        second,
    }


def test_a_clause_split_in_four_is_modified_plus_three_added() -> None:
    old = seed("002")
    long = max(old, key=len)  # about 3,000 characters
    sentences = re.split(r"(?<=\.) ", long)
    quarter = len(sentences) // 4
    parts = [" ".join(sentences[k * quarter : (k + 1) * quarter]) for k in range(3)]
    parts.append(" ".join(sentences[3 * quarter :]))
    i = old.index(long)
    alignment = diff(old, [*old[:i], *parts, *old[i + 1 :]])
    assert sorted(kinds(alignment)) == ["added", "added", "added", "modified"]


def test_two_clauses_merged_into_one_are_modified_plus_removed() -> None:
    old = seed("004")
    i = next(k for k, p in enumerate(old) if p.startswith("Je hebt de mogelijkheid"))
    merged = old[i] + " " + old[i - 1]
    alignment = diff(old, [*old[: i - 1], merged, *old[i + 1 :]])
    assert sorted(kinds(alignment)) == ["modified", "removed"]


def test_a_clause_moved_and_reworded_is_modified() -> None:
    old = seed("000")
    new = list(old)
    moved = new.pop(2).replace("in geen geval", "soms")
    new.insert(20, moved)
    change = only(diff(old, new), "modified")
    assert change.old is not None and change.new is not None
    assert (change.old.position, change.new.position) == (2, 20)


def test_a_clause_reworded_into_another_section_is_found_across_sections() -> None:
    old = ["Cookies", "We gebruiken cookies om uw voorkeuren te onthouden.", "Delen", "Niets."]
    new = ["Cookies", "Delen", "Niets.", "We gebruiken cookies om uw voorkeuren op te slaan."]
    change = only(diff(old, new), "modified")
    assert change.old is not None and change.new is not None
    assert change.old.section == ("Cookies",) and change.new.section == ("Delen",)


def test_a_same_section_match_comes_first() -> None:
    body = "De gegevens worden bewaard zolang uw account bestaat."
    old = ["Bewaring", body, "Cookies", "Cookies: " + body]
    new = ["Bewaring", body + " Daarna worden ze verwijderd.", "Cookies", "Geen."]
    alignment = diff(old, new)
    modified = [c for c in alignment.changes if c.kind == "modified"]
    assert len(modified) == 1 and modified[0].old is not None
    assert modified[0].old.section == ("Bewaring",)


def test_unrelated_clauses_are_removed_and_added_not_modified() -> None:
    old = ["Wij bewaren uw gegevens twee jaar."]
    new = ["Cookies helpen ons de site te verbeteren voor iedereen die hem bezoekt."]
    assert sorted(kinds(diff(old, new))) == ["added", "removed"]


def test_repeated_texts_pair_in_order_and_a_dropped_copy_is_one_removed() -> None:
    old = ["Rechtsgrondslag", "A is a clause.", "Rechtsgrondslag", "B is a clause."]
    old += ["C is a clause.", "Rechtsgrondslag", "D is a clause."]
    assert diff(old, old).unchanged == len(old)
    new = old[:2] + old[3:]  # the middle copy goes
    change = only(diff(old, new), "removed")
    assert change.old is not None and change.old.position == 2
    new = old[:5] + old[6:]  # the last copy goes
    change = only(diff(old, new), "removed")
    assert change.old is not None and change.old.position == 5


def test_changes_follow_the_new_order_with_removed_after_their_predecessor() -> None:
    old = ["Een is de eerste.", "Twee is weg.", "Drie blijft.", "Vier is ook weg.", "Vijf."]
    new = ["Nul is nieuw en staat vooraan.", "Een is de eerste.", "Drie blijft.", "Vijf."]
    new.append("Zes is nieuw en staat achteraan.")
    alignment = diff(old, new)
    assert [(c.kind, text_of(c)) for c in alignment.changes] == [
        ("added", new[0]),
        ("removed", old[1]),
        ("removed", old[3]),
        ("added", new[4]),
    ]
    removed_first = diff(["Weg is weg en komt niet terug.", *old[2:]], old[2:])
    assert kinds(removed_first) == ["removed"]


def test_threshold_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match="threshold"):
        align([], [], threshold=50)
    assert diff([], []) == Alignment((), 0)


def test_inline_can_be_left_out() -> None:
    old = seed("004")
    new = [p.replace("12 maanden", "24 maanden") for p in old]
    assert only(align(make_clauses(old), make_clauses(new), inline=False), "modified").inline == ()


def synthetic(size: int, seed_texts: Sequence[Path] = SEEDS) -> list[str]:
    """``size`` distinct, numbered clauses (none looks like a title) from the seed sentences."""
    split = (re.split(r"(?<=\.)\s+", p.read_text()) for p in seed_texts)
    sentences = [s for part in split for s in part if len(s) > 30 and s.endswith(".")]
    return [f"{k}. {sentences[k % len(sentences)]}" for k in range(size)]


def five_percent(old: list[str]) -> list[str]:
    new = list(old)
    n = len(old) // 80  # 4 kinds x n = 5%
    for k in range(n):
        new[10 + 20 * k] = new[10 + 20 * k].replace(" ", " niet ", 1)
    for k in range(n):
        del new[15 + 19 * k]
    for k in range(n):
        new.insert(17 + 20 * k, f"Nieuwe bepaling {k}: wij bewaren logbestanden {k} dagen.")
    for k in range(n):
        new.insert(5 + 20 * k, new.pop(len(new) - 3 - 20 * k))
    return new


def test_two_thousand_clauses_with_five_percent_changed_align_quickly() -> None:
    old = make_clauses(synthetic(2000))
    new = make_clauses(five_percent([c.text for c in old]))
    align(old, new)  # warm up
    started = time.perf_counter()
    alignment = align(old, new)
    elapsed = time.perf_counter() - started
    counts = alignment.counts
    assert counts["modified"] == counts["removed"] == counts["added"] == 25
    assert counts["moved"] == 25
    assert elapsed < 0.5  # typically about 15 ms; generous for slow CI machines


def test_huge_groups_are_compared_in_a_band(monkeypatch: pytest.MonkeyPatch) -> None:
    old = synthetic(400)
    new = [f"{text} Gewijzigd." for text in old]
    monkeypatch.setattr(align_module, "MAX_CELLS", 4_000)
    alignment = diff(old, new)
    assert alignment.counts["modified"] == 400
    assert all(c.old and c.new and c.old.position == c.new.position for c in alignment.changes)


def test_blocking_pairs_as_scoring_every_pair_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large blocks score only pairs sharing a rarer word; on edits like a policy's
    (and a rewrite with every clause touched) that finds what scoring all pairs finds."""
    every_seed = [text for path in SEEDS for text in paragraphs(path)]
    cases = [
        (synthetic(600), five_percent(synthetic(600))),
        (synthetic(300), [f"{text} Gewijzigd." for text in reversed(synthetic(300))]),
        (every_seed, [f"{text.replace(' de ', ' het ', 1)} x" for text in reversed(every_seed)]),
    ]
    for old, new in cases:
        monkeypatch.setattr(fuzzy, "BLOCK_MIN_CELLS", 10**12)
        everything = diff(old, new)
        monkeypatch.setattr(fuzzy, "BLOCK_MIN_CELLS", 1)
        assert diff(old, new) == everything


def test_heavily_edited_clauses_in_a_large_block_are_still_modified() -> None:
    """Every clause of a big block edited with words found nowhere else: the rarest
    words of each side are the edits, and must not hide the words the pair shares."""
    sentences = synthetic(600)
    old = [" ".join(sentences[3 * k : 3 * k + 3]) for k in range(200)]
    new = [
        " ".join(f"nieuw{k}x{n}" if n % 4 == 1 else w for n, w in enumerate(text.split()))
        for k, text in enumerate(old)
    ]
    alignment = diff(old, new)
    assert alignment.counts["modified"] == 200
    assert alignment.counts["added"] == alignment.counts["removed"] == 0


def test_words_found_on_one_side_only_never_hide_the_shared_ones() -> None:
    """Ten words each edit brought in, found nowhere else, and the words the pair shares."""
    shared = {"gegevens", "bewaren", "maanden", "derden"}
    old = [shared | {f"oud{n}" for n in range(10)}, {"iets", "anders", "geheel"}]
    new = [shared | {f"nieuw{n}" for n in range(10)}, {"nog", "iets", "anders"}]
    assert 0 in fuzzy.rare_overlaps(old, new)[0]


def test_a_split_with_every_tenth_word_changed_is_still_one_modified() -> None:
    words = " ".join(synthetic(30)).split()
    kept, dropped = words[:60], words[60:180]  # so long a part that ratio falls below 0.5
    new_words = [f"w{k}" if k % 10 == 5 else w for k, w in enumerate(kept)]
    alignment = diff([" ".join(kept + dropped)], [" ".join(new_words)])
    assert alignment.counts["modified"] == 1, alignment.counts


def test_blocking_scores_a_few_pairs_per_clause_however_large_the_block() -> None:
    """Clauses of two unrelated texts share only common words: the pairs to score
    grow with the clauses (at most ``PARTNERS`` picked by each), not with the area."""
    sentences = synthetic(800)
    old, new = sentences[:400], [f"Nieuw: {text}" for text in reversed(sentences[400:])]
    pairs = fuzzy._sharing_a_rare_word(old, new)
    total = sum(len(cols) for cols in pairs.values())
    assert total <= fuzzy.PARTNERS * (len(old) + len(new)) < len(old) * len(new) // 10


def test_blocking_pairs_each_edited_row_among_many_alike() -> None:
    """Sixty near-identical cookie rows, every one edited and the order reversed: each
    row shares every word but its cookie's name with all the others, and still pairs
    with its own row, not with the nearest in place."""

    def row(k: int, years: int) -> str:
        return f"Cookie c{k}x: geplaatst door Analytics, bewaard gedurende {years} jaar."

    old = [row(k, 2) for k in range(60)] + synthetic(60)
    new = [row(k, 3) for k in reversed(range(60))] + [f"{t} Gewijzigd." for t in synthetic(60)]
    modified = [c for c in diff(old, new).changes if c.kind == "modified"]
    assert len(modified) == 120
    cookies = [(c.old, c.new) for c in modified if c.new and c.new.text.startswith("Cookie")]
    assert len(cookies) == 60
    assert all(o and n and o.text.split(":")[0] == n.text.split(":")[0] for o, n in cookies)


def test_blocking_picks_the_same_pairs_whichever_side_is_old() -> None:
    old, new = synthetic(200), five_percent(synthetic(200))
    forward = fuzzy._sharing_a_rare_word(old, new)
    backward = fuzzy._sharing_a_rare_word(new, old)
    assert {(r, c) for r, cs in forward.items() for c in cs} == {
        (r, c) for c, rs in backward.items() for r in rs
    }


# -- properties ----------------------------------------------------------------------------------

WORDS = ["gegevens", "wij", "delen", "niet", "bewaren", "12", "maanden", "cookies", "één", "privé"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(
    lambda ws: " ".join(ws) + "."
)
POOL = [s for p in SEEDS[:2] for s in re.split(r"(?<=\.)\s+", p.read_text()) if len(s) > 20][:40]
texts = st.lists(st.one_of(sentence, st.sampled_from(POOL), st.just("Titel")), max_size=25)


@st.composite
def edited(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A list of texts and a version of it with random deletes, inserts, edits and moves."""
    old = draw(texts)
    new = list(old)
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["delete", "insert", "edit", "move", "split"]))
        if action == "insert" or not new:
            new.insert(
                draw(st.integers(0, len(new))), draw(st.one_of(sentence, st.sampled_from(POOL)))
            )
            continue
        k = draw(st.integers(0, len(new) - 1))
        if action == "delete":
            del new[k]
        elif action == "edit":
            new[k] = (
                new[k].replace(draw(st.sampled_from(WORDS)), draw(st.sampled_from(WORDS)), 1) + " x"
            )
        elif action == "move":
            new.insert(draw(st.integers(0, len(new) - 1)), new.pop(k))
        else:
            cut = len(new[k]) // 2
            new[k : k + 1] = [new[k][:cut], new[k][cut:]]
    return old, new


def accounted(alignment: Alignment, old: list[Clause], new: list[Clause]) -> None:
    """Every clause on each side appears once: unchanged, moved, modified, added or removed."""
    old_seen = [c.old.position for c in alignment.changes if c.old is not None]
    new_seen = [c.new.position for c in alignment.changes if c.new is not None]
    assert len(old_seen) == len(set(old_seen)) and len(new_seen) == len(set(new_seen))
    assert len(old_seen) + alignment.unchanged == len(old)
    assert len(new_seen) + alignment.unchanged == len(new)
    for change in alignment.changes:
        assert (change.old is None) == (change.kind == "added")
        assert (change.new is None) == (change.kind == "removed")
        if change.kind == "moved":
            assert change.old is not None and change.new is not None
            assert change.old.text == change.new.text
        if change.kind == "modified":
            assert change.old is not None and change.new is not None
            assert "".join(t for op, t in change.inline if op != "insert") == change.old.text
            assert "".join(t for op, t in change.inline if op != "delete") == change.new.text


@settings(max_examples=150, deadline=None)
@given(texts)
def test_property_a_version_against_itself_is_unchanged(items: list[str]) -> None:
    clauses = make_clauses(items)
    assert align(clauses, clauses) == Alignment((), len(clauses))


@settings(max_examples=300, deadline=None)
@given(edited())
def test_property_every_clause_is_accounted_for_once(pair: tuple[list[str], list[str]]) -> None:
    old, new = make_clauses(pair[0]), make_clauses(pair[1])
    accounted(align(old, new), old, new)


@settings(max_examples=300, deadline=None)
@given(edited())
def test_property_swapping_old_and_new_swaps_added_and_removed(
    pair: tuple[list[str], list[str]],
) -> None:
    old, new = make_clauses(pair[0]), make_clauses(pair[1])
    forward, backward = align(old, new).counts, align(new, old).counts
    assert (forward["added"], forward["removed"]) == (backward["removed"], backward["added"])
    for kind in ("modified", "moved", "unchanged"):
        assert forward[kind] == backward[kind], kind


@settings(max_examples=100, deadline=None)
@given(edited())
def test_property_changes_are_in_new_order(pair: tuple[list[str], list[str]]) -> None:
    alignment = diff(*pair)
    positions = [c.new.position for c in alignment.changes if c.new is not None]
    assert positions == sorted(positions)
