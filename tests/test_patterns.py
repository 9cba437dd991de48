"""The compiled-pattern cache: the same patterns as ``re.compile``, read back at the next start."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import patterns

SAMPLES: list[tuple[str, int]] = [
    (r"(?<!\w)(voornaam|achternaam|naam\b|first name)", 0),
    (r"(?P<day>\d{1,2})\s+(?P<month>mei|may)\s+(?P<year>\d{4})", re.IGNORECASE),
    (r"(?i)laatst\s+gewijzigd(?:\s+op)?", 0),
    ("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]", 0),  # lone surrogates survive
    (r"^(?:retention|period): (\S+) -> (\S+)$", re.MULTILINE),
    (r"données|Datenschutzerklärung|[àâä]", re.IGNORECASE | re.VERBOSE),
]
TEXT = (
    "Voornaam en achternaam.\nLaatst gewijzigd op 23 mei 2018; updated 4 May 2020.\n"
    "retention: 12 -> 24\nDatenschutzerklärung, données \x07 à"
)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MONITOR_PATTERN_CACHE", raising=False)
    patterns._reset()
    yield tmp_path
    patterns._reset()


def _same(pattern: re.Pattern[str], source: str, flags: int) -> None:
    expected = re.compile(source, flags)
    assert pattern == expected  # same flags and the same engine code
    assert (pattern.groups, pattern.groupindex) == (expected.groups, expected.groupindex)
    assert [m.groups() for m in pattern.finditer(TEXT)] == [
        m.groups() for m in expected.finditer(TEXT)
    ]


def test_patterns_are_written_then_read_back_equal(cache_home: Path) -> None:
    for source, flags in SAMPLES:
        _same(patterns.compile(source, flags), source, flags)
    assert patterns.counts() == {"from_cache": 0, "compiled": len(SAMPLES)}
    patterns.save()
    assert patterns.cache_file().is_relative_to(cache_home)
    assert patterns.cache_file().is_file()

    patterns._reset()  # a new process, as far as the cache knows
    for source, flags in SAMPLES:
        _same(patterns.compile(source, flags), source, flags)
    assert patterns.counts() == {"from_cache": len(SAMPLES), "compiled": 0}


def test_a_damaged_file_is_ignored_and_replaced(cache_home: Path) -> None:
    source, flags = SAMPLES[1]
    patterns.compile(source, flags)
    patterns.save()
    path = patterns.cache_file()
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF  # one flipped byte: the checksum no longer matches
    path.write_bytes(bytes(data))

    patterns._reset()
    _same(patterns.compile(source, flags), source, flags)
    assert patterns.counts() == {"from_cache": 0, "compiled": 1}
    patterns.save()
    patterns._reset()
    patterns.compile(source, flags)
    assert patterns.counts() == {"from_cache": 1, "compiled": 0}


def test_a_foreign_file_and_an_unwritable_folder_cost_only_time(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = patterns.cache_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pattern cache at all")
    for source, flags in SAMPLES:
        _same(patterns.compile(source, flags), source, flags)

    blocked = cache_home / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    patterns._reset()
    _same(patterns.compile(*SAMPLES[0]), *SAMPLES[0])
    patterns.save()  # cannot write: says nothing, raises nothing
    assert patterns.counts()["compiled"] == 1


def test_switched_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_PATTERN_CACHE", "0")
    _same(patterns.compile(*SAMPLES[0]), *SAMPLES[0])
    patterns.save()
    assert patterns.counts() == {"from_cache": 0, "compiled": 0}
    assert not patterns.cache_file().exists()


def test_the_judging_modules_start_from_the_cache(tmp_path: Path) -> None:
    """Two starts of the diff path: the second compiles nothing (every table is in the file)."""
    program = (
        "import json, monitor.judge.compare, monitor.output.render, monitor.inputs;"
        "from monitor import patterns; print(json.dumps(patterns.counts()))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("MONITOR_PATTERN_CACHE", None)
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", program], env=env, capture_output=True, check=True, text=True
            ).stdout
        )
        for _ in range(2)
    ]
    assert runs[0]["compiled"] > 200  # the few taken from the cache are defined twice
    assert runs[1] == {"from_cache": runs[0]["compiled"] + runs[0]["from_cache"], "compiled": 0}
