"""``monitor worker``: checks taken from a queue in the PostgreSQL store, by any number of
workers on any number of machines (procrastinate, a task queue on PostgreSQL).

How a check travels:

- Every few seconds each worker claims the policies that are due (never scheduled,
  planned for now or before, or claimed by a lease that ran out), in one store
  transaction: ``policies.claim`` and, as the lease, ``next_check_at``. Claims are
  write transactions, one at a time, so a policy is claimed by one worker. It then
  queues one ``check`` job per claim. Claims are made only while the queue holds
  fewer jobs than a few rounds of every worker's slots, so none waits long.
- A job runs the check as ``monitor run`` does; its transaction stores the check,
  its version, change and notifications, the next check time (interval, backoff
  after failures, jitter) and releases the claim. A job whose policy is no longer
  claimed (its check was recorded already) does nothing.
- A job's procrastinate lock is one of ``per_host_concurrency`` slots of its host,
  and a policy always takes the same slot: a policy is never checked twice at once,
  and a host never gets more requests at once from all workers together.
- A worker that dies stops beating; any other worker's next round finds its jobs
  stalled, makes their policies due again and marks the jobs failed. A claim whose
  job was never queued (a worker killed between the two) is taken again when its
  lease runs out.
- Every worker sends the outbox's notifications; the senders' leases keep one
  sender per target at a time, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitor.config import Config, PolicyConfig, load_config
from monitor.daemon import FLUSH_SECONDS, next_check_time
from monitor.errors import InputError, StoreError
from monitor.models import now_iso
from monitor.notify.delivery import flush as notify_flush
from monitor.pipeline import cpu_pool, open_fetcher, open_snapshots, open_store, safe_check
from monitor.records import Reschedule
from monitor.store.base import database_error
from monitor.worker_status import QUEUE, SILENT_AFTER

try:
    import procrastinate
    from procrastinate.jobs import Status
except ImportError:  # an install without the extra
    raise StoreError(
        "monitor worker needs procrastinate: pip install 'policy-monitor[postgresql]'"
    ) from None

__all__ = ["QUEUE", "Worker", "WorkerSettings"]

logger = logging.getLogger(__name__)

TASK = "monitor.check"
BACKLOG = 8  # jobs queued per slot of a worker, at most, before it claims more


@dataclass(frozen=True)
class WorkerSettings:
    concurrency: int = 16  # checks at once in this worker
    lease: float = 900.0  # seconds a claim holds a policy before it may be claimed again
    heartbeat: float = 5.0  # seconds between heartbeats; one silent 5x as long is taken for dead
    round: float = 1.0  # seconds between rounds of claiming due policies (when none wait)
    shutdown_timeout: float = 60.0  # for the checks in flight at SIGTERM


def host_lock(policy: PolicyConfig, slots: int) -> str:
    """The procrastinate lock of ``policy``'s checks: one of ``slots`` of its host."""
    host = (urlsplit(policy.url).hostname or "").lower()
    return f"host:{host}:{zlib.crc32(policy.name.encode()) % max(1, slots)}"


