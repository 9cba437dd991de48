"""``monitor.__all__`` is sorted and lists exactly the public names of ``monitor/__init__.py``."""

from __future__ import annotations

import types

import monitor

INCLUDED_PRIVATE = {"__version__"}


def test_all_is_sorted() -> None:
    assert sorted(monitor.__all__) == monitor.__all__


def test_all_imports_are_exported() -> None:
    public = {
        name
        for name, value in vars(monitor).items()
        if (not name.startswith("_") or name in INCLUDED_PRIVATE)
        and not isinstance(value, types.ModuleType)  # submodules
        and name != "annotations"  # from __future__ import annotations
    }
    assert set(monitor.__all__) == public
    assert len(monitor.__all__) == len(public)  # no name twice
