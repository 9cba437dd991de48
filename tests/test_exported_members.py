"""``monitor.__all__`` is sorted and lists exactly the public names of ``monitor/__init__.py``."""

from __future__ import annotations

import types

import pytest

import monitor

INCLUDED_PRIVATE = {"__version__"}


def test_all_is_sorted() -> None:
    assert sorted(monitor.__all__) == monitor.__all__


def test_all_imports_are_exported() -> None:
    """Every public name is in ``__all__`` and resolves, whether loaded at import
    (``__version__``) or on first use (the rest, so the command starts fast)."""
    eager = {
        name
        for name, value in vars(monitor).items()
        if (not name.startswith("_") or name in INCLUDED_PRIVATE)
        and not isinstance(value, types.ModuleType)  # submodules
        and name not in {"annotations", "TYPE_CHECKING", "Any"}  # the module's own helpers
    }
    assert eager <= set(monitor.__all__)
    assert len(set(monitor.__all__)) == len(monitor.__all__)  # no name twice
    for name in monitor.__all__:
        assert getattr(monitor, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = monitor.nothing_here  # type: ignore[attr-defined]


def test_the_library_use_is_public() -> None:
    """Read two texts, compare them, print the result: all from ``monitor``."""
    old = monitor.normalize(b"# Privacy\n\nWij bewaren je gegevens 12 maanden.", filename="a.md")
    new = monitor.normalize(b"# Privacy\n\nWij bewaren je gegevens 24 maanden.", filename="b.md")
    comparison = monitor.compare(old, new)
    assert isinstance(comparison, monitor.Comparison)
    assert comparison.severity is monitor.Severity.MATERIAL and comparison.material
    assert '"severity": "material"' in monitor.render("json", comparison)


def test_severities_compare_by_rank() -> None:
    severity = monitor.Severity
    assert sorted(severity) == [severity.NONE, severity.COSMETIC, severity.MINOR, severity.MATERIAL]
    assert severity.MATERIAL > severity.MINOR >= "minor" > severity.COSMETIC > severity.NONE
    assert max([severity.MINOR, severity.MATERIAL, severity.COSMETIC]) is severity.MATERIAL