class Worker:
    """One worker process. ``Worker(config_path, settings).run()`` blocks until stopped."""

    def __init__(self, config_path: Path, settings: WorkerSettings) -> None:
        self.config: Config = load_config(config_path)
        self.settings = settings
        database = self.config.monitor.database
        if not isinstance(database, str):
            raise InputError(
                "monitor worker takes its checks from a PostgreSQL store: set database = "
                '"postgresql://..." (see `monitor migrate-store`); with SQLite, run '
                "`monitor run`"
            )
        self.url = database
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.started_at = now_iso()
        self.checks = 0
        self._stop = asyncio.Event()
        self._flush_now = asyncio.Event()
        self._held: list[Any] = []

    def run(self) -> int:
        from monitor.store.postgres import take_daemon_lock

        if not take_daemon_lock(self.url, self._held, shared=True):
            raise InputError(
                f"a `monitor run` daemon is checking {self.config.monitor.database_shown}: "
                "stop it before starting workers"
            )
        try:
            with cpu_pool(self.config.monitor.processes):
                asyncio.run(self._main())
        finally:
            self._held.pop().close()
        return 0

    async def _main(self) -> None:
        self.store = open_store(self.config)
        try:
            self.snapshots = open_snapshots(self.config)
            self.fetcher = open_fetcher(self.config)
            try:
                await self._work()
            finally:
                await self.fetcher.aclose()
        except Exception as exc:
            if not database_error(exc, "procrastinate"):
                raise
            from monitor.store.postgres import reason

            raise StoreError(f"the check queue failed: {reason(exc, self.url)}") from None
        finally:
            with contextlib.suppress(StoreError):  # (the database may be what failed)
                await asyncio.to_thread(self._beat_now, True)
            self.store.close()
        logger.info("worker %s stopped after %d checks", self.name, self.checks)

    async def _work(self) -> None:
        # procrastinate says each job's start and end: the check's own line says enough
        logging.getLogger("procrastinate").setLevel(
            max(logging.WARNING, logger.getEffectiveLevel())
        )
        app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=self.url))
        self.app = app
        app.task(name=TASK, queue=QUEUE)(self._check)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self._on_stop_signal, signum)
        async with app.open_async():
            schema = app.schema_manager.get_schema()
            if self.store.db.install("procrastinate_jobs", schema):
                logger.info("made the check queue's tables (procrastinate)")
            running = asyncio.create_task(
                app.run_worker_async(
                    queues=[QUEUE],
                    name=self.name,
                    concurrency=self.settings.concurrency,
                    install_signal_handlers=False,
                    update_heartbeat_interval=self.settings.heartbeat,
                    # its own pruning at start must never take a live worker (that
                    # would mark the worker's jobs stalled): _recover prunes instead
                    stalled_worker_timeout=86_400.0,
                    fetch_job_polling_interval=1.0,
                    shutdown_graceful_timeout=self.settings.shutdown_timeout,
                    delete_jobs="successful",
                )
            )
            sides = [
                asyncio.create_task(self._every(self.settings.round, self._round)),
                asyncio.create_task(self._every(self.settings.heartbeat, self._recover)),
                asyncio.create_task(self._every(self.settings.heartbeat, self._beat)),
                asyncio.create_task(self._every(FLUSH_SECONDS, self._flush, self._flush_now)),
            ]
            logger.info(
                "worker %s started: %d policies, %d checks at once, database=%s",
                self.name,
                len(self.config.policies),
                self.settings.concurrency,
                self.config.monitor.database_shown,
            )
            stop = asyncio.create_task(self._stop.wait())
            await asyncio.wait([running, stop], return_when=asyncio.FIRST_COMPLETED)
            logger.info("worker %s stopping: finishing the checks in flight", self.name)
            for task in sides:
                task.cancel()
            await asyncio.gather(*sides, return_exceptions=True)
            running.cancel()  # procrastinate waits for the jobs in flight, then stops
            ended = (await asyncio.gather(running, return_exceptions=True))[0]
            stop.cancel()
            if isinstance(ended, Exception):  # the queue itself failed (its database, say)
                raise ended

    def _on_stop_signal(self, signum: int) -> None:
        if self._stop.is_set():
            logger.warning("second %s: exiting at once", signal.Signals(signum).name)
            os._exit(130)  # every write is a transaction: the jobs in flight are taken up
        logger.info("%s: finishing checks in flight, then stopping", signal.Signals(signum).name)
        self._stop.set()

    async def _every(self, seconds: float, step: Any, sooner: asyncio.Event | None = None) -> None:
        """Run ``step`` every ``seconds`` (at once when ``sooner`` is set; after the pause
        it returns, if it returns one); a failure is logged and the next round comes as
        usual."""
        while True:
            pause = None
            try:
                pause = await step()
            except Exception:
                logger.exception("worker %s: %s failed; trying again", self.name, step.__name__)
            if sooner is None:
                await asyncio.sleep(seconds if pause is None else pause)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(sooner.wait(), seconds)
                sooner.clear()

    # -- the queue ----------------------------------------------------------------

    def _own_stall(self) -> float:
        return SILENT_AFTER * self.settings.heartbeat + self.settings.shutdown_timeout

    async def _recover(self) -> None:
        """Take up the checks of workers that died: their policies are due again. A
        worker is taken for dead after five of its heartbeats and its shutdown time
        (while it stops, its checks finish without heartbeats), the longest of any
        worker heard from in the last day."""
        manager = self.app.job_manager
        day = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
        silence = await asyncio.to_thread(
            self.store.stalled_after, since=day, least=self._own_stall()
        )
        for job in await manager.get_stalled_jobs(
            queue=QUEUE, task_name=TASK, seconds_since_heartbeat=silence
        ):
            name = str(job.task_kwargs.get("policy"))
            claim = str(job.task_kwargs.get("claim"))
            if await asyncio.to_thread(self.store.hand_back, name, claim=claim):
                logger.warning("check of %s lost with its worker: due again", name)
            else:
                logger.info("job of %s lost with its worker after its check was stored", name)
            try:
                assert job.id is not None
                await manager.finish_job_by_id_async(job.id, Status.FAILED, delete_job=False)
            except Exception:  # another worker's round took it first
                logger.debug("stalled job %s already handled", job.id)
        await manager.prune_stalled_workers(silence)

    async def _round(self) -> float:
        """Claim the due policies and queue their checks, while the queue holds fewer
        than a few rounds of this worker's slots; the pause before the next round (short
        while more may be due)."""
        waiting = sum(
            q["todo"] or 0 for q in await self.app.job_manager.list_queues_async(queue=QUEUE)
        )
        room = BACKLOG * self.settings.concurrency - waiting
        if room <= 0:
            return 0.25
        now = datetime.now(UTC)
        until = now + timedelta(seconds=self.settings.lease)
        configured = {p.name: p for p in self.config.policies}
        slots = self.config.monitor.fetch.per_host_concurrency

        def job_of(name: str) -> tuple[str, str, str, str]:
            return QUEUE, TASK, host_lock(configured[name], slots), f"policy:{name}"

        _, claimed = await asyncio.to_thread(
            self.store.claim_due,
            list(configured),
            now=now.isoformat(timespec="seconds"),
            until=until.isoformat(timespec="seconds"),
            holder=self.name,
            limit=room,
            job=job_of,
        )
        return 0.05 if len(claimed) == room else self.settings.round

    async def _check(self, policy: str, claim: str = "") -> None:
        """The job: check ``policy`` if ``claim`` is still its claim."""
        if await asyncio.to_thread(self.store.claim_of, policy) != claim:
            return  # its check is stored (this job ran before), or it was claimed again
        found = self.config.policy(policy)
        if found is None:  # left the configuration: due again if it comes back
            await asyncio.to_thread(
                self.store.release, policy, claim=claim, next_check_at=now_iso()
            )
            return
        interval = self.config.interval_of(found)

        def next_at(failures: int) -> str:
            return next_check_time(interval, failures).isoformat(timespec="seconds")

        result = await safe_check(
            found,
            fetcher=self.fetcher,
            store=self.store,
            snapshots=self.snapshots,
            config=self.config,
            schedule=Reschedule(claim, next_at),
        )
        self.checks += 1
        if result.check_id is None:  # failed before anything was stored: back off as well
            state = await asyncio.to_thread(self.store.policy_state, policy) or {}
            failures = int(state.get("consecutive_failures") or 0) + 1
            await asyncio.to_thread(
                self.store.release, policy, claim=claim, next_check_at=next_at(failures)
            )
        if result.report or result.change_id is not None:
            self._flush_now.set()

    # -- heartbeat and notifications ------------------------------------------------

    async def _beat(self) -> None:
        await asyncio.to_thread(self._beat_now, False)

    def _beat_now(self, stopped: bool) -> None:
        self.store.worker_beat(
            self.name,
            host=socket.gethostname(),
            pid=os.getpid(),
            started_at=self.started_at,
            checks=self.checks,
            every=self.settings.heartbeat,
            stop=self.settings.shutdown_timeout,
            stopped=stopped,
        )

    async def _flush(self) -> None:
        if self.config.targets:
            await notify_flush(self.config, self.store)
