"""Policies and their versions: syncing the configured policies, and reading back
versions, changes and checks."""

from __future__ import annotations

import json
from typing import Any

from monitor.config import PolicyConfig
from monitor.models import now_iso
from monitor.records import VersionRecord
from monitor.store.base import StoreBase
from monitor.store.packing import unpack

__all__ = ["PolicyQueries"]


class PolicyQueries(StoreBase):
    """Reads and writes of ``policies``, ``versions``, ``changes`` and ``checks`` rows."""

    # -- policies -----------------------------------------------------------

    def sync_policies(self, policies: tuple[PolicyConfig, ...] | list[PolicyConfig]) -> None:
        """Insert new configured policies; update the URL, language and tags of known ones."""
        now = now_iso()
        with self._write() as db:
            for p in policies:
                db.execute(
                    """INSERT INTO policies (name, url, language, tags, created_at)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT(name) DO UPDATE SET
                         url = excluded.url, language = excluded.language, tags = excluded.tags,
                         etag = CASE WHEN policies.url = excluded.url THEN policies.etag END,
                         last_modified = CASE WHEN policies.url = excluded.url
                                              THEN policies.last_modified END""",
                    [p.name, p.url, p.language, json.dumps(list(p.tags)), now],
                )

    def policy_state(self, name: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM policies WHERE name = ?", [name])
        return rows[0] if rows else None

    def policy_summaries(self) -> list[dict[str, Any]]:
        """One row per known policy with its last check and version count."""
        return self._rows(
            """SELECT p.name, p.url,
                      (SELECT COUNT(*) FROM versions v WHERE v.policy_id = p.id) AS versions,
                      c.started_at AS last_check, c.outcome AS last_outcome,
                      c.http_status AS last_status, c.error AS last_error,
                      c.fetcher AS last_fetcher, c.notes AS last_notes
               FROM policies p
               LEFT JOIN checks c ON c.id = (
                   SELECT MAX(id) FROM checks WHERE policy_id = p.id)
               ORDER BY p.name"""
        )

    # -- versions -----------------------------------------------------------

    def latest_version(self, policy: str, *, text: bool = True) -> VersionRecord | None:
        """The newest version; with ``text=False`` its text is left unread (``""``): a
        check reads it only once its page must be judged, not while it waits to fetch."""
        columns = "v.*" if text else f"{_VERSION_COLUMNS}, '' AS text"
        rows = self._rows(
            f"""SELECT {columns}, p.name AS policy FROM versions v
                JOIN policies p ON p.id = v.policy_id
                WHERE p.name = ? ORDER BY v.number DESC LIMIT 1""",
            [policy],
        )
        return _version(rows[0]) if rows else None

    def version(self, policy: str, number: int) -> VersionRecord | None:
        rows = self._rows(
            """SELECT v.*, p.name AS policy FROM versions v JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? AND v.number = ?""",
            [policy, number],
        )
        return _version(rows[0]) if rows else None

    def versions(self, policy: str) -> list[VersionRecord]:
        rows = self._rows(
            """SELECT v.*, p.name AS policy FROM versions v JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? ORDER BY v.number""",
            [policy],
        )
        return [_version(r) for r in rows]

    def latest_change(self, policy: str) -> dict[str, Any] | None:
        """The newest change of a policy, with version numbers and the parsed comparison."""
        rows = self._rows(
            """SELECT c.id, c.severity, c.created_at, c.comparison,
                      o.number AS old_version, n.number AS new_version
               FROM changes c JOIN policies p ON p.id = c.policy_id
               JOIN versions o ON o.id = c.old_version_id
               JOIN versions n ON n.id = c.new_version_id
               WHERE p.name = ? ORDER BY c.id DESC LIMIT 1""",
            [policy],
        )
        if not rows:
            return None
        row = rows[0]
        row["comparison"] = json.loads(row["comparison"])
        return row

    def checks(self, policy: str, *, limit: int = 100) -> list[dict[str, Any]]:
        return self._rows(
            """SELECT c.* FROM checks c JOIN policies p ON p.id = c.policy_id
               WHERE p.name = ? ORDER BY c.id DESC LIMIT ?""",
            [policy, limit],
        )

    def recent_text_hashes(self, policy: str, *, limit: int) -> tuple[str, ...]:
        """The text hashes the last ``limit`` checks of ``policy`` saw, newest first
        (checks that got no text, such as errors, are left out)."""
        return tuple(h for h, _ in self.recent_texts(policy, limit=limit))

    def recent_texts(self, policy: str, *, limit: int) -> tuple[tuple[str, int | None], ...]:
        """``(text hash, id of the version the check stored or None)`` of the last
        ``limit`` checks of ``policy`` that got a text, newest first."""
        rows = self._rows(
            """SELECT c.text_hash, CASE WHEN c.outcome IN ('new_version', 'variant')
                   THEN c.version_id END AS stored
               FROM checks c JOIN policies p ON p.id = c.policy_id
               WHERE p.name = ? ORDER BY c.id DESC LIMIT ?""",
            [policy, limit],
        )
        return tuple((r["text_hash"], r["stored"]) for r in rows if r["text_hash"] is not None)

    def heads(self, policy: str) -> list[VersionRecord]:
        """The newest version of each variant of ``policy``, newest first (one unless the
        URL serves several documents in turn)."""
        rows = self._rows(
            """SELECT v.*, p.name AS policy FROM versions v JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? AND v.number = (
                   SELECT MAX(w.number) FROM versions w
                   WHERE w.policy_id = v.policy_id AND w.variant = v.variant)
               ORDER BY v.number DESC""",
            [policy],
        )
        return [_version(r) for r in rows]

    def earlier_versions(self, policy: str, *, limit: int = 20) -> dict[str, int]:
        """Text hash → number of the last ``limit`` versions that are no variant's newest."""
        rows = self._rows(
            """SELECT v.text_hash, v.number FROM versions v
               JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? AND v.number < (
                   SELECT MAX(w.number) FROM versions w
                   WHERE w.policy_id = v.policy_id AND w.variant = v.variant)
               ORDER BY v.number DESC LIMIT ?""",
            [policy, limit],
        )
        found: dict[str, int] = {}
        for row in rows:
            found.setdefault(row["text_hash"], row["number"])
        return found

    def variants_of(self, policy: str) -> dict[int, int]:
        """Version number → variant, for the versions outside the first variant."""
        rows = self._rows(
            """SELECT v.number, v.variant FROM versions v JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? AND v.variant != 1""",
            [policy],
        )
        return {r["number"]: r["variant"] for r in rows}

    def replaced_by(self, policy: str) -> dict[str, int]:
        """Text hash of a version → number of the variant's newest version that replaced
        most of it (confirmed by a second fetch), while both are in the same variant. If
        the URL serves the two in turn, they are variants, not a rewrite; once split,
        each has its own line and the pair is no longer listed."""
        rows = self._rows(
            """SELECT o.text_hash, n.number FROM changes c
               JOIN versions n ON n.id = c.new_version_id
               JOIN versions o ON o.id = c.old_version_id
               JOIN policies p ON p.id = c.policy_id
               WHERE p.name = ? AND n.replaced = 1 AND o.variant = n.variant AND n.number = (
                   SELECT MAX(w.number) FROM versions w
                   WHERE w.policy_id = n.policy_id AND w.variant = n.variant)""",
            [policy],
        )
        return {r["text_hash"]: r["number"] for r in rows}


_VERSION_COLUMNS = ", ".join(
    f"v.{c}"
    for c in (
        "id", "policy_id", "number", "text_hash", "title", "language", "declared_date",
        "snapshot_sha256", "first_seen", "last_seen", "variant", "replaced",
    )
)  # fmt: skip


def _version(row: dict[str, Any]) -> VersionRecord:
    return VersionRecord(
        id=row["id"],
        policy=row["policy"],
        number=row["number"],
        text_hash=row["text_hash"],
        text=unpack(row["text"]),
        title=row["title"],
        language=row["language"],
        declared_date=row["declared_date"],
        snapshot_sha256=row["snapshot_sha256"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        variant=row.get("variant") or 1,
        replaced=bool(row.get("replaced")),
    )
