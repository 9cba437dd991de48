"""What a check's ``policy.flapping`` and ``policy.variant`` reports say, from the
check's outcome (:mod:`monitor.outcome`) and the policy's history."""

from __future__ import annotations

from typing import Any

from monitor.models import CheckOutcome
from monitor.outcome import History, Processed

__all__ = ["flapping_report", "variant_report"]


def flapping_report(processed: Processed, history: History) -> dict[str, Any] | None:
    """What a ``policy.flapping`` report says: the latest version and the one served."""
    if processed.outcome is not CheckOutcome.FLAPPING or history.latest is None:
        return None
    newest = history.newest_like(processed.earlier) if processed.earlier else None
    latest = (newest or history.latest).number
    return {"latest_version": latest, "earlier_version": processed.earlier}


def variant_report(policy: str, processed: Processed, history: History) -> dict[str, Any] | None:
    """What a ``policy.variant`` report says: the variants and their newest versions."""
    if processed.outcome is not CheckOutcome.VARIANT or history.latest is None:
        return None
    heads = {head.variant: head.number for head in history.lines}
    variant = max(heads) + 1
    if processed.split is not None:  # that version leaves its line for a new one
        number = processed.split
        heads = {v: (processed.earlier or n) if n == number else n for v, n in heads.items()}
    else:
        number = history.latest.number + 1
    heads[variant] = number
    first, second = sorted((processed.earlier or number, number))
    return {
        "variant": variant,
        "version": number,
        "variants": [{"variant": v, "version": n} for v, n in sorted(heads.items())],
        "diff_command": f"monitor diff {policy} --from {first} --to {second}",
        # the change from ``earlier`` to ``version`` was reported before the two were
        # told apart: it was this switch, not an edit
        "switch_reported_as_change": processed.split is not None,
        "served_version": processed.earlier,
        # a rewrite being rolled out is served in turn with the old text too, for a while:
        # what the new variant's differences would be as an edit ("material", say)
        "severity_as_edit": processed.as_edit,
    }
