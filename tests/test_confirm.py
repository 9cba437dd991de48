"""A change that replaces most of a policy is confirmed by a second fetch before it is a
version: real servers at a policy's URL sometimes answer with another page once."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from monitor.config import load_config
from monitor.models import CheckOutcome
from monitor.outcome import SETTLE_AFTER
from monitor.pipeline import run_checks
from monitor.store import Store

from .conftest import WriteConfig
from .test_check import FAST, versions

POLICY = "".join(
    f"<h2>Artikel {i}</h2><p>Wij bewaren gegevens van soort {i} twaalf maanden en delen ze "
    f"niet met derden, behalve met onze vervoerder voor levering nummer {i}.</p>"
    for i in range(12)
)
# Another complete privacy policy (a regional variant, say): plausible, but all new.
OTHER = "".join(
    f"<h2>Section {i}</h2><p>We collect your e-mail address and location data to personalise "
    f"advertising, share it with third parties, place cookies and keep it for {i + 2} years; "
    "you have the right to access and erasure.</p>"
    for i in range(12)
)


def page(body: str) -> str:
    return f"<html><body><main><h1>Privacy</h1>{body}</main></body></html>"


def serve(httpserver: HTTPServer, *bodies: str) -> None:
    for body in bodies:
        httpserver.expect_ordered_request("/p").respond_with_data(
            page(body), content_type="text/html; charset=utf-8"
        )


def test_a_one_off_other_page_is_an_anomaly_never_a_version(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    serve(httpserver, POLICY, OTHER, POLICY)  # first check; second check and its confirmation
    config = load_config(write_config({"p": httpserver.url_for("/p")}))
    (first,) = run_checks(config, options=FAST)
    (second,) = run_checks(config, options=FAST)
    assert first.outcome is CheckOutcome.NEW_VERSION
    assert second.outcome is CheckOutcome.ANOMALY
    assert second.error is not None and "not confirmed by a second fetch" in second.error
    assert len(versions(config, "p")) == 1
    with Store.open(config.monitor.database) as store:
        assert store.latest_change("p") is None  # no change stored, so none to notify
    assert len(httpserver.log) == 3


def test_a_replaced_policy_served_twice_is_a_version(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    serve(httpserver, POLICY, OTHER, OTHER)
    config = load_config(write_config({"p": httpserver.url_for("/p")}))
    run_checks(config, options=FAST)
    (second,) = run_checks(config, options=FAST)
    assert second.outcome is CheckOutcome.NEW_VERSION and len(versions(config, "p")) == 2
    assert len(httpserver.log) == 3  # the first check, the change, its confirmation


def test_a_small_change_is_not_fetched_twice(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    serve(httpserver, POLICY, POLICY.replace("twaalf maanden", "vierentwintig maanden", 1))
    config = load_config(write_config({"p": httpserver.url_for("/p")}))
    run_checks(config, options=FAST)
    (second,) = run_checks(config, options=FAST)
    assert second.outcome is CheckOutcome.NEW_VERSION and len(httpserver.log) == 2


def test_a_page_that_shrinks_for_good_settles_as_a_version_and_is_no_change(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    """A site splits a combined legal page: the policy's URL now holds a quarter of the
    text, a policy on its own. Anomalies first; the same text for SETTLE_AFTER checks in
    a row is a version, not reported as a change. Should the old text come back and
    the two alternate, they are variants the URL serves in turn, not a change either."""
    combined, short = OTHER + POLICY, OTHER[: len(OTHER) // 4]
    serve(httpserver, combined, *[short] * SETTLE_AFTER, combined, short, combined)
    config = load_config(write_config({"p": httpserver.url_for("/p")}))
    results = [run_checks(config, options=FAST)[0] for _ in range(SETTLE_AFTER + 4)]
    outcomes = [r.outcome for r in results]
    assert outcomes == [
        CheckOutcome.NEW_VERSION,
        *[CheckOutcome.ANOMALY] * (SETTLE_AFTER - 1),
        CheckOutcome.NEW_VERSION,
        CheckOutcome.FLAPPING,
        CheckOutcome.UNCHANGED,
        CheckOutcome.VARIANT,
    ]
    assert "keeps only" in (results[1].error or "")
    assert "stored as a version, not reported" in (results[SETTLE_AFTER].error or "")
    with Store.open(config.monitor.database) as store:
        change = store.latest_change("p")
        assert [v.variant for v in store.versions("p")] == [1, 2]
    assert change is not None and change["severity"] == "none"


def test_a_block_page_never_settles(httpserver: HTTPServer, write_config: WriteConfig) -> None:
    blocked = "<h2>Access denied</h2><p>Attention required: verify you are human.</p>"
    serve(httpserver, POLICY, *[blocked] * (SETTLE_AFTER + 2))
    config = load_config(write_config({"p": httpserver.url_for("/p")}))
    results = [run_checks(config, options=FAST)[0] for _ in range(SETTLE_AFTER + 3)]
    assert [r.outcome for r in results[1:]] == [CheckOutcome.ANOMALY] * (SETTLE_AFTER + 2)
    assert len(versions(config, "p")) == 1


def test_a_settled_page_still_reports_an_edit_to_the_part_it_kept(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    """The site split its combined page, and changed the retention period in the part
    the policy's URL kept: the removed sections are no change, the edit still is."""
    combined, short = OTHER + POLICY, OTHER[: len(OTHER) // 4]
    edited = short.replace("keep it for 2 years", "keep it for 20 years", 1)
    assert edited != short
    serve(httpserver, combined, *[edited] * SETTLE_AFTER)
    config = load_config(write_config({"p": httpserver.url_for("/p")}))
    results = [run_checks(config, options=FAST)[0] for _ in range(SETTLE_AFTER + 1)]
    assert results[-1].outcome is CheckOutcome.NEW_VERSION
    assert "the edits to those it kept are reported" in (results[-1].error or "")
    with Store.open(config.monitor.database) as store:
        change = store.latest_change("p")
    assert change is not None and change["severity"] == "material"
    kinds = {c["kind"] for c in change["comparison"]["changes"]}
    assert "removed" not in kinds and "modified" in kinds
