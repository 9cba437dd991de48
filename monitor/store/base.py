"""The connection: opening (with the migrations), write transactions, reads, and
error messages that name a full disk as such."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

from sqlite_utils import Database

from monitor.config_checks import is_postgres
from monitor.errors import StoreError
from monitor.store.schema import migrations

if TYPE_CHECKING:
    from monitor.store.postgres import PgDatabase

__all__ = ["Executor", "StoreBase", "database_error"]


class Executor(Protocol):
    """What a write transaction hands its statements to: an SQLite database, or a
    PostgreSQL transaction that reads the same statements (``monitor.store.postgres``)."""

    def execute(self, sql: str, parameters: Any = None, /) -> Any: ...


class StoreBase:
    """The connection and its transactions, which every part of :class:`Store` uses.

    The database is an SQLite file (``db`` a sqlite-utils ``Database``) or a
    PostgreSQL server (``db`` a :class:`~monitor.store.postgres.PgDatabase`, chosen by
    a ``postgresql://`` address); every query is written once, in SQLite's dialect."""

    def __init__(self, db: Database | PgDatabase, path: Path | str) -> None:
        self.db: Any = db
        self.postgres = not isinstance(db, Database)
        # One connection, shared: async callers run store calls in worker threads (so a
        # write waiting for another process's lock never stalls the event loop), and
        # this lock keeps those threads from interleaving inside a transaction.
        self._lock = threading.RLock()
        self.path = path
        self._identity: tuple[int, int] | None = None  # (device, inode) once opened

    def still_the_file(self) -> None:
        """Raise :class:`StoreError` unless the file at ``path`` is still the one that was
        opened, and not emptied: a daemon must not go on writing into a journal of a
        database that was deleted, replaced or truncated under it."""
        if self.postgres:
            return  # a server's database: its own business
        try:
            info = Path(self.path).stat()
        except OSError:
            info = None
        if info is None or (info.st_dev, info.st_ino) != self._identity or info.st_size == 0:
            raise StoreError(
                f"database {self.path} was deleted, replaced or emptied while in use; "
                "nothing more is written to it"
            )

    @classmethod
    def open(cls, path: str | Path, *, timeout: float = 30.0, verify: bool = False) -> Self:
        """Open the database at ``path``, made (with its schema) when there is no file.

        A file that exists but is empty, or is no database, or (with ``verify``, for
        commands that write) fails SQLite's quick check, is a :class:`StoreError`:
        a history that was lost or damaged is never silently started again or
        written on.

        ``path`` may be a ``postgresql://`` address instead: the server's database,
        with the same migrations (``verify`` has nothing more to check there).
        """
        if is_postgres(path):
            return cls._open_postgres(str(path), timeout=timeout, read_only=False)
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                _no_journal_left(path)
                _create(path)
            elif path.is_file() and path.stat().st_size == 0:
                raise StoreError(
                    f"database {path} is empty (0 bytes): its history is gone; restore it "
                    f"from a backup, or delete it with {path.name}-wal and {path.name}-shm "
                    "beside it to start a new history"
                )
            _one_name(path)
            conn = sqlite3.connect(str(path), timeout=timeout, check_same_thread=False)
            # No sqlite-utils plugins: they add SQL functions this store never calls, and
            # looking for them reads every installed package's entry points at each start.
            db = Database(conn, execute_plugins=False)
            db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            if verify:
                _quick_check(db, path)
            migrations.apply(db)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"cannot open database {path}: {_reason(exc, path)}") from None
        store = cls(db, path)
        info = path.stat()
        store._identity = (info.st_dev, info.st_ino)
        return store

    @classmethod
    def open_for_reading(cls, path: str | Path, *, timeout: float = 30.0) -> Self:
        """Open an existing database only to read it (``monitor serve``): nothing is made,
        migrated or written (SQLite's ``query_only``). A database whose schema is older
        than this monitor's is refused: a command that writes upgrades it."""
        if is_postgres(path):
            return cls._open_postgres(str(path), timeout=timeout, read_only=True)
        path = Path(path)
        if not path.is_file() or path.stat().st_size == 0:
            raise StoreError(f"no database at {path} yet: run `monitor check` first")
        try:
            _one_name(path)
            conn = sqlite3.connect(str(path), timeout=timeout, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            db = Database(conn, execute_plugins=False)
            pending = [m.name for m in migrations.pending(db)]
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"cannot open database {path}: {_reason(exc, path)}") from None
        if pending:
            conn.close()
            raise StoreError(
                f"database {path} has an older schema (missing {', '.join(pending)}); "
                "any command that writes upgrades it, e.g. `monitor check`"
            )
        store = cls(db, path)
        info = path.stat()
        store._identity = (info.st_dev, info.st_ino)
        return store

    @classmethod
    def _open_postgres(cls, url: str, *, timeout: float, read_only: bool) -> Self:
        from monitor.store import pg_schema
        from monitor.store.postgres import PgDatabase, reason

        db = PgDatabase(url, timeout=timeout, read_only=read_only)
        try:
            if read_only:
                missing = pg_schema.pending(db)
                if missing:
                    raise StoreError(
                        f"database {db.shown} has an older schema (missing "
                        f"{', '.join(missing)}); any command that writes upgrades it, "
                        "e.g. `monitor check`"
                    )
            else:
                pg_schema.apply(db)
        except StoreError:
            db.close()
            raise
        except Exception as exc:
            db.close()
            if not database_error(exc):
                raise
            raise StoreError(f"cannot open database {db.shown}: {reason(exc, url)}") from None
        return cls(db, db.shown)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Executor]:
        """One write transaction. IMMEDIATE takes the write lock up front, so a
        second writer waits for the busy timeout instead of failing mid-way."""
        with self._lock:
            yield from self._transaction()

    def _transaction(self) -> Iterator[Any]:
        if self.postgres:
            yield from self._pg_transaction()
            return
        conn = self.db.conn
        if self._identity is not None:
            self.still_the_file()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot write to database {self.path}: {_reason(exc, Path(self.path))}"
            ) from None
        try:
            yield self.db
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            conn.rollback()
            raise StoreError(
                f"cannot write to database {self.path}: {_reason(exc, Path(self.path))}"
            ) from None
        except BaseException:
            conn.rollback()
            raise

    def _pg_transaction(self) -> Iterator[Any]:
        from monitor.store.postgres import reason

        try:
            with self.db.transaction() as tx:
                yield tx
        except Exception as exc:
            if not database_error(exc):
                raise
            raise StoreError(
                f"cannot write to database {self.path}: {reason(exc, self.db.url)}"
            ) from None

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        if self.postgres:
            from monitor.store.postgres import reason

            try:
                rows: list[dict[str, Any]] = self.db.query(sql, params)
                return rows
            except Exception as exc:
                if not database_error(exc):
                    raise
                raise StoreError(
                    f"cannot read database {self.path}: {reason(exc, self.db.url)}"
                ) from None
        try:
            with self._lock:
                return list(self.db.query(sql, params))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot read database {self.path}: {exc}") from None


