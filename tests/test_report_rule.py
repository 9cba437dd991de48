"""The pure rule that decides when an outage, a recovery, flapping or a new variant is
reported."""

from __future__ import annotations

import pytest

from monitor.models import CheckOutcome
from monitor.notify.events import report_due
from monitor.records import ReportFacts


def facts(
    outcome: CheckOutcome = CheckOutcome.UNCHANGED,
    *,
    failures: int = 0,
    failure_reported: bool = False,
    flapping_reported: bool = False,
) -> ReportFacts:
    return ReportFacts(
        outcome=outcome,
        failures=failures,
        failures_before_report=3,
        failure_reported=failure_reported,
        flapping_reported=flapping_reported,
    )


@pytest.mark.parametrize("outcome", [CheckOutcome.ERROR, CheckOutcome.ANOMALY])
def test_outage_is_due_at_the_threshold(outcome: CheckOutcome) -> None:
    assert report_due(facts(outcome, failures=2)) is None
    assert report_due(facts(outcome, failures=3)) == "unreachable"
    assert report_due(facts(outcome, failures=7)) == "unreachable"  # not yet reported


def test_outage_is_reported_once() -> None:
    assert report_due(facts(CheckOutcome.ERROR, failures=4, failure_reported=True)) is None


@pytest.mark.parametrize(
    "outcome", [CheckOutcome.UNCHANGED, CheckOutcome.NEW_VERSION, CheckOutcome.NOT_MODIFIED]
)
def test_recovery_is_due_at_the_first_success_after_an_outage_report(
    outcome: CheckOutcome,
) -> None:
    assert report_due(facts(outcome, failure_reported=True)) == "recovered"


def test_recovery_comes_before_flapping() -> None:
    assert report_due(facts(CheckOutcome.FLAPPING, failure_reported=True)) == "recovered"


def test_flapping_is_due_once_per_latest_version() -> None:
    assert report_due(facts(CheckOutcome.FLAPPING)) == "flapping"
    assert report_due(facts(CheckOutcome.FLAPPING, flapping_reported=True)) is None


def test_a_new_variant_is_always_due_and_a_recovery_waits_for_the_next_success() -> None:
    assert report_due(facts(CheckOutcome.VARIANT)) == "variant"
    assert report_due(facts(CheckOutcome.VARIANT, failure_reported=True)) == "variant"
    assert report_due(facts(CheckOutcome.UNCHANGED, failure_reported=True)) == "recovered"


@pytest.mark.parametrize(
    "case",
    [
        facts(),
        facts(CheckOutcome.NEW_VERSION),
        facts(CheckOutcome.ERROR, failures=1),
        facts(CheckOutcome.ANOMALY, failures=2, flapping_reported=True),
        facts(CheckOutcome.UNCHANGED, flapping_reported=True),
    ],
    ids=["unchanged", "new-version", "one-failure", "below-threshold", "flapped-before"],
)
def test_nothing_is_due(case: ReportFacts) -> None:
    assert report_due(case) is None
