"""The PostgreSQL store: the same statements as SQLite's, through psycopg 3 and its pool.

The store's SQL is written once, in SQLite's dialect, and translated here for
PostgreSQL (placeholders, ``INSERT OR IGNORE``, ``IS ?``, ``json_extract``). A
write transaction takes one advisory lock first, so writers run one at a time as
they do in SQLite (``BEGIN IMMEDIATE``): a check's reads and writes see no other
writer's half, on any machine. Reads run on their own pooled connections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

from monitor.config_checks import display_url
from monitor.errors import StoreError

try:
    import psycopg
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool
except ImportError:  # an install without the extra
    raise StoreError(
        "a postgresql:// database needs psycopg 3 and its pool: "
        "pip install 'policy-monitor[postgresql]'"
    ) from None

__all__ = [
    "PgCursor",
    "PgDatabase",
    "display_url",
    "translate",
]

# pg_advisory_xact_lock's key for the store's one writer at a time (any fixed number
# that no other program on the same database is likely to take: "pmst" in ASCII).
WRITE_LOCK = 0x706D7374
# The key a `monitor run` daemon holds for its life (one daemon per database).
DAEMON_LOCK = 0x706D6472


class PgCursor:
    """What a statement gave back, read whole (``fetchone``, ``fetchall``, iteration,
    ``rowcount``), as the store reads an SQLite cursor."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgTransaction:
    """One write transaction's connection, with the ``execute`` the store calls."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] | None = None, /) -> PgCursor:
        return _run(self.conn, sql, parameters)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], /) -> None:
        """One statement for each of ``rows``, sent together (psycopg's pipeline)."""
        with self.conn.cursor() as cur:
            cur.executemany(translate(sql), [_params(row) for row in rows])


def _run(conn: psycopg.Connection[Any], sql: str, parameters: Sequence[Any] | None) -> PgCursor:
    cur = conn.execute(translate(sql), _params(parameters))
    rows = cur.fetchall() if cur.description else []
    return PgCursor(list(rows), cur.rowcount)


def _params(parameters: Sequence[Any] | None) -> list[Any]:
    # SQLite stores a bool as 1 or 0 and the schema's flags are integers: so here.
    return [int(p) if isinstance(p, bool) else p for p in parameters or ()]


class PgDatabase:
    """A pool of connections to one PostgreSQL database."""

    dialect = "postgresql"

    def __init__(self, url: str, *, timeout: float, read_only: bool = False) -> None:
        self.url = url
        self.shown = display_url(url)
        self.read_only = read_only
        try:  # one plain connection first: its error says why (the pool's would not)
            psycopg.connect(url, connect_timeout=max(1, round(timeout))).close()
        except psycopg.Error as exc:
            raise StoreError(f"cannot open database {self.shown}: {reason(exc, url)}") from None
        self.timeout = timeout
        self.pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=1,
            max_size=8,
            timeout=timeout,
            kwargs={"autocommit": True},
            configure=self._configure,
            open=False,
            name="monitor-store",
        )
        try:
            self.pool.open(wait=True, timeout=timeout)
        except Exception as exc:
            self.pool.close()
            raise StoreError(f"cannot open database {self.shown}: {reason(exc, url)}") from None

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        # a writer that stops inside a transaction (a paused process) must not hold the
        # write lock, and with it every other writer, for ever
        conn.execute("SET idle_in_transaction_session_timeout = '5min'")
        if self.read_only:  # whatever a route does, it cannot write
            conn.execute("SET default_transaction_read_only = on")

    def close(self) -> None:
        self.pool.close()

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        with self.pool.connection() as conn:
            cur = conn.cursor(row_factory=dict_row)
            cur.execute(translate(sql), _params(parameters))
            return cur.fetchall() if cur.description else []

    def execute(self, sql: str, parameters: Sequence[Any] | None = None, /) -> PgCursor:
        """One statement on its own (autocommit)."""
        with self.pool.connection() as conn:
            return _run(conn, sql, parameters)

    @contextmanager
    def transaction(self) -> Iterator[PgTransaction]:
        """One write transaction, after the store's write lock (one writer at a time)."""
        with self.pool.connection() as conn, conn.transaction():
            # waits for the other writers as long as SQLite's busy timeout, then fails
            conn.execute(f"SET LOCAL lock_timeout = '{int(self.timeout * 1000)}ms'")
            conn.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", [WRITE_LOCK]
            )
            yield PgTransaction(conn)

    def install(self, probe: str, script: str) -> bool:
        """Run ``script`` (SQL, whole) under the write lock unless the table ``probe``
        exists; whether it ran. Two workers starting at once install it once."""
        with self.transaction() as tx:
            found = tx.conn.execute("SELECT to_regclass(%s)", [probe]).fetchone()
            if found and found[0] is not None:
                return False
            tx.conn.execute(script.encode())  # as it is: no placeholders in it
        return True

    def table_names(self) -> list[str]:
        rows = self.query(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() ORDER BY table_name"
        )
        return [r["table_name"] for r in rows]


