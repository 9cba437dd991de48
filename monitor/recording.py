"""The store's side of one check: what it reads before judging, and recording what it
caused (the check, a new version and its change, events and reports) in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from monitor.config import Config, PolicyConfig
from monitor.models import Comparison
from monitor.notify.events import check_reports
from monitor.outcome import REVERT_AFTER, History
from monitor.output.contract import to_dict
from monitor.records import CheckResult, NewVersion, Reschedule, VersionRecord
from monitor.store import CheckRecord, Store

if TYPE_CHECKING:
    from monitor.snapshots import SnapshotStore

__all__ = ["read_before", "read_before_check", "read_history", "record_now"]


def read_before(store: Store, name: str) -> tuple[dict[str, Any], VersionRecord | None]:
    """The policy's row (with ``last_check``, its latest check or None) and latest version,
    without its text: a check waiting for a fetch slot holds no policy text (a cycle of
    a thousand checks held a thousand texts), :func:`read_history` reads it."""
    state = store.policy_state(name) or {}
    last = store.checks(name, limit=1)
    latest = store.latest_version(name, text=False)
    return {**state, "last_check": last[0] if last else None}, latest


def read_before_check(
    store: Store, snapshots: SnapshotStore, name: str, shortcuts: bool
) -> tuple[dict[str, Any], VersionRecord | None, bool]:
    """``read_before``, and whether the shortcuts hold (one trip to a worker thread).

    A conditional request answered 304 would never bring back a snapshot file that
    went missing: without it, no shortcut (the whole page is asked for, and its
    snapshot written again).
    """
    state, stored = read_before(store, name)
    if shortcuts and state.get("last_raw_sha256"):
        shortcuts = snapshots.present(state["last_raw_sha256"])
    return state, stored, shortcuts


def read_history(store: Store, name: str, latest: VersionRecord | None) -> History:
    if latest is None:
        return History(latest=None, earlier={}, recent=())
    if not latest.text:  # read without it (read_before): the same version, whole
        latest = store.version(name, latest.number) or latest
    recent = store.recent_texts(name, limit=4 * REVERT_AFTER)
    return History(
        latest=latest,
        earlier=store.earlier_versions(name),
        recent=tuple(h for h, _ in recent),
        recent_stored=tuple(v for _, v in recent),
        heads=tuple(store.heads(name)),
        replaced_by=store.replaced_by(name),
        variants=store.variants_of(name),
    )


def record_now(
    store: Store,
    record: CheckRecord,
    *,
    config: Config | None,
    policy: PolicyConfig,
    failures: int,
    new_version: NewVersion | None = None,
    comparison: Comparison | None = None,
    events: Sequence[Any] = (),
    flapping: dict[str, Any] | None = None,
    variant: dict[str, Any] | None = None,
    split: int | None = None,
    expect_latest: int | None = None,
    schedule: Reschedule | None = None,
) -> CheckResult:
    """Store the check with everything it causes, in one transaction. ``failures`` is
    the policy's count of failed checks in a row before this one."""
    reports = None
    if config is not None:
        reports = check_reports(
            config,
            policy,
            failures=failures,
            error=record.error,
            flapping=flapping,
            variant=variant,
        )
    recorded = store.record_check(
        record,
        new_version=new_version,
        comparison=to_dict(comparison) if comparison is not None else None,
        severity=str(comparison.severity) if comparison is not None else "none",
        events=events,
        reports=reports,
        split=split,
        expect_latest=expect_latest,
        schedule=schedule,
    )
    result = CheckResult(
        policy=record.policy,
        outcome=record.outcome,
        started_at=record.started_at,
        duration=record.duration,
        http_status=record.http_status,
        error=record.error,
        version=recorded.version,
        snapshot=record.snapshot_sha256,
        size=record.size,
        check_id=recorded.check_id,
        change_id=recorded.change_id,
        report=recorded.report,
        fetcher=record.fetcher,
        notes=record.notes,
        screenshot=record.screenshot.sha256 if record.screenshot is not None else None,
    )
    if comparison is not None and recorded.change_id is not None:
        result = replace(result, severity=str(comparison.severity))
    return result
