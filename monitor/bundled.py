"""Files that ship with the monitor: the seed pages and the example configuration.

In a wheel they live inside the package (``monitor/_seeds``,
``monitor/_example_config.toml``); in a source checkout, beside it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["example_config_text", "seeds_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"none of {', '.join(map(str, candidates))} exists")


def seeds_dir() -> Path:
    """The folder holding ``policies.json``, ``pages/`` and ``text/``."""
    return _first_existing(_PACKAGE / "_seeds", _PACKAGE.parent / "seeds")


def example_config_text() -> str:
    """The commented example ``config.toml``."""
    path = _first_existing(_PACKAGE / "_example_config.toml", _PACKAGE.parent / "config.toml")
    return path.read_text(encoding="utf-8")
