"""Reading and judging one fetched page within a deadline, and the second fetch that
confirms a change replacing most of a policy."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

from monitor.config import PolicyConfig
from monitor.errors import FetchError
from monitor.models import FetchResult
from monitor.net.fetch import Fetcher
from monitor.outcome import History, Processed, confirm, process

__all__ = ["PROCESS_TIMEOUT", "TOO_SLOW", "confirmed", "judged"]

PROCESS_TIMEOUT = 60.0  # seconds to read and judge one page without a config
TOO_SLOW = "reading and judging the page took over"


async def judged(
    policy: PolicyConfig, fetched: FetchResult, history: History, deadline: float
) -> Processed:
    """``process`` within ``deadline`` seconds (TimeoutError after), in a daemon thread
    of its own: a page that outruns it keeps that thread busy until it is done, but
    never holds up the exit of the process (the default executor's threads would)."""
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
    first: Processed, policy: PolicyConfig, fetcher: Fetcher, history: History, deadline: float
) -> Processed:
    try:
        again = await fetcher.fetch(policy.url, verify_tls=policy.verify_tls)
    except FetchError as exc:
        return confirm(first, None, f"the second fetch failed ({exc})")
    second = await judged(policy, again, history, deadline)
    return confirm(first, second, history=history)
