"""The SQLite store (sqlite-utils, WAL). All SQL of the monitor lives here.

Tables: ``policies``, ``checks`` (every attempt), ``snapshots`` (raw bodies,
by sha256), ``versions`` (normalised texts, stored only when they differ
from the latest), ``changes`` (one per new version after the first).
Schema changes are numbered migrations; a check, its snapshot row, its
version and its change are written in one transaction.

:class:`Store` is made of one part per concern: ``base`` (the connection and
its transactions), ``schema`` (the migrations), ``policies`` (policies,
versions and their reads), ``checks`` (recording a check), ``outbox`` (the
notification outbox), ``status`` (schedule, heartbeat, feed and status) and
``reading`` (the read-only pages of ``monitor serve``), ``identity`` (archived
policies, renames) and ``queue`` (``monitor worker``'s claims and heartbeats).
"""

from __future__ import annotations

from monitor.records import NewVersion, Reports, VersionRecord
from monitor.store.checks import CheckRecord, CheckWriter, Recorded
from monitor.store.identity import IdentityQueries
from monitor.store.outbox import Outbox
from monitor.store.policies import PolicyQueries
from monitor.store.queue import QueueQueries
from monitor.store.reading import ReadingQueries
from monitor.store.status import StatusQueries

__all__ = ["CheckRecord", "NewVersion", "Recorded", "Reports", "Store", "VersionRecord"]


class Store(
    PolicyQueries,
    CheckWriter,
    Outbox,
    StatusQueries,
    ReadingQueries,
    IdentityQueries,
    QueueQueries,
):
    """The database. Open with :meth:`open`; close with :meth:`close` or ``with``."""
