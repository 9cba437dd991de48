"""What the reading room (``monitor serve``) and its JSON API read: the overview of
every policy, a policy's versions, changes and check statistics, one change with
the provenance of both sides, and changes filtered by policy, tag, severity and
time. Reads only; each query is one statement and reads one consistent state of a
database the daemon may be writing (a page of several queries may straddle a check)."""

from __future__ import annotations

import json
from typing import Any

from monitor.store.base import StoreBase
from monitor.store.packing import unpack

__all__ = ["ReadingQueries"]

# The date facts of the change that made a version, read out of its stored comparison.
_FACTS = """json_extract(c.comparison, '$.silent') AS silent,
            json_extract(c.comparison, '$.date_only') AS date_only,
            json_extract(c.comparison, '$.backdated') AS backdated,
            json_extract(c.comparison, '$.anomaly') AS anomaly,
            json_extract(c.comparison, '$.categories') AS categories"""


class ReadingQueries(StoreBase):
    """Read-only queries of whole pages of the reading room."""

    def overview(self) -> list[dict[str, Any]]:
        """One row per policy the database knows (configured or not): tags, host URL,
        last check and its outcome, number of versions, and the newest change."""
        rows = self._rows(
            """SELECT p.id, p.name, p.url, p.tags, p.next_check_at, p.consecutive_failures,
                      (SELECT COUNT(*) FROM versions v WHERE v.policy_id = p.id) AS versions,
                      k.started_at AS last_check, k.outcome AS last_outcome,
                      k.http_status AS last_status, k.error AS last_error
               FROM policies p
               LEFT JOIN checks k ON k.id = (SELECT MAX(id) FROM checks WHERE policy_id = p.id)
               ORDER BY p.name"""
        )
        latest = {
            r["policy_id"]: r
            for r in self._rows(
                """SELECT c.policy_id, c.id AS change_id, c.severity AS change_severity,
                          c.created_at AS change_at, n.number AS change_version
                   FROM changes c JOIN versions n ON n.id = c.new_version_id
                   WHERE c.id IN (SELECT MAX(id) FROM changes GROUP BY policy_id)"""
            )
        }
        for row in rows:
            row["tags"] = json.loads(row["tags"] or "[]")
            change = latest.get(row["id"], {})
            for key in ("change_id", "change_severity", "change_at", "change_version"):
                row[key] = change.get(key)
        return rows

    def policy_row(self, name: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT id, name, url, tags, created_at, next_check_at, consecutive_failures "
            "FROM policies WHERE name = ?",
            [name],
        )
        if not rows:
            return None
        rows[0]["tags"] = json.loads(rows[0]["tags"] or "[]")
        return rows[0]

    def version_rows(
        self,
        policy: str,
        *,
        limit: int = 50,
        offset: int = 0,
        newest_first: bool = True,
        number: int | None = None,
    ) -> list[dict[str, Any]]:
        """Versions without their text (only version ``number``, if given): number, dates,
        title, snapshot, and the date facts and severity of the change that made each
        (None for a line's first version)."""
        order = "DESC" if newest_first else "ASC"
        limit = limit if limit >= 0 else 1 << 62  # all of them
        only = "AND v.number = ?" if number is not None else ""
        rows = self._rows(
            f"""SELECT v.number, v.first_seen, v.last_seen, v.declared_date, v.title,
                       v.language, v.variant, v.replaced, v.snapshot_sha256, v.text_hash,
                       c.id AS change_id, c.severity, o.number AS previous, {_FACTS}
                FROM versions v JOIN policies p ON p.id = v.policy_id
                LEFT JOIN changes c ON c.new_version_id = v.id
                LEFT JOIN versions o ON o.id = c.old_version_id
                WHERE p.name = ? {only} ORDER BY v.number {order} LIMIT ? OFFSET ?""",
            [policy, *([number] if number is not None else []), limit, offset],
        )
        for row in rows:
            _decode_facts(row)
        return rows

    def change_numbers(self, policy: str) -> dict[int, int]:
        """New version number → old version number of every change of ``policy``."""
        rows = self._rows(
            """SELECT n.number AS new, o.number AS old FROM changes c
               JOIN policies p ON p.id = c.policy_id
               JOIN versions n ON n.id = c.new_version_id
               JOIN versions o ON o.id = c.old_version_id
               WHERE p.name = ? ORDER BY n.number""",
            [policy],
        )
        return {r["new"]: r["old"] for r in rows}

    def version_numbers(self, policy: str) -> list[int]:
        rows = self._rows(
            """SELECT v.number FROM versions v JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? ORDER BY v.number""",
            [policy],
        )
        return [r["number"] for r in rows]

    def version_text(self, policy: str, number: int) -> str | None:
        rows = self._rows(
            """SELECT v.text FROM versions v JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? AND v.number = ?""",
            [policy, number],
        )
        return unpack(rows[0]["text"]) if rows else None

    def check_stats(self, policy: str) -> dict[str, Any]:
        """Checks of ``policy`` by outcome, the first and last, the last with a text, and the
        mean duration."""
        rows = self._rows(
            """SELECT k.outcome, COUNT(*) AS n, MIN(k.started_at) AS first,
                      MAX(k.started_at) AS last, AVG(k.duration_ms) AS mean_ms
               FROM checks k JOIN policies p ON p.id = k.policy_id
               WHERE p.name = ? GROUP BY k.outcome ORDER BY n DESC""",
            [policy],
        )
        total = sum(r["n"] for r in rows)
        mean = sum(r["mean_ms"] * r["n"] for r in rows) / total if total else None
        return {
            "checks": total,
            "by_outcome": {r["outcome"]: r["n"] for r in rows},
            "first_check": min((r["first"] for r in rows), default=None),
            "last_check": max((r["last"] for r in rows), default=None),
            "last_success": max(
                (r["last"] for r in rows if r["outcome"] not in ("error", "anomaly")),
                default=None,
            ),
            "mean_duration_ms": round(mean) if mean is not None else None,
        }

    def troubles(self, policy: str, *, limit: int = 5000) -> list[dict[str, Any]]:
        """The newest ``limit`` anomalous and failed checks (the outages of the timeline)."""
        return self._rows(
            """SELECT k.started_at, k.outcome, k.http_status, k.error
               FROM checks k JOIN policies p ON p.id = k.policy_id
               WHERE p.name = ? AND k.outcome IN ('anomaly', 'error')
               ORDER BY k.id DESC LIMIT ?""",
            [policy, limit],
        )

    def change_rows(
        self,
        *,
        policies: list[str] | None = None,
        severities: list[str] | None = None,
        since: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Changes newest first, without their clauses: policy, versions, severity, time,
        categories, date facts and anomaly. ``policies=[]`` matches nothing."""
        where, params = ["1 = 1"], []
        if policies is not None:
            where.append(f"p.name IN ({', '.join('?' for _ in policies) or 'NULL'})")
            params += policies
        if severities:
            where.append(f"c.severity IN ({', '.join('?' for _ in severities)})")
            params += severities
        if since:
            where.append("c.created_at >= ?")
            params.append(since)
        rows = self._rows(
            f"""SELECT c.id, p.name AS policy, p.url, o.number AS old_version,
                       n.number AS new_version, c.severity, c.created_at, {_FACTS}
                FROM changes c JOIN policies p ON p.id = c.policy_id
                JOIN versions o ON o.id = c.old_version_id
                JOIN versions n ON n.id = c.new_version_id
                WHERE {" AND ".join(where)} ORDER BY c.id DESC LIMIT ? OFFSET ?""",
            [*params, limit, offset],
        )
        for row in rows:
            _decode_facts(row)
        return rows

    def change_record(self, policy: str, new_version: int) -> dict[str, Any] | None:
        """The change that made version ``new_version`` of ``policy``: its comparison and,
        for each side, the version and where its page came from (URL, time, HTTP status,
        snapshot hash, size and type)."""
        rows = self._rows(
            """SELECT c.id, c.severity, c.created_at, c.comparison, c.old_version_id,
                      c.new_version_id, o.number AS old_version, n.number AS new_version
               FROM changes c JOIN policies p ON p.id = c.policy_id
               JOIN versions o ON o.id = c.old_version_id
               JOIN versions n ON n.id = c.new_version_id
               WHERE p.name = ? AND n.number = ?""",
            [policy, new_version],
        )
        if not rows:
            return None
        row = rows[0]
        row["comparison"] = json.loads(row["comparison"])
        row["old"] = self.provenance(row.pop("old_version_id"))
        row["new"] = self.provenance(row.pop("new_version_id"))
        return row

    def provenance(self, version_id: int) -> dict[str, Any]:
        """Where a version's page came from: the check that stored it (or, for a version
        stored before checks kept their text, the first check that fetched its page)."""
        rows = self._rows(
            """SELECT v.number, v.first_seen, v.last_seen, v.declared_date, v.title,
                      v.snapshot_sha256 AS sha256, s.size, s.content_type,
                      k.started_at AS fetched_at, k.http_status, k.final_url, p.url,
                      k.fetcher, k.screenshot_sha256 AS screenshot,
                      k.url AS requested_url, k.headers, k.notes
               FROM versions v JOIN policies p ON p.id = v.policy_id
               LEFT JOIN snapshots s ON s.sha256 = v.snapshot_sha256
               LEFT JOIN checks k ON k.id = COALESCE(
                   (SELECT MIN(id) FROM checks WHERE version_id = v.id
                      AND outcome IN ('new_version', 'variant')),
                   (SELECT MIN(id) FROM checks WHERE policy_id = v.policy_id
                      AND snapshot_sha256 = v.snapshot_sha256))
               WHERE v.id = ?""",
            [version_id],
        )
        row = rows[0]
        row["headers"] = json.loads(row["headers"]) if row["headers"] else {}
        return row

    def snapshot_of(self, policy: str, digest: str) -> dict[str, Any] | None:
        """The snapshot ``digest`` if it is the page of a version or check of ``policy``."""
        rows = self._rows(
            """SELECT s.sha256, s.size, s.content_type, s.path FROM snapshots s
               WHERE s.sha256 = ? AND (
                   EXISTS (SELECT 1 FROM versions v JOIN policies p ON p.id = v.policy_id
                           WHERE p.name = ? AND v.snapshot_sha256 = s.sha256)
                   OR EXISTS (SELECT 1 FROM checks k JOIN policies p ON p.id = k.policy_id
                              WHERE p.name = ? AND (k.snapshot_sha256 = s.sha256
                                                    OR k.screenshot_sha256 = s.sha256)))""",
            [digest, policy, policy],
        )
        return rows[0] if rows else None

    def screenshot_of(self, policy: str, number: int) -> str | None:
        """The sha256 of the screenshot of version ``number`` of ``policy``: the one the
        browser took when the version was stored (or, failing that, first served)."""
        rows = self._rows(
            """SELECT k.screenshot_sha256 AS digest FROM checks k
               JOIN versions v ON v.id = k.version_id JOIN policies p ON p.id = v.policy_id
               WHERE p.name = ? AND v.number = ? AND k.screenshot_sha256 IS NOT NULL
               ORDER BY k.id LIMIT 1""",
            [policy, number],
        )
        return rows[0]["digest"] if rows else None


def _decode_facts(row: dict[str, Any]) -> None:
    for key in ("silent", "date_only", "backdated"):  # 1/0 from SQLite, 'true' from PostgreSQL
        row[key] = row[key] in (1, True, "true")
    row["categories"] = json.loads(row["categories"]) if row["categories"] else []
