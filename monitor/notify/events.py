"""Notification events: what a change or a policy's status sends, to which webhooks,
and the rule that decides when an outage, a recovery, flapping or a new variant is
reported.

An event (``policy.changed``, ``policy.unreachable``, ``policy.recovered``,
``policy.flapping``, ``policy.variant``) becomes one delivery row per interested webhook, written in
the same transaction as the change or the state that causes it: a notification
can be late, never lost. Payload text is data: bodies are built with
``json.dumps`` (see ``formats``), never a template.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitor.config import Config, PolicyConfig, Target
from monitor.models import CheckOutcome, Comparison, now_iso
from monitor.output.contract import to_dict
from monitor.output.feed import change_page
from monitor.output.summary import summarize
from monitor.records import NewVersion, ReportFacts, Reports, VersionRecord

__all__ = ["Event", "change_events", "check_reports", "report_due", "status_events"]

MAX_CHANGES = 20
MAX_TEXT = 1_000


@dataclass(frozen=True, slots=True)
class Event:
    """One delivery to write: an event for one target (a webhook or an e-mail)."""

    event_id: str
    event_type: str
    webhook: str
    policy: str
    payload: dict[str, Any]
    held: bool = False  # for a digest: waits in the outbox until its digest is built


def _cap(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_TEXT:
        return text
    return text[: MAX_TEXT - 1] + "…"


def change_events(
    config: Config,
    policy: PolicyConfig,
    comparison: Comparison,
    *,
    old: VersionRecord,
    new: NewVersion,
    number: int,
    first_seen: str,
) -> list[Event]:
    """``policy.changed`` events for the webhooks that want a change of this severity:
    from the stored version ``old`` to ``new``, stored as version ``number``."""
    old_version = {
        "number": old.number,
        "first_seen": old.first_seen,
        "declared_date": old.declared_date,
    }
    new_version = {"number": number, "first_seen": first_seen, "declared_date": new.declared_date}
    targets = [t for t in config.targets if t.wants(policy, comparison.severity)]
    if not targets:
        return []
    contract = to_dict(comparison)
    changes = contract["changes"]
    payload = {
        "event_type": "policy.changed",
        "created_at": now_iso(),
        "policy": {"name": policy.name, "url": policy.url, "tags": list(policy.tags)},
        "old_version": old_version,
        "new_version": new_version,
        "severity": str(comparison.severity),
        "material": comparison.material,
        "categories": list(comparison.categories),
        "reasons": comparison.material_reasons(limit=50),
        "counts": contract["counts"],
        "date_only": comparison.date_only,
        "silent": comparison.silent,
        "backdated": comparison.backdated,
        "changes": [
            {
                "kind": c["kind"],
                "section": c["section"],
                "old_text": _cap(c["old_text"]),
                "new_text": _cap(c["new_text"]),
                "severity": c["severity"],
                "categories": c["categories"],
                "reasons": c["reasons"],
            }
            for c in changes[:MAX_CHANGES]
        ],
        "changes_truncated": len(changes) > MAX_CHANGES,
        "diff_command": (
            f"monitor diff {policy.name} --from {old_version['number']} "
            f"--to {new_version['number']}"
        ),
        "summary": summarize(policy.name, comparison, language=config.monitor.summary_in),
        # The change's page in the reading room, when [monitor] public_url says where it is.
        "change_url": (
            change_page(config.monitor.public_url, policy.name, number)
            if config.monitor.public_url
            else None
        ),
    }
    return _events("policy.changed", policy.name, payload, targets)


def status_events(
    config: Config,
    policy: PolicyConfig,
    event_type: str,
    *,
    failures: int,
    error: str | None,
    **extra: Any,
) -> list[Event]:
    """``policy.unreachable`` / ``recovered`` / ``flapping`` / ``variant`` events."""
    targets = [t for t in config.targets if t.wants(policy, None)]
    payload = {
        "event_type": event_type,
        "created_at": now_iso(),
        "policy": {"name": policy.name, "url": policy.url, "tags": list(policy.tags)},
        "consecutive_failures": failures,
        "last_error": error,
        **extra,
    }
    return _events(event_type, policy.name, payload, targets)


def _events(
    event_type: str,
    policy: str,
    payload: dict[str, Any],
    targets: Sequence[Target],
) -> list[Event]:
    event_id = str(uuid.uuid4())
    body = {"event_id": event_id, **payload}
    return [
        Event(event_id, event_type, t.name, policy, body, held=t.digest != "off") for t in targets
    ]


def report_due(facts: ReportFacts) -> str | None:
    """The report a check makes due: ``"unreachable"``, ``"recovered"``, ``"flapping"``
    or None.

    ``policy.unreachable`` once ``failures_before_report`` checks in a row failed (once
    until a recovery); ``policy.recovered`` at the first success after that report;
    ``policy.flapping`` at the first flapping check while a version is the latest;
    ``policy.variant`` when a check recognises a new variant (that happens once per
    variant: later switches between variants are unchanged checks).
    """
    if facts.failures >= facts.failures_before_report and not facts.failure_reported:
        return "unreachable"
    if facts.outcome == CheckOutcome.VARIANT:
        return "variant"  # once per variant; a recovery waits for the next success
    if facts.failures == 0 and facts.failure_reported:
        return "recovered"
    if facts.outcome == CheckOutcome.FLAPPING and not facts.flapping_reported:
        return "flapping"
    return None


def check_reports(
    config: Config,
    policy: PolicyConfig,
    *,
    failures: int,
    error: str | None,
    flapping: dict[str, Any] | None,
    variant: dict[str, Any] | None = None,
) -> Reports:
    """The reports a check of ``policy`` may cause, with :func:`report_due` to pick the one
    due. ``failures`` is the policy's count of failed checks in a row before this one;
    ``error`` the check's; ``flapping`` the versions a flapping check served, if it did;
    ``variant`` the variants when the check recognised a new one."""
    return Reports(
        failures_before_report=config.monitor.failures_before_report,
        due=report_due,
        unreachable=status_events(
            config, policy, "policy.unreachable", failures=failures + 1, error=error
        ),
        recovered=status_events(config, policy, "policy.recovered", failures=0, error=None),
        flapping=status_events(
            config, policy, "policy.flapping", failures=0, error=None, **flapping
        )
        if flapping
        else (),
        variant=status_events(config, policy, "policy.variant", failures=0, error=None, **variant)
        if variant
        else (),
    )
