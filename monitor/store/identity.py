"""A policy's identity in the store: its history outlives its config entry (archived),
moves with a rename, and a new name for an old URL is pointed at the old history."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from monitor.errors import InputError
from monitor.models import now_iso
from monitor.store.base import StoreBase

__all__ = ["IdentityQueries"]


class IdentityQueries(StoreBase):
    def imported_refs(self, policy: str, prefix: str) -> tuple[set[str], str | None]:
        """The archive refs noted (``prefix`` + ref) by ``policy``'s replayed checks, and
        when its latest check happened (None: never checked)."""
        rows = self._rows(
            "SELECT c.notes FROM checks c JOIN policies p ON p.id = c.policy_id "
            "WHERE p.name = ? AND c.notes LIKE ? ESCAPE '\\'",
            [policy, "%" + prefix.replace("%", "\\%").replace("_", "\\_") + "%"],
        )
        refs = {
            line[len(prefix) :]
            for r in rows
            for line in r["notes"].split("\n")
            if line.startswith(prefix)
        }
        latest = self._rows(
            "SELECT MAX(c.started_at) AS at FROM checks c JOIN policies p "
            "ON p.id = c.policy_id WHERE p.name = ?",
            [policy],
        )
        return refs, latest[0]["at"] if latest else None

    def stored_names(self) -> set[str]:
        """Every policy the database knows, configured or archived."""
        return {r["name"] for r in self._rows("SELECT name FROM policies")}

    def rename_policy(self, old: str, new: str, *, replace: bool = False) -> dict[str, Any]:
        """Give ``old``'s history (versions, checks, changes, notifications) the name
        ``new``, in one transaction; return its counts. ``new`` may exist only without a
        history of its own (a configured name nothing has checked yet: it goes), unless
        ``replace``: then its own history is dropped (histories are never merged)."""
        if old == new:
            raise InputError(f"{old!r} is already called that")
        with self._write() as db:
            found = db.execute("SELECT id FROM policies WHERE name = ?", [old]).fetchone()
            if found is None:
                raise InputError(f"no policy named {old!r} in the database {self.path}")
            taken = db.execute(
                "SELECT id, (SELECT COUNT(*) FROM checks WHERE policy_id = policies.id), "
                "(SELECT COUNT(*) FROM versions WHERE policy_id = policies.id) "
                "FROM policies WHERE name = ?",
                [new],
            ).fetchone()
            dropped = {"versions": 0, "checks": 0}
            if taken is not None:
                own = f"{taken[2]} version(s) and {taken[1]} check(s)"
                if taken[1] and not replace:
                    raise InputError(
                        f"{new!r} has a history of its own ({own}): histories are never "
                        f"merged; add --replace to drop it and give {new!r} the history of "
                        f"{old!r}"
                    )
                dropped = {"versions": taken[2], "checks": taken[1]}
                db.execute(
                    "DELETE FROM delivery_attempts WHERE delivery_id IN "
                    "(SELECT id FROM deliveries WHERE policy = ?)",
                    [new],
                )
                db.execute("DELETE FROM deliveries WHERE policy = ?", [new])
                for table in ("changes", "checks", "versions"):  # in the order they refer
                    db.execute(f"DELETE FROM {table} WHERE policy_id = ?", [taken[0]])
                db.execute("DELETE FROM policies WHERE id = ?", [taken[0]])
            db.execute("UPDATE policies SET name = ? WHERE id = ?", [new, found[0]])
            db.execute(
                "UPDATE deliveries SET policy = ? WHERE policy = ?",
                [new, old],
            )
            versions, checks = db.execute(
                "SELECT (SELECT COUNT(*) FROM versions WHERE policy_id = ?), "
                "(SELECT COUNT(*) FROM checks WHERE policy_id = ?)",
                [found[0], found[0]],
            ).fetchone()
        return {"old": old, "new": new, "versions": versions, "checks": checks,
                "dropped": dropped, "at": now_iso()}  # fmt: skip

    def lost_histories(self, configured: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
        """For each configured ``(name, url)`` without versions: an archived policy (in the
        database, not among ``configured``) that has versions of the same URL. A renamed
        policy would otherwise start again at version 1."""
        pairs = list(configured)
        names = {name for name, _ in pairs}
        rows = self._rows(
            """SELECT p.name, p.url, COUNT(v.id) AS versions FROM policies p
               LEFT JOIN versions v ON v.policy_id = p.id GROUP BY p.id"""
        )
        counts = {r["name"]: r["versions"] for r in rows}
        found = []
        for name, url in pairs:
            if counts.get(name):
                continue
            for row in rows:
                if row["name"] not in names and row["url"] == url and row["versions"]:
                    # --replace: the checks about to run under the new name would make it
                    # a history of its own; it drops only those, never the archived one.
                    advice = (
                        f"policy {name!r} has the URL of archived policy {row['name']!r} "
                        f"({row['versions']} version(s)): to keep that history under the new "
                        f"name, run: monitor rename {row['name']} {name} --replace"
                    )
                    found.append({"name": name, "archived": row["name"],
                                  "versions": row["versions"], "advice": advice})  # fmt: skip
        return found

    def changes_of(self, policy: str) -> list[dict[str, Any]]:
        """Every change of ``policy``, oldest first, with its version numbers and the
        stored comparison (the ``monitor diff`` JSON object)."""
        rows = self._rows(
            """SELECT o.number AS old_version, n.number AS new_version, c.severity,
                      c.created_at, c.comparison
               FROM changes c JOIN policies p ON p.id = c.policy_id
               JOIN versions o ON o.id = c.old_version_id
               JOIN versions n ON n.id = c.new_version_id
               WHERE p.name = ? ORDER BY n.number""",
            [policy],
        )
        for row in rows:
            row["comparison"] = json.loads(row["comparison"])
        return rows
