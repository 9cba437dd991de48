from __future__ import annotations

import pytest

from monitor.models import Block
from monitor.text.segment import LONG_PARAGRAPH, clause_key, segment, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Wij verwerken o.a. je naam. Zie art. 6 lid 1 AVG. Dat doen we bijv. voor facturen.",
            [
                "Wij verwerken o.a. je naam.",
                "Zie art. 6 lid 1 AVG.",
                "Dat doen we bijv. voor facturen.",
            ],
        ),
        (
            "Gegevens zoals N.A.W. gegevens, enz. Worden bewaard. Klaar!",
            ["Gegevens zoals N.A.W. gegevens, enz. Worden bewaard.", "Klaar!"],
        ),
        (
            "Bel nr. 5 of mail m.b.t. vragen. Dhr. Jansen helpt. Vraag? Ja.",
            ["Bel nr. 5 of mail m.b.t. vragen.", "Dhr. Jansen helpt.", "Vraag?", "Ja."],
        ),
        (
            "We collect e.g. names. We share it i.e. rarely. Mr. Smith agrees.",
            ["We collect e.g. names.", "We share it i.e. rarely.", "Mr. Smith agrees."],
        ),
        (
            "Visit www.example.nl. Then 10.000 users agree.",
            ["Visit www.example.nl.", "Then 10.000 users agree."],
        ),
        (
            "Wir speichern z.B. Namen. Das gilt gem. Art. 6 DSGVO.",
            ["Wir speichern z.B. Namen.", "Das gilt gem. Art. 6 DSGVO."],
        ),
        ('Punt 1. Eerste. "Tweede" zin.', ["Punt 1. Eerste.", '"Tweede" zin.']),
    ],
)
def test_sentence_splitter(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sections_keys_positions_and_long_paragraphs() -> None:
    long = " ".join(f"Zin nummer {i} gaat over bewaartermijnen van gegevens." for i in range(20))
    assert len(long) > LONG_PARAGRAPH
    blocks = [
        Block("heading", "Privacy", 1),
        Block("paragraph", "Intro."),
        Block("heading", "1. Gegevens", 2),
        Block("item", "Naam"),
        Block("heading", "1.1 Details", 3),
        Block("paragraph", long),
        Block("heading", "2. Rechten", 2),
        Block("row", "Recht | Termijn"),
    ]
    clauses = segment(blocks)
    assert [c.position for c in clauses] == list(range(len(clauses)))
    assert clauses[0].section == () and clauses[1].section == ("Privacy",)
    assert clauses[3].section == ("Privacy", "1. Gegevens")
    sentences = [c for c in clauses if c.section == ("Privacy", "1. Gegevens", "1.1 Details")]
    assert len(sentences) == 20 and sentences[0].text.startswith("Zin nummer 0")
    rights = clauses[-2]
    assert rights.text == "2. Rechten" and rights.section == ("Privacy",)
    assert clauses[-1].section == ("Privacy", "2. Rechten") and clauses[-1].kind == "row"
    assert all(c.key == clause_key(c.text) and len(c.key) == 16 for c in clauses)
    assert segment(blocks) == clauses  # deterministic
