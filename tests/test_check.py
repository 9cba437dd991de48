"""``check``: the whole path from a URL to a stored version, against real local servers."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from monitor.config import Config, load_config
from monitor.demo import DEMO_POLICY, SeedServer, material_edit
from monitor.models import CheckOutcome
from monitor.net.fetch import FetchOptions
from monitor.pipeline import fetch_options, run_checks
from monitor.snapshots import SnapshotStore
from monitor.store import Store

from .conftest import WriteConfig

FAST = FetchOptions(allow_private_networks=True, backoff=0.01, timeout=5.0)


def outcomes(config: Config, **kwargs: object) -> dict[str, str]:
    return {r.policy: str(r.outcome) for r in run_checks(config, options=FAST, **kwargs)}  # type: ignore[arg-type]


def versions(config: Config, name: str) -> list[str]:
    with Store.open(config.monitor.database) as store:
        return [v.text for v in store.versions(name)]


def test_first_check_stores_a_version_of_every_seed(seed_config: Config) -> None:
    results = run_checks(seed_config, options=FAST)
    assert {r.outcome for r in results} == {CheckOutcome.NEW_VERSION}
    with Store.open(seed_config.monitor.database) as store:
        for result in results:
            (version,) = store.versions(result.policy)
            assert version.number == 1 and result.version == 1
            assert len(version.text) > 2000
            assert version.snapshot_sha256 == result.snapshot
            (check,) = store.checks(result.policy)
            assert check["outcome"] == "new_version" and check["http_status"] == 200
            assert check["duration_ms"] >= 0
        assert store.integrity_problems(seed_config.monitor.snapshots) == []
    snapshots = SnapshotStore(seed_config.monitor.snapshots)
    assert all(snapshots.exists(r.snapshot or "") for r in results)


def test_second_check_stores_nothing_new(seed_config: Config, seed_server: SeedServer) -> None:
    run_checks(seed_config, options=FAST)
    seen = outcomes(seed_config)
    rotating = {n for n, p in seed_server.pages.items() if p.rotate_nonce}
    assert rotating and len(rotating) < len(seen)
    for name, outcome in seen.items():
        # pages with validators answer 304; pages with rotating nonces differ in bytes only
        assert outcome == ("unchanged" if name in rotating else "not_modified"), name
        assert len(versions(seed_config, name)) == 1
    # the conditional GET carried the stored validators
    conditional = [h for n, h in seed_server.requests if n not in rotating and "If-None-Match" in h]
    assert len(conditional) == len(seen) - len(rotating)
    with Store.open(seed_config.monitor.database) as store:
        checks = store.checks(DEMO_POLICY)
        assert [c["outcome"] for c in checks] == [seen[DEMO_POLICY], "new_version"]
        assert checks[0]["version_id"] == checks[1]["version_id"]


def test_changed_page_stores_a_new_version(seed_config: Config, seed_server: SeedServer) -> None:
    run_checks(seed_config, options=FAST)
    page = seed_server.pages[DEMO_POLICY]
    seed_server.set_body(DEMO_POLICY, material_edit(page.body))
    seen = outcomes(seed_config)
    assert seen.pop(DEMO_POLICY) == "new_version"
    assert set(seen.values()) <= {"unchanged", "not_modified"}
    old, new = versions(seed_config, DEMO_POLICY)
    assert "niet aan derden verstrekken" in old and "advertentiepartners zoals Criteo" in new
    assert "Locatiegegevens" in new and "Locatiegegevens" not in old


def test_same_bytes_skip_processing_and_noise_stores_nothing(
    seed_config: Config, seed_server: SeedServer
) -> None:
    name = next(n for n, p in seed_server.pages.items() if not p.rotate_nonce)
    seed_server.pages[name].rotate_nonce = True  # no validators: full body each time
    run_checks(seed_config, [name], options=FAST)
    assert outcomes(seed_config, names=[name]) == {name: "unchanged"}
    assert len(versions(seed_config, name)) == 1


def test_500_then_200_is_retried_and_stored(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    httpserver.expect_ordered_request("/p").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/p").respond_with_data(
        "<html><body><main><p>Wij bewaren je gegevens 12 maanden.</p></main></body></html>",
        content_type="text/html; charset=utf-8",
    )
    config = load_config(write_config({"p": httpserver.url_for("/p")}))
    (result,) = run_checks(config, options=FAST)
    assert result.outcome is CheckOutcome.NEW_VERSION and result.http_status == 200
    assert versions(config, "p") == ["Wij bewaren je gegevens 12 maanden.\n"]


def test_errors_and_anomalies_store_no_version(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    httpserver.expect_request("/big").respond_with_data(
        b"<p>" + b"x" * 5000, content_type="text/html"
    )
    httpserver.expect_request("/gone").respond_with_data("weg", status=410)
    httpserver.expect_request("/empty").respond_with_data(b"", content_type="text/html")
    httpserver.expect_request("/blank").respond_with_data(
        "<html><body><script>app()</script>  </body></html>", content_type="text/html"
    )
    httpserver.expect_request("/png").respond_with_data(b"\x89PNG\r\n", content_type="image/png")
    httpserver.expect_request("/ok").respond_with_data("<p>Privacy.</p>", content_type="text/html")
    names = ["big", "gone", "empty", "blank", "png", "ok"]
    path = write_config(
        {n: httpserver.url_for(f"/{n}") for n in names},
        monitor="max_bytes = 1000\nallow_private_networks = true",
    )
    config = load_config(path)
    results = {r.policy: r for r in run_checks(config, options=fetch_options(config, backoff=0.01))}
    assert results["ok"].outcome is CheckOutcome.NEW_VERSION
    assert results["big"].outcome is CheckOutcome.ERROR and "max_bytes" in (
        results["big"].error or ""
    )
    assert results["gone"].outcome is CheckOutcome.ERROR and results["gone"].http_status == 410
    assert (
        results["empty"].outcome is CheckOutcome.ANOMALY and results["empty"].error == "empty body"
    )
    assert results["blank"].outcome is CheckOutcome.ANOMALY
    assert results["png"].outcome is CheckOutcome.ANOMALY and "image/png" in (
        results["png"].error or ""
    )
    with Store.open(config.monitor.database) as store:
        for name in names[:-1]:
            assert store.versions(name) == []
            (check,) = store.checks(name)
            assert check["outcome"] == str(results[name].outcome) and check["error"]
        assert store.integrity_problems(config.monitor.snapshots) == []


def test_private_address_refused_when_not_allowed(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    httpserver.expect_request("/p").respond_with_data("<p>intern</p>", content_type="text/html")
    config = load_config(write_config({"p": httpserver.url_for("/p")}, monitor=""))
    (result,) = run_checks(config)
    assert result.outcome is CheckOutcome.ERROR
    assert "non-public address 127.0.0.1" in (result.error or "")
    assert len(httpserver.log) == 0


def test_unknown_policy_name_is_an_input_error(seed_config: Config) -> None:
    import pytest

    from monitor.errors import InputError

    with pytest.raises(InputError, match="no policy named 'nope'"):
        run_checks(seed_config, ["nope"])


def test_database_and_snapshots_follow_the_config(tmp_path: Path, seed_server: SeedServer) -> None:
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "config.toml"
    path.write_text(
        '[monitor]\ndatabase = "data/m.db"\nsnapshots = "../raw"\nallow_private_networks = true\n'
        f'[[policy]]\nname = "p"\nurl = "{seed_server.url(DEMO_POLICY)}"\n',
        encoding="utf-8",
    )
    run_checks(load_config(path), options=FAST)
    assert (tmp_path / "conf" / "data" / "m.db").exists()
    assert list((tmp_path / "raw").rglob("*.gz"))


def test_a_new_version_stores_its_change(seed_config: Config, seed_server: SeedServer) -> None:
    run_checks(seed_config, options=FAST)
    page = seed_server.pages[DEMO_POLICY]
    seed_server.set_body(DEMO_POLICY, material_edit(page.body))
    results = {r.policy: r for r in run_checks(seed_config, options=FAST)}
    assert results[DEMO_POLICY].severity == "material" and results[DEMO_POLICY].change_id
    with Store.open(seed_config.monitor.database) as store:
        change = store.latest_change(DEMO_POLICY)
        assert change is not None and change["severity"] == "material"
        assert (change["old_version"], change["new_version"]) == (1, 2)
        comparison = change["comparison"]
        assert comparison["material"] and "third_party_sharing" in comparison["categories"]
        assert comparison["new"]["declared_date"] == "2015-03-04"
        (version_2,) = [v for v in store.versions(DEMO_POLICY) if v.number == 2]
        assert version_2.declared_date == "2015-03-04" and version_2.language == "nl"
        # a policy's first version has no change
        other = next(n for n in seed_server.pages if n != DEMO_POLICY)
        assert store.latest_change(other) is None


def test_block_pages_and_truncation_are_anomalies(
    seed_config: Config, seed_server: SeedServer
) -> None:
    run_checks(seed_config, options=FAST)
    block = (
        b"<html><head><title>Just a moment...</title></head><body><main><h1>Just a moment...</h1>"
        b"<p>Checking your browser before accessing the site.</p></main></body></html>"
    )
    seed_server.pages[DEMO_POLICY].rotate_nonce = True
    seed_server.set_body(DEMO_POLICY, block)
    for _ in range(2):
        (result,) = run_checks(seed_config, [DEMO_POLICY], options=FAST)
        assert result.outcome is CheckOutcome.ANOMALY
        assert "block or error page" in (result.error or "")
    with Store.open(seed_config.monitor.database) as store:
        assert len(store.versions(DEMO_POLICY)) == 1
        assert store.latest_change(DEMO_POLICY) is None
        outcomes = [c["outcome"] for c in store.checks(DEMO_POLICY)]
        assert outcomes == ["anomaly", "anomaly", "new_version"]
