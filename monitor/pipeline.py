"""Where the stages meet: fetch → snapshot → process (normalise, compare) → store.

``check_policy`` runs one check of one policy and records it, whatever
happens; ``check_policies`` runs many under the fetcher's concurrency
limits; ``run_checks`` is the synchronous entry point the CLI calls.
``fetch_options``, ``open_fetcher``, ``open_store`` and ``open_snapshots``
(``opening.py``) turn a configuration into the things a check needs (for the CLI and
the daemon).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from monitor.config import Config, PolicyConfig
from monitor.errors import (
    FetchError,
    InputError,
    MonitorError,
    SnapshotError,
    StaleCheckError,
    StoreError,
)
from monitor.fetching import fetch_page
from monitor.hashing import sha256
from monitor.judging import PROCESS_TIMEOUT, TOO_SLOW, confirmed, cpu_pool, judged
from monitor.memory import give_back
from monitor.models import CheckOutcome, now_iso
from monitor.net.fetch import Fetcher
from monitor.net.options import FetchOptions
from monitor.notify.events import change_events
from monitor.opening import fetch_options, open_fetcher, open_snapshots, open_store
from monitor.outcome import (
    needs_confirmation,
    stored_document,
)
from monitor.outcome_reports import flapping_report, variant_report
from monitor.recording import read_before, read_before_check, read_history, record_now
from monitor.records import CheckResult, Reschedule
from monitor.snapshots import SnapshotStore
from monitor.store import CheckRecord, Store

__all__ = [
    "check_policies",
    "check_policy",
    "cpu_pool",
    "fetch_options",
    "log_result",
    "open_fetcher",
    "open_snapshots",
    "open_store",
    "run_checks",
    "safe_check",
    "stored_document",
]

logger = logging.getLogger(__name__)
JUDGE_ATTEMPTS = 5  # judging again when another writer stored a version meanwhile


async def check_policy(
    policy: PolicyConfig,
    *,
    fetcher: Fetcher,
    store: Store,
    snapshots: SnapshotStore,
    config: Config | None = None,
    at: str | None = None,
    schedule: Reschedule | None = None,
) -> CheckResult:
    """Fetch, snapshot, normalise and record one policy. Fetch errors become error checks.

    ``at``: when the check happened, for a page replayed from an archive (default: now).
    ``schedule``: when to check next, given the failures in a row after this check;
    written in the check's transaction (``monitor worker``).

    With ``config``, what the check causes is queued for the webhooks that want
    it, in the same transaction as the check: a new version's change, and the
    reports ``policy.unreachable`` (after ``failures_before_report`` failed or
    anomalous checks in a row), ``policy.recovered``, ``policy.flapping`` and
    ``policy.variant``.
    """
    try:
        return await _check(
            policy, fetcher, store, snapshots, config, shortcuts=True, at=at, schedule=schedule
        )
    except StaleCheckError:
        # A shortcut (304, the same bytes again) raced a version another process stored:
        # check again in full, against that version.
        return await _check(
            policy, fetcher, store, snapshots, config, shortcuts=False, at=at, schedule=schedule
        )


async def _check(
    policy: PolicyConfig,
    fetcher: Fetcher,
    store: Store,
    snapshots: SnapshotStore,
    config: Config | None,
    *,
    shortcuts: bool,
    at: str | None = None,
    schedule: Reschedule | None = None,
) -> CheckResult:
    started_at = at or now_iso()
    t0 = time.monotonic()
    # Store calls run in worker threads: a write waiting for another process's lock
    # must not stall the other checks' fetches on the event loop.
    state, stored, shortcuts = await asyncio.to_thread(
        read_before_check, store, snapshots, policy.name, shortcuts
    )
    failures = int(state.get("consecutive_failures") or 0)

    async def save(record: CheckRecord, **details: Any) -> CheckResult:
        """Store the check with all it causes, in one transaction, off the event loop."""
        return await asyncio.to_thread(
            record_now,
            store,
            record,
            config=config,
            policy=policy,
            failures=failures,
            schedule=schedule,
            **details,
        )

    try:
        fetched = await fetch_page(
            policy,
            fetcher,
            etag=state.get("etag") if shortcuts else None,
            last_modified=state.get("last_modified") if shortcuts else None,
            remembered=state.get("fetcher"),
        )
    except FetchError as exc:
        record = CheckRecord(
            policy=policy.name,
            started_at=started_at,
            duration=time.monotonic() - t0,
            outcome=CheckOutcome.ERROR,
            http_status=exc.status,
            error=str(exc),
            fetcher="browser" if policy.fetcher == "browser" else "http",
            url=policy.url,
        )
        return await save(record)
    shot = None
    if fetched.screenshot is not None:  # evidence beside the page; the judging needs none
        shot = await asyncio.to_thread(snapshots.put_evidence, fetched.screenshot)
        fetched = replace(fetched, screenshot=None)

    template = CheckRecord(
        policy=policy.name,
        started_at=started_at,
        duration=0.0,
        outcome=CheckOutcome.NOT_MODIFIED,
        http_status=fetched.status,
        final_url=fetched.final_url,
        content_type=fetched.content_type,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        fetcher=fetched.fetcher,
        notes=fetched.notes,
        screenshot=shot,
        url=policy.url,
        headers=fetched.headers,
    )
    latest = stored.number if stored else 0  # what the shortcuts below take as still true
    if fetched.not_modified:
        record = replace(template, duration=time.monotonic() - t0)
        return await save(record, expect_latest=latest)

    raw_hash = sha256(fetched.body)
    same = raw_hash == state.get("last_raw_sha256")
    if shortcuts and stored and same:
        # Same bytes as the last processed body: nothing to parse or store. Their
        # snapshot's file was found before the fetch (``shortcuts``, same hash); had it
        # gone missing, the full path below writes it again.
        record = replace(
            template,
            duration=time.monotonic() - t0,
            outcome=CheckOutcome.UNCHANGED,
            size=len(fetched.body),
            snapshot_sha256=raw_hash,
            snapshot_path=snapshots.relative_path(raw_hash),
            text_hash=state.get("last_text_hash") or stored.text_hash,
        )
        return await save(record, expect_latest=latest)

    history = await asyncio.to_thread(read_history, store, policy.name, stored)
    deadline = config.monitor.process_timeout if config else PROCESS_TIMEOUT
    try:
        snapshot = await asyncio.to_thread(snapshots.put, fetched.body)  # before its row
    except SnapshotError as exc:
        record = replace(
            template,
            duration=time.monotonic() - t0,
            outcome=CheckOutcome.ERROR,
            error=str(exc),
            size=len(fetched.body),
        )
        try:
            return await save(record)
        except StoreError:
            raise exc from None  # a full disk: the snapshot's failure is the one to report
    too_slow = replace(
        template,
        outcome=CheckOutcome.ERROR,
        error=f"{TOO_SLOW} {deadline:g} s (process_timeout); skipped until the page changes",
        size=snapshot.size,
        snapshot_sha256=snapshot.sha256,
        snapshot_path=snapshot.path,
    )
    last = state.get("last_check") or {}
    if last.get("snapshot_sha256") == raw_hash and str(last.get("error")).startswith(TOO_SLOW):
        again = f"{too_slow.error} (these bytes were too slow before: not read again)"
        return await save(replace(too_slow, duration=time.monotonic() - t0, error=again))
    for _ in range(JUDGE_ATTEMPTS):
        try:
            processed = await judged(policy, fetched, history, deadline)
            if needs_confirmation(processed):
                processed = await confirmed(
                    processed, policy, fetcher, history, deadline, using=fetched.fetcher
                )
        except TimeoutError:
            return await save(replace(too_slow, duration=time.monotonic() - t0))
        new_version = processed.version
        record = replace(
            template,
            duration=time.monotonic() - t0,
            outcome=processed.outcome,
            error=processed.error,
            size=snapshot.size,
            snapshot_sha256=snapshot.sha256,
            snapshot_path=snapshot.path,
            text_hash=processed.text_hash,
        )
        comparison = processed.comparison
        base = history.head(new_version.base) if new_version is not None else None
        events = []
        if config and comparison and new_version and base and stored:
            events = change_events(
                config, policy, comparison, old=base, new=new_version, number=stored.number + 1,
                first_seen=started_at,
            )  # fmt: skip
        try:
            return await save(
                record,
                new_version=new_version,
                comparison=comparison,
                events=events,
                flapping=flapping_report(processed, history),
                variant=variant_report(policy.name, processed, history),
                split=processed.split,
                expect_latest=stored.number if stored else 0,
            )
        except StaleCheckError:
            # Another writer (a `check` beside the daemon) stored a version meanwhile:
            # judge the same page again, against that one.
            state, stored = await asyncio.to_thread(read_before, store, policy.name)
            failures = int(state.get("consecutive_failures") or 0)
            history = await asyncio.to_thread(read_history, store, policy.name, stored)
    record = replace(
        template,
        duration=time.monotonic() - t0,
        outcome=CheckOutcome.ERROR,
        error=f"the latest version kept changing while this check judged the page "
        f"({JUDGE_ATTEMPTS} times): another process is checking this policy",
        size=snapshot.size,
        snapshot_sha256=snapshot.sha256,
        snapshot_path=snapshot.path,
    )
    return await save(record)


def log_result(result: CheckResult) -> None:
    """One structured line per check (key=value, for log search)."""
    logger.info(
        "check policy=%s outcome=%s status=%s duration=%.2fs version=%s severity=%s%s",
        result.policy,
        result.outcome,
        result.http_status,
        result.duration,
        result.version,
        result.severity,
        f" error={result.error!r}" if result.error else "",
    )
    for note in result.notes:
        logger.info("check policy=%s note=%r", result.policy, note)
    if result.report:
        logger.warning(
            "event=policy.%s policy=%s outcome=%s%s",
            result.report,
            result.policy,
            result.outcome,
            f" last_error={result.error!r}" if result.error else "",
        )


async def safe_check(
    policy: PolicyConfig,
    *,
    fetcher: Fetcher,
    store: Store,
    snapshots: SnapshotStore,
    config: Config | None = None,
    schedule: Reschedule | None = None,
) -> CheckResult:
    """:func:`check_policy` that never raises: a failure, even a bug, is an error result
    (one policy must not take the others, or the daemon, down). Logs one line."""
    t0 = time.monotonic()
    try:
        result = await check_policy(
            policy,
            fetcher=fetcher,
            store=store,
            snapshots=snapshots,
            config=config,
            schedule=schedule,
        )
    except Exception as exc:
        if isinstance(exc, MonitorError):
            logger.error("check of %s failed: %s", policy.name, exc)
            error = str(exc)
        else:
            logger.exception("unexpected error while checking %s", policy.name)
            error = f"internal error: {exc!r}"
        result = CheckResult(
            policy=policy.name,
            outcome=CheckOutcome.ERROR,
            started_at=now_iso(),
            duration=time.monotonic() - t0,
            error=error,
        )
    log_result(result)
    return result


async def check_policies(
    policies: Sequence[PolicyConfig],
    *,
    store: Store,
    snapshots: SnapshotStore,
    options: FetchOptions,
    on_done: Callable[[CheckResult], None] | None = None,
    config: Config | None = None,
) -> list[CheckResult]:
    """Check several policies concurrently; one failing policy never stops the others."""

    async def one(policy: PolicyConfig) -> CheckResult:
        result = await safe_check(
            policy, fetcher=fetcher, store=store, snapshots=snapshots, config=config
        )
        if on_done is not None:
            on_done(result)
        return result

    async with Fetcher(options) as fetcher:
        return list(await asyncio.gather(*(one(p) for p in policies)))


def run_checks(
    config: Config,
    names: Sequence[str] = (),
    *,
    on_done: Callable[[CheckResult], None] | None = None,
    options: FetchOptions | None = None,
) -> list[CheckResult]:
    """Check the named policies (all when none are named) once; the CLI's ``check``."""
    unknown = [n for n in names if config.policy(n) is None]
    if unknown:
        raise InputError(f"no policy named {unknown[0]!r} in {config.path}")
    selected = [p for p in config.policies if not names or p.name in names]
    snapshots = open_snapshots(config)
    processes = config.monitor.processes if len(selected) > 1 else 1
    with open_store(config) as store, cpu_pool(processes):
        results = asyncio.run(
            check_policies(
                selected,
                store=store,
                snapshots=snapshots,
                options=options or fetch_options(config),
                on_done=on_done,
                config=config,
            )
        )
    give_back()  # a caller that runs checks again starts from what it needs, not its peak
    return results
