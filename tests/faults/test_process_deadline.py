"""A page that takes too long to read and judge is an error with its reason, once.

Every stage is bounded now (``tests/faults/test_bounds.py``), but a check must
never be able to starve the others or hold up a shutdown: past
``process_timeout`` the check is recorded as an error, and the same bytes are
not read again (they would fail again, after every restart).
"""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from monitor.config import load_config
from monitor.models import CheckOutcome
from monitor.pipeline import run_checks
from monitor.store import Store

from ..conftest import WriteConfig

PAGE = (
    "<html><head><title>Privacy</title></head><body><h1>Privacyverklaring</h1>"
    + "".join(
        f"<p>Artikel {i}: wij verwerken uw naam en e-mailadres voor doel {i}.</p>"
        for i in range(2000)
    )
    + "</body></html>"
)


def test_too_slow_is_an_error_once_and_the_same_bytes_are_not_read_again(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    httpserver.expect_request("/p").respond_with_data(PAGE, content_type="text/html")
    url = httpserver.url_for("/p")
    tight = 'timeout = "5s"\nallow_private_networks = true\nprocess_timeout = "1ms"'
    config = load_config(write_config({"acme": url}, monitor=tight))

    (first,) = run_checks(config)
    assert first.outcome is CheckOutcome.ERROR
    assert first.error and "took over 0.001 s (process_timeout)" in first.error
    (second,) = run_checks(config)
    assert second.outcome is CheckOutcome.ERROR
    assert second.error and "not read again" in second.error
    with Store.open(config.monitor.database) as store:
        assert store.versions("acme") == []

    roomy = load_config(write_config({"acme": url}))  # the default: 60 s
    (third,) = run_checks(roomy)
    assert third.outcome is CheckOutcome.ERROR and "not read again" in (third.error or "")
    httpserver.clear()
    httpserver.expect_request("/p").respond_with_data(
        PAGE.replace("doel 7.", "doel 7 en 8."), content_type="text/html"
    )
    (fourth,) = run_checks(roomy)  # new bytes: read again, and in time now
    assert fourth.outcome is CheckOutcome.NEW_VERSION, fourth.error