def database_error(exc: BaseException, *also: str) -> bool:
    """Whether ``exc`` is psycopg's or its pool's (or of the packages ``also`` names),
    told by its module: they are imported only with a PostgreSQL store."""
    return type(exc).__module__.split(".")[0] in ("psycopg", "psycopg_pool", *also)


# Below this many free bytes on the database's disk, SQLite's "database or disk is
# full" and its I/O errors are reported as the full disk they are (ENOSPC while
# growing the shared-memory file reaches SQLite as a plain "disk I/O error").
_NEARLY_FULL = 1 << 20


def _create(path: Path) -> None:
    """A new database at ``path`` with its schema, put in place whole: a crash while it
    is made leaves no empty file behind (which the next open would refuse)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.new-", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)  # as a plain create would make it, not mkstemp's 0600
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            migrations.apply(Database(conn, execute_plugins=False))
            conn.commit()
        finally:
            conn.close()
        try:
            os.link(tmp, path)  # never over a database another process made meanwhile
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: rename, unless one appeared
            if not path.exists():
                os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _no_journal_left(path: Path) -> None:
    """Refuse to make a database where the journal of a lost one remains: SQLite would
    read the old journal into the new file (a history back from the dead, or an
    index that no longer fits its table)."""
    left = [p.name for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    if left and not path.exists():  # (another process may have just made it, and opened it)
        raise StoreError(
            f"database {path} is missing but {' and '.join(left)} of a lost one remain "
            f"beside it: restore the database, or move {' and '.join(left)} away too "
            "to start a new history"
        )


def _one_name(path: Path) -> None:
    """Refuse a database file with a second name (a hard link): SQLite keeps its
    journal beside the name it is opened by, so two names would keep two diverging
    histories of one file."""
    for attempt in range(3):  # _create links a new file in, then unlinks its temporary name
        links = path.stat().st_nlink
        if links <= 1:
            return
        time.sleep(0.05 * (attempt + 1))
    raise StoreError(
        f"database {path} has {links} names (hard links); SQLite journals each name "
        "apart, so two names would keep two diverging histories: remove the other "
        f"name (`find / -xdev -samefile {path}`) and open it by this one"
    )


def _quick_check(db: Database, path: Path) -> None:
    """SQLite's quick check of every page; a damaged file is a :class:`StoreError`."""
    problems = [str(row[0]) for row in db.execute("PRAGMA quick_check(3)").fetchall()]
    if problems != ["ok"]:
        found = " ".join("; ".join(problems).split())[:200]
        raise StoreError(
            f"database {path} is damaged ({found}); nothing was written: "
            "restore it from a backup (sqlite3's .recover may save part of it)"
        )


def _reason(exc: sqlite3.DatabaseError | OSError, path: Path) -> str:
    """Why a database operation failed, in words that name a full disk as such."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    message = str(exc)
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR"):
        try:
            free = shutil.disk_usage(path.parent).free
        except OSError:
            return message
        if free < _NEARLY_FULL:
            return f"no space left on device ({message}; {free} bytes free)"
    return message
