"""``re.compile`` with a file cache: the judging tables load compiled, not compiled again.

Python compiles a regular expression in Python code (parse, then code generation)
before the C engine takes it over: 0.05-0.2 ms a pattern, and the judging modules
define about 300 patterns at import, which made them half of ``monitor diff``'s
start-up. What the engine takes is a list of integers (``_sre.compile``); this
module keeps those lists, per Python build, in one file under the user's cache
folder (``$XDG_CACHE_HOME/policy-monitor``, else ``~/.cache/policy-monitor``) and
builds each pattern straight from it at the next start.

An entry is stored only after the pattern it builds compared equal to
``re.compile``'s (same flags and code); the file carries a checksum and is written
whole (temporary file, then rename). Anything unexpected (another Python, a
damaged or foreign file, a folder that cannot be written) means ``re.compile``:
the cache can only save time, never change what a pattern matches.
``MONITOR_PATTERN_CACHE=0`` turns it off.
"""

from __future__ import annotations

import array
import atexit
import logging
import marshal
import os
import re
import sys
import zlib
from pathlib import Path

try:  # CPython's engine and compiler; elsewhere the cache stays off
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - not CPython
    _sre = None

__all__ = ["compile", "counts", "save"]

logger = logging.getLogger(__name__)

_HEADER = b"policy-monitor patterns 1\n"
_MAX_ENTRIES = 5000  # more than that: only this process's patterns are kept
_WORD = "I"  # the engine's code unit, checked against _sre.CODESIZE below

Entry = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]


class _State:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, int], Entry] | None = None  # None: not read yet
        self.used: set[tuple[str, int]] = set()
        self.hits = 0
        self.misses = 0
        self.changed = False
        self.path: Path | None = None


_state = _State()


def _enabled() -> bool:
    return (
        _sre is not None
        and array.array(_WORD).itemsize == getattr(_sre, "CODESIZE", 0)
        and os.environ.get("MONITOR_PATTERN_CACHE", "1") != "0"
    )


def cache_file() -> Path:
    """Where this Python's compiled patterns are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    tag = f"{sys.implementation.cache_tag}-{getattr(_sre, 'MAGIC', 0)}"
    return Path(base) / "policy-monitor" / f"patterns-{tag}.bin"


def _read(path: Path) -> dict[tuple[str, int], Entry]:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    body = data[len(_HEADER) + 4 :]
    if not data.startswith(_HEADER) or data[len(_HEADER) : len(_HEADER) + 4] != _crc(body):
        logger.debug("pattern cache %s is damaged or foreign; starting a new one", path)
        return {}
    try:
        entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    return entries if isinstance(entries, dict) else {}


def _crc(body: bytes) -> bytes:
    return zlib.crc32(body).to_bytes(4, "big")


def _build(pattern: str, flags: int) -> Entry:
    """What ``re._compiler.compile`` hands the engine, in a form ``marshal`` keeps."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    packed = array.array(_WORD, [int(word) for word in code]).tobytes()
    return (
        int(flags | parsed.state.flags),
        packed,
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _engine(pattern: str, entry: Entry) -> re.Pattern[str]:
    flags, packed, groups, groupindex, indexgroup = entry
    code = array.array(_WORD, packed).tolist()
    compiled: re.Pattern[str] = _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)
    return compiled


def compile(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the cache file when it holds the pattern."""
    flags = int(flags)
    if flags & re.DEBUG or not isinstance(pattern, str) or not _enabled():
        return re.compile(pattern, flags)
    state = _state
    if state.entries is None:
        state.path = cache_file()
        state.entries = _read(state.path)
        atexit.register(save)
    key = (pattern, flags)
    state.used.add(key)
    entry = state.entries.get(key)
    if entry is not None:
        try:
            compiled = _engine(pattern, entry)
        except (TypeError, ValueError, RuntimeError):  # a foreign entry: compile it anew
            del state.entries[key]
            state.changed = True
        else:
            state.hits += 1
            return compiled
    state.misses += 1
    fresh = re.compile(pattern, flags)
    try:
        entry = _build(pattern, flags)
        if _engine(pattern, entry) == fresh:  # same flags, same code
            state.entries[key] = entry
            state.changed = True
    except Exception:
        logger.debug("pattern %r not cached", pattern[:60], exc_info=True)
    return fresh


def counts() -> dict[str, int]:
    """Patterns taken from the cache and compiled in this process so far."""
    return {"from_cache": _state.hits, "compiled": _state.misses}


def save() -> None:
    """Write the cache if this process compiled something new (runs at exit)."""
    state = _state
    if not state.changed or state.entries is None or state.path is None:
        return
    entries = state.entries
    if len(entries) > _MAX_ENTRIES:
        entries = {key: value for key, value in entries.items() if key in state.used}
    body = marshal.dumps(entries)
    path = state.path
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            with open(temporary, "xb") as out:
                out.write(_HEADER + _crc(body) + body)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        logger.debug("pattern cache not written to %s: %s", path, exc)
        return
    state.changed = False


def _reset() -> None:
    """Forget what this process read and compiled (tests use it to start over)."""
    global _state
    _state = _State()
