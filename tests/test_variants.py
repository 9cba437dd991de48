"""Variants on real pages: two complete policies of one site (Claude.ai's privacy
policy and its non-user privacy policy, as archived in genai-eu) served in turn at
one URL keep a line of versions each; switching is never a change, and a real
edit inside one (the archive's labelled material change of the first) still is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from benchmarks.realset import load
from monitor.config import load_config
from monitor.models import CheckOutcome
from monitor.pipeline import run_checks
from monitor.store import Store

from .conftest import WriteConfig
from .test_check import FAST


@pytest.fixture(scope="module")
def pages() -> dict[str, bytes]:
    _, _, stored = load()

    def page(prefix: str) -> bytes:
        return next(body for sha, body in stored.items() if sha.startswith(prefix))

    # privacy policy before and after a labelled material change; the non-user policy
    return {"a": page("b55257eb"), "a2": page("73be4ce5"), "b": page("5397ea44")}


@pytest.fixture
def served(httpserver: HTTPServer) -> Iterator[list[bytes]]:
    """The bodies still to serve, in order (the last one repeats)."""
    queue: list[bytes] = []

    def handler(_request: Request) -> Response:
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        return Response(body, content_type="text/html; charset=utf-8")

    httpserver.expect_request("/p").respond_with_handler(handler)
    yield queue


def test_two_real_policies_in_turn_are_variants(
    httpserver: HTTPServer, served: list[bytes], pages: dict[str, bytes], write_config: WriteConfig
) -> None:
    a, a2, b = pages["a"], pages["a2"], pages["b"]
    # check 2's confirming fetch gets A again; then B, A, B, A; then the edited A; then B
    served += [a, b, a, a, b, a, b, a, a2, b]
    config = load_config(
        write_config({"p": httpserver.url_for("/p")}, extra=WEBHOOK)  # queue, never sent
    )
    results = [run_checks(config, options=FAST)[0] for _ in range(9)]
    assert [r.outcome for r in results] == [
        CheckOutcome.NEW_VERSION,
        CheckOutcome.ANOMALY,
        CheckOutcome.UNCHANGED,
        CheckOutcome.VARIANT,
        CheckOutcome.UNCHANGED,
        CheckOutcome.UNCHANGED,
        CheckOutcome.UNCHANGED,
        CheckOutcome.NEW_VERSION,
        CheckOutcome.UNCHANGED,
    ]
    with Store.open(config.monitor.database) as store:
        assert [(v.number, v.variant) for v in store.versions("p")] == [(1, 1), (2, 2), (3, 1)]
        change = store.latest_change("p")
        events = [d["event_type"] for d in store.deliveries(include_delivered=True)]
    assert change is not None and (change["old_version"], change["new_version"]) == (1, 3)
    assert change["severity"] == "material"
    assert events == ["policy.variant", "policy.changed"]


WEBHOOK = '[[webhook]]\nname = "w"\nurl = "https://hooks.example.org/x"\n'
