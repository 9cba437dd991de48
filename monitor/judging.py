"""Reading and judging one fetched page within a deadline, and the second fetch that
confirms a change replacing most of a policy.

The reading and judging (normalise, segment, compare, dates) is CPU work. Inside
:func:`cpu_pool` it runs in worker processes, one per core (``[monitor]
processes``), while fetching, the store and the notifications stay in the main
process: a check's transaction, its crash-safety and the order of notifications
are the same either way. Outside it, or with one process, it runs in a thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import select
import threading
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import replace

from monitor.config import PolicyConfig
from monitor.errors import FetchError
from monitor.fetching import fetch_page
from monitor.memory import tune_malloc
from monitor.models import FetchResult
from monitor.net.fetch import Fetcher
from monitor.outcome import STAGES, History, Processed, confirm, process

__all__ = ["PROCESS_TIMEOUT", "TOO_SLOW", "confirmed", "cpu_pool", "judged"]

logger = logging.getLogger(__name__)

PROCESS_TIMEOUT = 60.0  # seconds to read and judge one page without a config
TOO_SLOW = "reading and judging the page took over"


class _Pool:
    """Worker processes, started when the first page must be read (a run of 304s and
    unchanged pages never starts them: about 0.2 s of CPU saved per run)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.unusable = False  # workers could not be started: judge in this process

    def submit(
        self, policy: PolicyConfig, fetched: FetchResult, history: History
    ) -> concurrent.futures.Future[Processed] | None:
        """The page's judging in a worker; None when workers cannot be started here
        (said once; the caller judges the page itself)."""
        if self.unusable:
            return None
        try:
            return self._ensure().submit(process, policy, fetched, history)
        except OSError as exc:  # e.g. a working directory deleted under the process
            with self._lock:
                if not self.unusable:
                    logger.warning("cannot start judging processes (%s): judging in this one", exc)
                self.unusable = True
            self.reset()
            return None

    def _ensure(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                os.getcwd()  # the fork server needs it: fail here, before anything starts
                # forkserver: workers forked from a clean server with the stages loaded,
                # never from this process and its threads.
                context = multiprocessing.get_context("forkserver")
                # (monitor.outcome imports them on first use: named here, so that no
                # worker spends its first page's deadline importing them)
                context.set_forkserver_preload(["monitor.outcome", *STAGES])
                self._executor = concurrent.futures.ProcessPoolExecutor(
                    self.processes,
                    mp_context=context,
                    initializer=_die_with,
                    initargs=(os.getpid(),),
                )
            return self._executor

    def reset(self) -> None:
        """Drop a broken pool (a worker was killed); the next page starts a new one."""
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None

    def close(self) -> None:
        """Stop the workers. One still busy with a page past its deadline is stopped
        too (its check was recorded as too slow): it must not hold up the exit."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        executor.shutdown(wait=False, cancel_futures=True)
        # No public way to stop a busy worker before Python 3.14's terminate_workers().
        for worker in list((getattr(executor, "_processes", None) or {}).values()):
            worker.terminate()
        executor.shutdown(wait=True)


def _die_with(monitor: int) -> None:
    """A worker ends when the monitor that started it does, however it ends (a
    SIGKILL included): workers hold the fork server's lifeline, so neither would
    ever see the other go. Watches the monitor's pidfd (Linux); elsewhere a no-op."""
    try:
        handle = os.pidfd_open(monitor)
    except ProcessLookupError:
        os._exit(0)
    except (OSError, AttributeError):
        return

    def watch() -> None:
        select.select([handle], [], [])
        os._exit(0)

    threading.Thread(target=watch, name="watch-monitor", daemon=True).start()


_pool: _Pool | None = None


@contextmanager
def cpu_pool(processes: int) -> Iterator[None]:
    """Judge pages in ``processes`` worker processes while inside (in a thread with 1)."""
    global _pool
    tune_malloc()  # before the threads that fetch, store and judge allocate
    if processes <= 1 or _pool is not None:
        yield
        return
    _pool = pool = _Pool(processes)
    try:
        yield
    finally:
        _pool = None
        pool.close()


async def judged(
    policy: PolicyConfig, fetched: FetchResult, history: History, deadline: float
) -> Processed:
    """``process`` within ``deadline`` seconds (TimeoutError after). A page that outruns
    it keeps its worker (a process of the pool, or a daemon thread of its own) busy
    until it is done, but never holds up the exit of the process."""
    pool = _pool
    if pool is not None:
        try:
            # (in a thread: the first one may wait for the workers to start)
            future = await asyncio.to_thread(pool.submit, policy, fetched, history)
            if future is not None:
                return await asyncio.wait_for(asyncio.wrap_future(future), deadline)
        except BrokenProcessPool:
            logger.warning("a judging process died; new ones start (%s judged here)", policy.name)
            pool.reset()
    return await _in_thread(policy, fetched, history, deadline)


async def _in_thread(
    policy: PolicyConfig, fetched: FetchResult, history: History, deadline: float
) -> Processed:
    done: concurrent.futures.Future[Processed] = concurrent.futures.Future()

    def work() -> None:
        if not done.set_running_or_notify_cancel():  # running now: a timeout cannot cancel it
            return
        try:
            done.set_result(process(policy, fetched, history))
        except BaseException as exc:  # handed to the awaiting task
            done.set_exception(exc)

    threading.Thread(target=work, name=f"process-{policy.name}", daemon=True).start()
    return await asyncio.wait_for(asyncio.wrap_future(done), deadline)


async def confirmed(
    first: Processed,
    policy: PolicyConfig,
    fetcher: Fetcher,
    history: History,
    deadline: float,
    *,
    using: str = "http",
) -> Processed:
    """The second fetch (with the fetcher of the first, ``using``) that confirms ``first``."""
    try:
        again = await fetch_page(policy, fetcher, using=using)
    except FetchError as exc:
        return confirm(first, None, f"the second fetch failed ({exc})")
    again = replace(again, screenshot=None)
    second = await judged(policy, again, history, deadline)
    return confirm(first, second, history=history)
