"""Where the stages meet: fetch → snapshot → normalise → store.

``check_policy`` runs one check of one policy and records it, whatever
happens; ``check_policies`` runs many under the fetcher's concurrency
limits; ``run_checks`` is the synchronous entry point the CLI calls.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .compare import compare, declared_date
from .config import Config, PolicyConfig
from .errors import FetchError, InputError, MonitorError
from .fetch import Fetcher, FetchOptions
from .models import CheckOutcome, CheckResult, Document, FetchResult, now_iso
from .normalize import normalize, parse_markdown
from .notify import change_events
from .snapshots import SnapshotStore, sha256
from .store import CheckRecord, NewVersion, Store, VersionRecord

__all__ = [
    "check_policies",
    "check_policy",
    "log_result",
    "run_checks",
    "safe_check",
    "stored_document",
]

logger = logging.getLogger(__name__)

SUPPORTED_TYPES = ("text/", "application/xhtml", "application/xml", "application/pdf")


@dataclass(frozen=True, slots=True)
class _Processed:
    outcome: CheckOutcome
    version: NewVersion | None = None
    error: str | None = None
    comparison: dict[str, Any] | None = None


def _process(
    policy: PolicyConfig, fetched: FetchResult, previous: VersionRecord | None
) -> _Processed:
    """The CPU part of a check (runs in a worker thread): body → text → comparison → outcome."""
    content_type = fetched.content_type
    if content_type and not content_type.startswith(SUPPORTED_TYPES):
        return _Processed(CheckOutcome.ANOMALY, error=f"unsupported content type {content_type}")
    if not fetched.body.strip():
        return _Processed(CheckOutcome.ANOMALY, error="empty body")
    document = normalize(
        fetched.body,
        content_type=content_type,
        encoding=fetched.encoding,
        select=policy.select,
        remove=policy.remove,
        source=fetched.final_url,
        language=policy.language,
    )
    if not document.blocks:
        return _Processed(CheckOutcome.ANOMALY, error=document.problem or "no policy text found")
    text_hash = sha256(document.text.encode("utf-8"))
    if previous is not None and previous.text_hash == text_hash:
        return _Processed(CheckOutcome.UNCHANGED)
    comparison = None
    if previous is None:
        new_date = declared_date(document)
    else:
        old = stored_document(previous)
        comparison = compare(
            old,
            document,
            old_source=f"{policy.name} version {previous.number}",
            new_source=f"{policy.name} version {previous.number + 1}",
        )
        if comparison["anomaly"]:
            return _Processed(CheckOutcome.ANOMALY, error=comparison["anomaly"])
        new_date = comparison["new"]["declared_date"]
    return _Processed(
        CheckOutcome.NEW_VERSION,
        version=NewVersion(
            text=document.text,
            text_hash=text_hash,
            title=document.title,
            language=document.language,
            declared_date=new_date,
        ),
        comparison=comparison,
    )


def stored_document(version: VersionRecord) -> Document:
    """A stored version read back as a document (its text is canonical Markdown)."""
    return Document(
        text=version.text,
        blocks=parse_markdown(version.text),
        title=version.title,
        language=version.language,
        source=f"{version.policy} version {version.number}",
    )


async def check_policy(
    policy: PolicyConfig,
    *,
    fetcher: Fetcher,
    store: Store,
    snapshots: SnapshotStore,
    config: Config | None = None,
) -> CheckResult:
    """Fetch, snapshot, normalise and record one policy. Fetch errors become error checks.

    With ``config``, a new version's change is queued for the webhooks that want
    it, in the same transaction as the version.
    """
    started_at = now_iso()
    t0 = time.monotonic()
    state = store.policy_state(policy.name) or {}
    try:
        fetched = await fetcher.fetch(
            policy.url,
            etag=state.get("etag"),
            last_modified=state.get("last_modified"),
            verify_tls=policy.verify_tls,
        )
    except FetchError as exc:
        record = CheckRecord(
            policy=policy.name,
            started_at=started_at,
            duration=time.monotonic() - t0,
            outcome=CheckOutcome.ERROR,
            http_status=exc.status,
            error=str(exc),
        )
        check_id, _, _ = store.record_check(record)
        return _result(record, check_id, None)

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
    )
    if fetched.not_modified:
        record = replace(template, duration=time.monotonic() - t0)
        check_id, number, _ = store.record_check(record)
        return _result(record, check_id, number)

    raw_hash = sha256(fetched.body)
    stored = store.latest_version(policy.name)
    if stored is not None and raw_hash == state.get("last_raw_sha256"):
        # Same bytes as the last processed body: nothing to parse or store.
        record = replace(
            template,
            duration=time.monotonic() - t0,
            outcome=CheckOutcome.UNCHANGED,
            size=len(fetched.body),
            snapshot_sha256=raw_hash,
            snapshot_path=snapshots.relative_path(raw_hash),
        )
        check_id, number, _ = store.record_check(record)
        return _result(record, check_id, number)

    snapshot = snapshots.put(fetched.body)  # on disk before the row that names it
    processed = await asyncio.to_thread(_process, policy, fetched, stored)
    outcome = processed.outcome
    new_version = processed.version
    record = replace(
        template,
        duration=time.monotonic() - t0,
        outcome=outcome,
        error=processed.error,
        size=snapshot.size,
        snapshot_sha256=snapshot.sha256,
        snapshot_path=snapshot.path,
    )
    comparison = processed.comparison
    events = []
    if config is not None and comparison is not None and new_version is not None and stored:
        events = change_events(
            config,
            policy,
            comparison,
            old_version={
                "number": stored.number,
                "first_seen": stored.first_seen,
                "declared_date": stored.declared_date,
            },
            new_version={
                "number": stored.number + 1,
                "first_seen": started_at,
                "declared_date": new_version.declared_date,
            },
        )
    check_id, number, change_id = store.record_check(
        record,
        new_version=new_version,
        comparison=comparison,
        severity=comparison["severity"] if comparison else "none",
        events=events,
    )
    result = _result(record, check_id, number, change_id)
    if comparison is not None and change_id is not None:
        result = replace(result, severity=comparison["severity"])
    return result


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


def _result(
    record: CheckRecord, check_id: int, number: int | None, change_id: int | None = None
) -> CheckResult:
    return CheckResult(
        policy=record.policy,
        outcome=record.outcome,
        started_at=record.started_at,
        duration=record.duration,
        http_status=record.http_status,
        error=record.error,
        version=number,
        snapshot=record.snapshot_sha256,
        size=record.size,
        check_id=check_id,
        change_id=change_id,
    )


async def safe_check(
    policy: PolicyConfig,
    *,
    fetcher: Fetcher,
    store: Store,
    snapshots: SnapshotStore,
    config: Config | None = None,
) -> CheckResult:
    """:func:`check_policy` that never raises: a failure, even a bug, is an error result
    (one policy must not take the others, or the daemon, down). Logs one line."""
    t0 = time.monotonic()
    try:
        result = await check_policy(
            policy, fetcher=fetcher, store=store, snapshots=snapshots, config=config
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
    snapshots = SnapshotStore(config.monitor.snapshots)
    snapshots.remove_temporary()
    with Store.open(config.monitor.database) as store:
        store.sync_policies(config.policies)
        return asyncio.run(
            check_policies(
                selected,
                store=store,
                snapshots=snapshots,
                options=options or FetchOptions.from_settings(config.monitor),
                on_done=on_done,
                config=config,
            )
        )