def take_daemon_lock(url: str, holders: list[Any], *, shared: bool = False) -> bool:
    """Take the daemon lock of the database at ``url`` on a connection of its own,
    appended to ``holders`` (closing it releases the lock); False if another holds it.
    ``monitor run`` takes it alone; workers share it (so neither runs beside the
    other). The lock is per schema, like the store's tables."""
    take = "pg_try_advisory_lock_shared" if shared else "pg_try_advisory_lock"
    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise StoreError(f"cannot open database {display_url(url)}: {reason(exc, url)}") from None
    try:
        row = conn.execute(
            f"SELECT {take}(%s, hashtext(current_schema()))", [DAEMON_LOCK]
        ).fetchone()
    except psycopg.Error as exc:
        conn.close()
        raise StoreError(f"cannot lock database {display_url(url)}: {reason(exc, url)}") from None
    if not (row and row[0]):
        conn.close()
        return False
    holders.append(conn)
    return True


def daemon_lock_held(url: str) -> bool:
    """Whether a daemon holds the lock of the database at ``url`` right now."""
    holders: list[Any] = []
    try:
        if not take_daemon_lock(url, holders):
            return True
    except StoreError:
        return False  # no database to hold
    holders.pop().close()
    return False


def secrets_of(url: str) -> list[str]:
    """The password of ``url`` in every spelling a message may repeat it in (as written,
    and percent-decoded), from the authority and from ``?password=``."""
    found = []
    try:
        parts = urlsplit(url)
        raw = parts.netloc.rpartition("@")[0].partition(":")[2] if "@" in parts.netloc else ""
        found.append(raw)
        for pair in parts.query.split("&"):
            key, _, value = pair.partition("=")
            if "pass" in key.lower():
                found.append(value)
    except ValueError:
        pass
    found += [unquote(s) for s in found]
    return sorted({s for s in found if s}, key=len, reverse=True)


def reason(exc: BaseException, url: str) -> str:
    """Why a PostgreSQL operation on ``url`` failed, in one line, without its password
    (libpq repeats a password it cannot decode)."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    for secret in secrets_of(url):
        message = message.replace(secret, "***")
    if message.startswith("no schema has been selected to create in"):
        return (
            "the schema the address names (options=-csearch_path=...) does not exist: "
            "create it first (CREATE SCHEMA name)"
        )
    return message.split(" LINE 1:")[0][:300]


_JSON_EXTRACT = re.compile(r"json_extract\(([\w.]+), '\$\.(\w+)'\)")


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """An SQLite statement of the store in PostgreSQL's dialect."""
    ignore = sql.lstrip().upper().startswith("INSERT OR IGNORE")
    if ignore:
        sql = re.sub(r"(?i)INSERT OR IGNORE INTO", "INSERT INTO", sql, count=1)
    sql = re.sub(r"\bIS \?", "IS NOT DISTINCT FROM ?", sql)
    sql = _JSON_EXTRACT.sub(r"(\1::jsonb ->> '\2')", sql)
    out: list[str] = []
    quoted = False
    for char in sql:  # placeholders outside string literals
        if char == "'":
            quoted = not quoted
        if not quoted and char == "?":
            out.append("%s")
        elif char == "%":  # psycopg reads every percent sign, quoted or not
            out.append("%%")
        else:
            out.append(char)
    sql = "".join(out)
    if ignore:
        sql = sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return sql
