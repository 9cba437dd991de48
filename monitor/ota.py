"""Open Terms Archive declarations as ``[[policy]]`` tables (``monitor import ota``).

A declaration (``declarations/Service.json``) names a service and, per terms type, the
document to fetch: ``fetch``, ``select`` and ``remove`` (CSS selectors, or range
selectors), ``filter`` (the archive's own JavaScript functions) and
``executeClientScripts``; ``combine`` joins several source documents into one. What
maps becomes a policy (``executeClientScripts`` → ``fetcher = "browser"``); what does
not (filters, range selectors, a combination) is said in one line each.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.config import Config, parse_config
from monitor.config_checks import check_css_selector, is_pipe, validate_url
from monitor.errors import InputError

__all__ = ["Declarations", "add_to_config", "policy_name", "read_declarations", "to_toml"]


@dataclass
class Declarations:
    policies: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # one line each
    services: int = 0


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.")
    return slug[:100] or "policy"


def policy_name(service: str, terms_type: str, number: int = 0) -> str:
    """The policy a declaration's document becomes: ``service-terms-type``, and ``-N`` for
    source ``number`` of a combined document (the archive's ``Terms Type #N`` files)."""
    return _slug(f"{service}-{terms_type}") + (f"-{number}" if number else "")


def read_declarations(folder: Path, services: Sequence[str] = ()) -> Declarations:
    """The declarations in ``folder`` (of the ``services`` named, by file name or name)."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of declarations")
    found = Declarations()
    wanted = set(services)
    files = sorted(p for p in folder.glob("*.json") if not p.name.endswith(".history.json"))
    for history in sorted(folder.glob("*.history.json")):
        if not wanted or history.name.removesuffix(".history.json") in wanted:
            found.unmapped.append(
                f"{history.name}: earlier declarations (for dates before the current one's); "
                "not read"
            )
    seen: set[str] = set()
    for path in files:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            found.unmapped.append(f"{path.name}: not a declaration ({exc})")
            continue
        if not isinstance(data, dict):
            found.unmapped.append(f"{path.name}: not a declaration (not a JSON object)")
            continue
        service = str(data.get("name") or path.stem)
        if wanted and path.stem not in wanted and service not in wanted:
            continue
        seen.update({path.stem, service})
        found.services += 1
        terms = data.get("terms") or data.get("documents") or {}
        for terms_type, declaration in terms.items() if isinstance(terms, dict) else ():
            _one(found, path.name, service, path.stem, str(terms_type), declaration)
    missing = sorted(wanted - seen)
    if missing:
        raise InputError(f"no declaration of {missing[0]!r} in {folder}")
    return found


def _one(
    found: Declarations, file: str, service: str, stem: str, terms_type: str, declaration: Any
) -> None:
    where = f"{file}: {terms_type}"
    if not isinstance(declaration, dict):
        found.unmapped.append(f"{where}: not a document declaration")
        return
    parts = declaration.get("combine")
    shared = {k: v for k, v in declaration.items() if k != "combine"}
    sources = parts if isinstance(parts, list) and parts else [{}]
    if len(sources) > 1:
        found.unmapped.append(
            f"{where}: combines {len(sources)} documents; here each is a policy of its own"
        )
    for number, source in enumerate(sources, start=1):
        merged = {**shared, **(source if isinstance(source, dict) else {})}
        name = policy_name(stem, terms_type, number if len(sources) > 1 else 0)
        url = merged.get("fetch")
        try:
            url = validate_url(str(url)) if url else None
        except ValueError as exc:
            found.unmapped.append(f"{where}: {exc}; not imported")
            continue
        if url is None:
            found.unmapped.append(f"{where}: no fetch URL; not imported")
            continue
        select = _selectors(found, where, "select", merged.get("select"))
        remove = _selectors(found, where, "remove", merged.get("remove"))
        filters = merged.get("filter") or []
        if filters:
            shown = ", ".join(map(str, filters if isinstance(filters, list) else [filters]))
            found.unmapped.append(
                f"{where}: filter {shown}: the archive's own code, not applied here"
            )
        policy: dict[str, Any] = {"name": name, "url": url}
        if select:
            policy["select"] = select
        if remove:
            policy["remove"] = remove
        if merged.get("executeClientScripts"):
            policy["fetcher"] = "browser"
        policy["tags"] = ["ota", _slug(terms_type), _slug(service)]
        found.policies.append(policy)


def _selectors(found: Declarations, where: str, key: str, value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    kept = []
    for item in items:
        if isinstance(item, str):
            try:
                check_css_selector(item)
            except Exception as exc:  # cssselect's SelectorError tree
                found.unmapped.append(f"{where}: {key} {item!r} is no CSS selector ({exc})")
                continue
            kept.append(item)
        else:
            found.unmapped.append(
                f"{where}: {key} range {json.dumps(item)} is not mapped (CSS selectors only)"
            )
    return kept


def to_toml(policies: Sequence[dict[str, Any]]) -> str:
    """``[[policy]]`` tables (strings written as JSON strings: valid TOML basic strings)."""
    lines = []
    for policy in policies:
        lines.append("[[policy]]")
        for key, value in policy.items():
            lines.append(f"{key} = {json.dumps(value)}")
        lines.append("")
    return "\n".join(lines)


def add_to_config(
    config: Config, policies: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Append the ``policies`` not configured yet (by name or URL) to the config file, whole
    or not at all and only if the result is valid; return (added, skipped lines)."""
    names = {p.name for p in config.policies}
    urls = {p.url: p.name for p in config.policies}
    added: list[dict[str, Any]] = []
    skipped: list[str] = []
    for policy in policies:
        if policy["name"] in names:
            skipped.append(f"{policy['name']}: a policy of that name is configured already")
        elif policy["url"] in urls:
            skipped.append(f"{policy['name']}: {urls[policy['url']]!r} watches that URL already")
        else:
            added.append(policy)
            names.add(policy["name"])
            urls[policy["url"]] = policy["name"]
    if not added:
        return added, skipped
    path = config.path
    if is_pipe(path):
        raise InputError(f"{path} is a pipe: use --dry-run and add the tables yourself")
    text = path.read_text("utf-8")
    text = text + ("" if text.endswith("\n") else "\n") + "\n" + to_toml(added)
    parse_config(tomllib.loads(text), path=path)  # refuses what would not load
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return added, skipped
