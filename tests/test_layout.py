"""The package's shape: one subpackage per stage, no import cycles, no module too long.

Read from the source with ``ast`` (imports inside functions count too), so a
refactor that ties two stages together or grows a module past ~400 lines fails
here instead of in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "monitor"

MAX_LINES = 400
# Pure data (phrase lists, term tables): long by nature, no logic to split.
DATA_MODULES = {"monitor.judge.cues", "monitor.judge.date_tables"}
# Stages see the values between stages (monitor.models), never the store or what drives them.
STAGES = ("monitor.net", "monitor.text", "monitor.judge", "monitor.output", "monitor.outcome")
ABOVE_STAGES = ("monitor.store", "monitor.notify", "monitor.pipeline", "monitor.cli")
# The command line and the daemon fetch and store through monitor.pipeline.
DRIVERS = ("monitor.cli", "monitor.daemon")
BELOW_PIPELINE = ("monitor.net", "monitor.snapshots", "monitor.outcome")
# The reading room (monitor serve) only reads: it never fetches, checks or notifies.
READER = ("monitor.web",)
NOT_FOR_READER = (
    "monitor.net.fetch", "monitor.pipeline", "monitor.recording", "monitor.notify",
    "monitor.daemon", "monitor.cli",
)  # fmt: skip


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module of ``monitor`` that an imported name lives in."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(name: str) -> set[str]:
    """The modules of ``monitor`` that module ``name`` imports, anywhere in its body."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            module = _resolve(target) if target.startswith("monitor") else None
            if module is not None and module != name:
                found.add(module)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_layout_is_read_from_the_source() -> None:
    # Guards against a walker that finds nothing and so passes everything below.
    assert {"monitor.models", "monitor.pipeline", "monitor.judge.compare"} <= set(MODULES)
    assert "monitor.models" in GRAPH["monitor.judge.compare"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _within(n, STAGES)))
def test_stages_never_import_the_store_or_what_drives_them(name: str) -> None:
    assert sorted(m for m in GRAPH[name] if _within(m, ABOVE_STAGES)) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _within(n, DRIVERS)))
def test_cli_and_daemon_fetch_and_store_through_the_pipeline(name: str) -> None:
    assert sorted(m for m in GRAPH[name] if _within(m, BELOW_PIPELINE)) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _within(n, READER)))
def test_the_reading_room_never_fetches_checks_or_notifies(name: str) -> None:
    assert sorted(m for m in GRAPH[name] if _within(m, NOT_FOR_READER)) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_too_long(name: str) -> None:
    lines = len(MODULES[name].read_text("utf-8").splitlines())
    if name in DATA_MODULES:
        return
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by concern"
