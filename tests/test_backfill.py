"""`monitor backfill`: a policy's Wayback Machine captures, listed by the CDX API on a
loopback server that speaks it, thinned, read politely and replayed as checks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.demo import DEMO_POLICY, SeedPage, material_edit
from monitor.wayback import thin

from .conftest import WriteConfig, history_json, run_monitor
from .support.wayback import Archived, WaybackServer

URL = "https://acme.example/privacy"


@pytest.fixture
def wayback(seed_pages: list[SeedPage]) -> Iterator[WaybackServer]:
    (page,) = [p.body for p in seed_pages if p.name == DEMO_POLICY]
    changed = material_edit(page)
    with WaybackServer() as server:
        server.captures = [
            Archived("20200101080000", URL, page),
            Archived("20200101120000", URL, page + b"<!-- later that day -->"),  # same day
            Archived("20200102080000", URL, page),  # the same bytes as the one kept before
            Archived("20200103080000", URL, b"", status="302", mimetype="unk"),  # a redirect
            Archived("20200105080000", URL, changed, fail_first=1),  # a 503, then the page
            Archived("20200106080000", URL, changed + b" ", mimetype="warc/revisit"),
            Archived("20200201080000", URL, changed + b"<!-- feb -->"),
            Archived("20200101080000", "https://other.example/", page),
        ]
        yield server


@pytest.fixture
def config(write_config: WriteConfig) -> Path:
    return write_config(
        {"acme": URL}, monitor='timeout = "5s"\nallow_private_networks = true\nprocesses = 1'
    )


def _backfill(config: Path, server: WaybackServer, *extra: str):  # type: ignore[no-untyped-def]
    return run_monitor("--config", str(config), "backfill", "acme", "--wayback",
                       server.base_url, "--delay", "0.2s", *extra)  # fmt: skip


def test_captures_are_thinned_read_politely_and_replayed(
    config: Path, wayback: WaybackServer
) -> None:
    done = _backfill(config, wayback)
    assert done.returncode == 0, done.stderr
    assert "acme: 4 capture(s) after thinning" in done.stderr
    assert "replayed 4 capture(s) of 1 policy(ies) from the Wayback Machine" in done.stdout
    assert "1 material change(s)" in done.stdout
    versions = history_json(config, "acme")
    assert [v["first_seen"] for v in versions] == [
        "2020-01-01T08:00:00+00:00", "2020-01-05T08:00:00+00:00",
    ]  # fmt: skip
    # the same bytes on the 2nd: not fetched again, but the version was seen then
    assert versions[0]["last_seen"] == "2020-01-02T08:00:00+00:00"
    assert versions[1]["last_seen"] == "2020-02-01T08:00:00+00:00"
    provenance = versions[1]["provenance"]
    assert isinstance(provenance, dict) and provenance["requested_url"] == URL
    # the capture the version was read from, to cite
    assert f"read from {wayback.base_url}/web/20200105080000id_/{URL}" in provenance["notes"]
    times = [t for t, _ in wayback.requests]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 1 + 3 + 1  # the list, three pages, one retry after a 503
    assert min(gaps) >= 0.2, gaps  # each request --delay after the one before ended
    pages = [p for _, p in wayback.requests if p.startswith("/web/")]
    assert all("id_/" in p for p in pages)  # as archived, not rewritten


def test_a_rerun_replays_nothing_twice(config: Path, wayback: WaybackServer) -> None:
    assert _backfill(config, wayback).returncode == 0
    again = _backfill(config, wayback)
    assert again.returncode == 0, again.stderr
    assert "replayed 0 " in again.stdout and "4 replayed before" in again.stdout
    assert len(history_json(config, "acme")) == 2


def test_since_and_every(config: Path, wayback: WaybackServer) -> None:
    done = _backfill(config, wayback, "--since", "2020-01-04", "--every", "month")
    assert done.returncode == 0, done.stderr
    assert "acme: 2 capture(s) after thinning" in done.stderr  # January's change, February's
    assert [v["first_seen"] for v in history_json(config, "acme")] == ["2020-01-05T08:00:00+00:00"]


def test_thinning_rules() -> None:
    rows = [
        {"timestamp": "20200101000000", "digest": "A", "statuscode": "200"},
        {"timestamp": "20200101230000", "digest": "B", "statuscode": "200"},
        {"timestamp": "20200108000000", "digest": "B", "statuscode": "200"},
        {"timestamp": "20200109000000", "digest": "C", "statuscode": "200"},
        {"timestamp": "20200110000000", "digest": "D", "statuscode": "404"},
        {"timestamp": "bad", "digest": "E", "statuscode": "200"},
    ]
    # the second B ends a run of the same bytes: kept (read from the first, no request)
    assert [r["digest"] for r in thin(rows, "all")] == ["A", "B", "B", "C"]
    assert [r["digest"] for r in thin(rows, "day")] == ["A", "B", "C"]
    assert [r["digest"] for r in thin(rows, "week")] == ["A", "B"]
    assert [r["digest"] for r in thin(rows, "month")] == ["A"]


@pytest.mark.parametrize("answer", [b"", b"[]", b"[]\n"])
def test_no_capture_at_all(config: Path, wayback: WaybackServer, answer: bytes) -> None:
    wayback.cdx_body = answer
    done = _backfill(config, wayback)
    assert done.returncode == 0, done.stderr
    assert "acme: 0 capture(s) after thinning" in done.stderr
    assert "replayed 0 " in done.stdout


def test_a_broken_cdx_answer_is_one_line(config: Path, wayback: WaybackServer) -> None:
    wayback.cdx_body = b"<html>maintenance</html>"
    done = _backfill(config, wayback)
    assert done.returncode == 2 and "not a CDX answer" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_an_archive_on_a_private_address_is_refused_by_default(
    write_config: WriteConfig, wayback: WaybackServer
) -> None:
    config = write_config({"acme": URL}, monitor='timeout = "5s"')
    done = _backfill(config, wayback)
    assert done.returncode == 2 and "set allow_private_networks = true" in done.stderr
    assert not wayback.requests


def test_a_capture_that_cannot_be_read_is_said_once_and_history_goes_on(
    config: Path, wayback: WaybackServer
) -> None:
    wayback.captures[4].gone = True  # the material change of 5 January
    done = _backfill(config, wayback, "--delay", "0")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("not imported:")]
    assert len(lines) == 1 and "20200105080000" in lines[0] and "404" in lines[0], lines
    assert "replayed 3 " in done.stdout
    wayback.captures[4].gone = False
    again = _backfill(config, wayback, "--delay", "0")  # its turn has passed: forward only
    assert "capture(s) before its latest check" in again.stderr


def test_no_delay_for_a_local_archive(config: Path, wayback: WaybackServer) -> None:
    done = run_monitor("--config", str(config), "backfill", "acme", "--wayback",
                       wayback.base_url, "--delay", "0")  # fmt: skip
    assert done.returncode == 0, done.stderr
    bad = run_monitor("--config", str(config), "backfill", "acme", "--delay", "soon")
    assert bad.returncode == 2 and bad.stderr.startswith("monitor: error: --delay:"), bad.stderr


def test_an_unknown_policy_is_one_line(config: Path, wayback: WaybackServer) -> None:
    done = run_monitor("--config", str(config), "backfill", "nobody", "--wayback", wayback.base_url)
    assert done.returncode == 2 and "no policy named 'nobody'" in done.stderr
