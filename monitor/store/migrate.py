"""``monitor migrate-store``: copy an SQLite store into an empty PostgreSQL database, in
one transaction, and verify the copy row by row.

Every table of the history is copied with its ids (policies with their schedule and
validators, snapshots' rows, versions, checks, changes, the outbox and its attempts,
the daemon's last heartbeat); the senders' leases are not (they belong to running
processes). The target's id counters are moved past the copied ids. Nothing is
written to the source but the upgrade of an older schema (as any command does), and
a copy that fails or is interrupted leaves the target as empty as it was. The snapshot
files stay where they are: both stores name them by the same relative paths.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from monitor.errors import InputError, StoreError
from monitor.store import Store
from monitor.store.packing import pack

if TYPE_CHECKING:
    from monitor.store.postgres import PgTransaction

__all__ = ["TABLES", "Copied", "copy_store", "verify_copy"]

# In the order their rows refer to each other; each with the column that orders it.
TABLES: tuple[tuple[str, str], ...] = (
    ("policies", "id"),
    ("snapshots", "sha256"),
    ("versions", "id"),
    ("checks", "id"),
    ("changes", "id"),
    ("deliveries", "id"),
    ("delivery_attempts", "id"),
    ("daemon", "id"),
)
BATCH = 2000

Progress = Callable[[str, int, int], None]  # (table, rows copied so far, rows in all)


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int
    digest: str  # of the rows as read back from the target


def _columns(source: Store, table: str) -> list[str]:
    return [c.name for c in source.db[table].columns]


def _batches(store: Store, table: str, key: str, columns: list[str]) -> Iterator[list[Any]]:
    names = ", ".join(columns)
    last: Any = None
    while True:
        where = f"WHERE {key} > ?" if last is not None else ""
        rows = store.db.execute(
            f"SELECT {names} FROM {table} {where} ORDER BY {key} LIMIT {BATCH}",
            [last] if last is not None else [],
        ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][columns.index(key)]


def _stored(table: str, column: str, value: Any) -> Any:
    if table == "versions" and column == "text" and isinstance(value, str):
        return pack(value)  # a row SQLite kept as plain text: packed, as the target keeps all
    return value


def copy_store(source: Store, target: Store, *, progress: Progress | None = None) -> list[Copied]:
    """Copy every table of ``source`` (SQLite) into ``target`` (PostgreSQL, empty) in one
    transaction; then read both back and compare them (:func:`verify_copy`)."""
    if source.postgres or not target.postgres:
        raise InputError("migrate-store copies an SQLite store into a PostgreSQL database")
    held = target.db.query("SELECT COUNT(*) AS n FROM policies")[0]["n"]
    if held:
        raise InputError(
            f"database {target.path} already holds {held} polic{'y' if held == 1 else 'ies'}: "
            "migrate into an empty database (a new one, or a new schema)"
        )
    totals = {
        table: source.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table, _ in TABLES
    }
    with target._write() as writing:
        tx = cast("PgTransaction", writing)  # (a PostgreSQL store's transaction)
        for table, key in TABLES:
            columns = _columns(source, table)
            marks = ", ".join("?" for _ in columns)
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            done = 0
            for rows in _batches(source, table, key, columns):
                tx.executemany(
                    statement,
                    [[_stored(table, c, v) for c, v in zip(columns, r, strict=True)] for r in rows],
                )
                done += len(rows)
                if progress is not None and done < totals[table]:
                    progress(table, done, totals[table])
            if progress is not None:
                progress(table, done, totals[table])
            if key == "id" and table != "daemon":
                tx.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
    return verify_copy(source, target)


def _digest(store: Store, table: str, key: str, columns: list[str]) -> tuple[int, str]:
    """The number of rows of ``table`` and a hash of their values, in ``key`` order, in
    one form whichever database read them (text packed, numbers as numbers)."""
    digest = hashlib.sha256()
    count = 0
    for rows in _batches(store, table, key, columns):
        for row in rows:
            values = [_stored(table, c, v) for c, v in zip(columns, row, strict=True)]
            digest.update(repr([bytes(v).hex() if isinstance(v, (bytes, memoryview)) else v
                                for v in values]).encode())  # fmt: skip
        count += len(rows)
    return count, digest.hexdigest()


def verify_copy(source: Store, target: Store) -> list[Copied]:
    """Compare every copied table of ``source`` and ``target``, row by row (as hashes of
    their values); a difference is a :class:`StoreError` naming the table."""
    copied = []
    for table, key in TABLES:
        columns = _columns(source, table)
        rows, digest = _digest(source, table, key, columns)
        found, found_digest = _digest(target, table, key, columns)
        if (found, found_digest) != (rows, digest):
            raise StoreError(
                f"the copy of table {table} differs: {rows} row(s) in the source, {found} in "
                f"{target.path}" + ("" if found != rows else " (values differ)")
            )
        copied.append(Copied(table, rows, found_digest))
    return copied


def open_source(path: Path) -> Store:
    """The SQLite store to copy, opened as a writer would (its migrations applied, its
    file checked), so that every table is there in its latest form."""
    if not path.is_file():
        raise InputError(f"no database at {path} to migrate")
    return Store.open(path, verify=True)
