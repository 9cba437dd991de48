"""Organisation names as the classifier compares them: one name per organisation, and
no name "gained" that is the same one spelled another way."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import Indel

__all__ = ["unpaired"]


def unpaired(
    gained: set[str] | frozenset[str],
    lost: set[str] | frozenset[str],
    shared: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[str], list[str]]:
    """Names gained and lost, less the pairs that are one name spelled two ways, and one
    name per organisation ("criteo", "criteo s.a", "criteo s.a." are one; a name that
    only lengthens or shortens one both sides have, ``shared``, is none)."""
    gained_left, lost_left = _distinct(gained, shared), _distinct(lost, shared)
    for name in list(gained_left):
        match = next(
            (
                o
                for o in lost_left
                if Indel.normalized_similarity(name, o) >= 0.85 and _digits(name) == _digits(o)
            ),
            None,
        )
        if match is not None:
            gained_left.remove(name)
            lost_left.remove(match)
    return gained_left, lost_left


def _digits(name: str) -> str:
    """The digits of a name: "AdPartner6" and "AdPartner8" are two organisations, not
    one spelled two ways."""
    return "".join(c for c in name if c.isdigit())


def _distinct(names: Iterable[str], shared: Iterable[str]) -> list[str]:
    def root(name: str) -> str:
        return name.rstrip(". ")

    def same(x: str, y: str) -> bool:
        return x == y or x.startswith(y + " ") or y.startswith(x + " ")

    known = [root(n) for n in shared]
    kept: list[str] = []
    for name in sorted(names, key=lambda n: (-len(root(n)), n)):
        if not any(same(root(name), k) for k in known + [root(m) for m in kept]):
            kept.append(name)
    return sorted(kept)
