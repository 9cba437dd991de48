"""``monitor run``: check every policy on its own schedule, for months (APScheduler 3.x).

- One job per policy. Its next time is kept in the database, so a restart
  neither re-checks everything at once nor skips anyone; a policy never
  checked starts within a few seconds, spread out.
- Every time gets jitter (up to 10% of the interval, at most five minutes),
  so checks of one host spread out. A policy is never checked twice at once,
  and missed runs after downtime collapse into one.
- Failed and anomalous checks back off: the interval doubles with each one
  in a row (at most 32x, at most a day beyond the interval). After
  ``failures_before_report`` in a row the policy is reported once as
  unreachable, and once as recovered when a check succeeds again.
- SIGHUP (or a restart) reloads ``config.toml``: added, removed and changed
  policies take effect; a broken config is logged and the old one kept, and
  so is a config that came through a pipe (it cannot be read twice).
- SIGTERM / SIGINT: no new checks, the ones in flight finish (bounded by
  ``shutdown_timeout``), the database is closed, exit 0. A second signal
  exits at once; transactions and atomic snapshot writes keep the store
  consistent either way.
- Notifications: the outbox is flushed every few seconds and right after a
  change or a report is queued (see ``monitor.notify``).
- One daemon per database: a lock on the database file itself (its inode,
  so another path, a hard link or a deleted lock file cannot slip past it),
  held while running and released by the operating system on exit or crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import Config, PolicyConfig, load_config
from monitor.daemon_lock import DaemonLockedError, daemon_running, take_lock
from monitor.errors import MonitorError, StoreError
from monitor.memory import give_back
from monitor.models import now_iso
from monitor.notify.delivery import flush as notify_flush
from monitor.pipeline import cpu_pool, open_fetcher, open_snapshots, open_store, safe_check
from monitor.records import CheckResult

__all__ = ["Daemon", "DaemonLockedError", "daemon_running"]

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
FLUSH_SECONDS = 5.0
MAX_BACKOFF_FACTOR = 32
MAX_BACKOFF_EXTRA = 86_400.0


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _jitter(interval: float) -> float:
    return random.uniform(0, min(interval * 0.1, 300.0))


def next_check_time(interval: float, failures: int) -> datetime:
    """When to check a policy next after ``failures`` failed checks in a row: the backoff
    and the jitter (``monitor run`` and ``monitor worker`` alike)."""
    return datetime.now(UTC) + timedelta(seconds=backoff(interval, failures) + _jitter(interval))


def backoff(interval: float, failures: int) -> float:
    """Seconds until the next check after ``failures`` failed checks in a row."""
    if failures <= 0:
        return interval
    factor: int = min(2**failures, MAX_BACKOFF_FACTOR)
    return float(min(interval * factor, interval + MAX_BACKOFF_EXTRA))


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


class Daemon:
    """The scheduler loop. ``Daemon(config_path).run()`` blocks until stopped."""

    def __init__(self, config_path: Path, *, shutdown_timeout: float = 60.0) -> None:
        self.config_path = config_path
        self.config: Config = load_config(config_path)
        # A config that came through a pipe (``--config <(envsubst ...)``) cannot be
        # read a second time: a reload would read an empty pipe and drop every policy.
        self._reloadable = _regular_file(config_path)
        self.shutdown_timeout = shutdown_timeout
        self.started_at = now_iso()
        self.inflight: set[asyncio.Task[Any]] = set()
        self._checked = 0  # checks ended since memory was last handed back
        self._stop: asyncio.Event | None = None  # created inside the event loop
        self._signals = 0
        self._exit_code = 0

    def run(self) -> int:
        release = take_lock(self.config.monitor.database)
        try:
            with cpu_pool(self.config.monitor.processes):
                asyncio.run(self._main())
        finally:
            release()
        if self._exit_code:
            # The database was lost under us: leave without closing it, for SQLite's
            # checkpoint on close would write the journal into a truncated file.
            logging.shutdown()
            os._exit(self._exit_code)
        return 0

    # -- the loop -------------------------------------------------------------

    async def _main(self) -> None:
        loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        settings = self.config.monitor
        self.store = open_store(self.config)
        self.snapshots = open_snapshots(self.config)
        self.fetcher = open_fetcher(self.config)
        self.scheduler = AsyncIOScheduler(
            event_loop=loop,
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        for policy in self.config.policies:
            self._schedule(policy, self._first_run(policy))
        self.scheduler.add_job(
            self._heartbeat,
            IntervalTrigger(seconds=HEARTBEAT_SECONDS, timezone=UTC),
            id="__heartbeat__",
        )
        self.scheduler.add_job(
            self._flush,
            IntervalTrigger(seconds=FLUSH_SECONDS, timezone=UTC),
            id="__flush__",
            next_run_time=datetime.now(UTC),
        )
        self.store.heartbeat(pid=os.getpid(), started_at=self.started_at)
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self._on_stop_signal, signum)
        loop.add_signal_handler(signal.SIGHUP, self._on_reload_signal)
        self.scheduler.start()
        logger.info(
            "daemon started pid=%s policies=%d database=%s",
            os.getpid(),
            len(self.config.policies),
            settings.database_shown,
        )
        try:
            await self._stop.wait()
            await self._drain()
        finally:
            self.scheduler.shutdown(wait=False)
            await self.fetcher.aclose()
            if not self._exit_code:
                self.store.heartbeat(pid=os.getpid(), started_at=self.started_at, stopped=True)
                self.store.close()
            logger.info("daemon stopped")

    async def _drain(self) -> None:
        """Take no new checks; let the ones in flight finish, within the timeout."""
        self.scheduler.pause()
        pending = {t for t in self.inflight if not t.done()}
        if pending:
            logger.info("waiting for %d check(s) in flight", len(pending))
            _, still = await asyncio.wait(pending, timeout=self.shutdown_timeout)
            for task in still:
                task.cancel()
            if still:
                logger.warning("%d check(s) cut short at shutdown", len(still))
                await asyncio.gather(*still, return_exceptions=True)

    def _on_stop_signal(self, signum: int) -> None:
        self._signals += 1
        if self._signals > 1:
            logger.warning("second %s: exiting at once", signal.Signals(signum).name)
            os._exit(130)
        logger.info("%s: finishing checks in flight, then stopping", signal.Signals(signum).name)
        assert self._stop is not None
        self._stop.set()

    def _on_reload_signal(self) -> None:
        if not self._reloadable:
            logger.error(
                "SIGHUP: keeping the running configuration: %s came through a pipe and "
                "cannot be read again (restart the daemon to change it)",
                self.config_path,
            )
            return
        try:
            config = load_config(self.config_path)
        except MonitorError as exc:
            logger.error("SIGHUP: keeping the running configuration: %s", exc)
            return
        moved = [
            key
            for key in ("database", "snapshots")
            if getattr(config.monitor, key) != getattr(self.config.monitor, key)
        ]
        if moved:
            logger.error(
                "SIGHUP: keeping the running configuration: its %s changed, which takes a "
                "restart (still using %s)",
                " and ".join(moved),
                self.config.monitor.database_shown,
            )
            return
        old = {p.name: p for p in self.config.policies}
        new = {p.name: p for p in config.policies}
        self.config = config
        self.store.sync_policies(config.policies)
        for name in old.keys() - new.keys():
            with contextlib.suppress(Exception):
                self.scheduler.remove_job(name)
        for name, policy in new.items():
            if name not in old or old[name] != policy:
                self._schedule(policy, self._first_run(policy))
        logger.info(
            "SIGHUP: configuration reloaded: %d added, %d removed, %d changed",
            len(new.keys() - old.keys()),
            len(old.keys() - new.keys()),
            sum(1 for n in new.keys() & old.keys() if new[n] != old[n]),
        )

    async def _flush(self) -> None:
        """Post due notifications (the outbox); a failure here never stops the daemon."""
        if not self.config.targets:
            return
        task = asyncio.current_task()
        if task is not None:
            self.inflight.add(task)
        try:
            await notify_flush(self.config, self.store)
        except Exception:
            logger.exception("delivering notifications failed; will try again")
        finally:
            if task is not None:
                self.inflight.discard(task)

    async def _heartbeat(self) -> None:
        try:
            self.store.still_the_file()
        except StoreError as exc:
            # Deleted, replaced or truncated under us: every further write would go
            # into a journal no reader sees. Stop, loudly, with what is in flight.
            logger.error("%s: stopping", exc)
            self._exit_code = 2
            assert self._stop is not None
            self._stop.set()
            return
        await asyncio.to_thread(self.store.heartbeat, pid=os.getpid(), started_at=self.started_at)
        if self._checked and not self.inflight:  # between runs: the peak goes back
            self._checked = 0
            await asyncio.to_thread(give_back)

    # -- scheduling -----------------------------------------------------------

    def _first_run(self, policy: PolicyConfig) -> datetime:
        """The next check time of a policy, from what the database remembers."""
        now = datetime.now(UTC)
        interval = self.config.interval_of(policy)
        state = self.store.policy_state(policy.name) or {}
        planned = _parse(state.get("next_check_at"))
        last = self.store.checks(policy.name, limit=1)
        if planned is None and last:
            last_at = _parse(last[0]["started_at"])
            failures = int(state.get("consecutive_failures") or 0)
            if last_at is not None:
                planned = last_at + timedelta(seconds=backoff(interval, failures))
        if planned is None or planned > now + timedelta(seconds=interval * MAX_BACKOFF_FACTOR):
            return now + timedelta(seconds=random.uniform(0, min(interval, 10.0)))
        return max(planned, now + timedelta(seconds=random.uniform(0, 1.0)))

    def _schedule(self, policy: PolicyConfig, when: datetime) -> None:
        """Keep ``when`` in the database and plan the job."""
        self.store.set_schedule(policy.name, next_check_at=when.isoformat(timespec="seconds"))
        self._plan(policy, when)

    def _plan(self, policy: PolicyConfig, when: datetime) -> None:
        if self._stop is not None and self._stop.is_set():
            return
        self.scheduler.add_job(
            self._run_policy,
            DateTrigger(run_date=when, timezone=UTC),
            args=[policy.name],
            id=policy.name,
            replace_existing=True,
        )

    async def _run_policy(self, name: str) -> None:
        policy = self.config.policy(name)
        if policy is None or (self._stop is not None and self._stop.is_set()):
            return
        task = asyncio.current_task()
        if task is not None:
            self.inflight.add(task)
        try:
            result = await safe_check(
                policy,
                fetcher=self.fetcher,
                store=self.store,
                snapshots=self.snapshots,
                config=self.config,
            )
        finally:
            self._checked += 1
            if task is not None:
                self.inflight.discard(task)
        await self._after(policy, result)

    async def _after(self, policy: PolicyConfig, result: CheckResult) -> None:
        """Back off after failures and plan the next check; flush at once when the
        check queued a change or a report (see ``pipeline.check_policy``)."""
        state = await asyncio.to_thread(self.store.policy_state, policy.name) or {}
        failures = int(state.get("consecutive_failures") or 0)
        when = next_check_time(self.config.interval_of(policy), failures)
        await asyncio.to_thread(
            self.store.set_schedule, policy.name, next_check_at=when.isoformat(timespec="seconds")
        )
        self._plan(policy, when)
        if (result.report or result.change_id is not None) and not (
            self._stop is not None and self._stop.is_set()
        ):
            self.scheduler.add_job(self._flush, id="__flush_now__", replace_existing=True)
