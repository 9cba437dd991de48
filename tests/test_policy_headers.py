"""A policy's own request settings: headers, cookies (a consent cookie), user agent and
Accept-Language, sent to the policy's own host only, with env:NAME values."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from monitor.config import load_config
from monitor.demo import DEMO_POLICY, SeedServer
from monitor.errors import ConfigError
from monitor.models import CheckOutcome
from monitor.pipeline import run_checks

from .conftest import WriteConfig

OWN = (
    'headers = {X-Team = "privacy"}\n'
    'cookies = {consent = "yes", session = "env:POLICY_SESSION"}\n'
    'user_agent = "Mozilla/5.0 (policy test)"\n'
    'accept_language = "nl-NL,nl;q=0.9"\n'
)


def _config(write_config: WriteConfig, url: str) -> object:
    path = write_config({DEMO_POLICY: url}, extra="")
    text = path.read_text("utf-8").replace(f'url = "{url}"', f'url = "{url}"\n{OWN}', 1)
    path.write_text(text, "utf-8")
    return load_config(path)


def test_the_policy_host_gets_its_headers_and_cookies(
    write_config: WriteConfig, seed_server: SeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICY_SESSION", "s3ss10n")
    config = _config(write_config, seed_server.url(DEMO_POLICY))
    (result,) = run_checks(config)  # type: ignore[arg-type]
    assert result.outcome is CheckOutcome.NEW_VERSION
    (_, headers), *_ = seed_server.requests
    assert headers["User-Agent"] == "Mozilla/5.0 (policy test)"
    assert headers["Accept-Language"] == "nl-NL,nl;q=0.9"
    assert headers["Cookie"] == "consent=yes; session=s3ss10n"
    assert headers["X-Team"] == "privacy"


@pytest.fixture
def elsewhere() -> Iterator[tuple[list[dict[str, str]], str]]:
    """A second host that records the headers it is sent and serves the seed page."""
    seen: list[dict[str, str]] = []
    body = b"<html><body><main><h1>Privacy</h1>" + b"<p>We keep your e-mail address.</p>" * 30
    body += b"</main></body></html>"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers.items()))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield seen, f"http://localhost:{server.server_address[1]}/policy"
    finally:
        server.shutdown()
        server.server_close()


def test_a_redirect_to_another_host_does_not_carry_them(
    write_config: WriteConfig,
    elsewhere: tuple[list[dict[str, str]], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen, target = elsewhere

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("POLICY_SESSION", "s3ss10n")
    try:
        config = _config(write_config, f"http://127.0.0.1:{server.server_address[1]}/p")
        run_checks(config)  # type: ignore[arg-type]
    finally:
        server.shutdown()
        server.server_close()
    (headers,) = seen
    assert "Cookie" not in headers and "X-Team" not in headers
    assert headers["User-Agent"].startswith("policy-monitor")


def test_an_unset_variable_is_an_error_that_names_it(
    write_config: WriteConfig, seed_server: SeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLICY_SESSION", raising=False)
    config = _config(write_config, seed_server.url(DEMO_POLICY))
    (result,) = run_checks(config)  # type: ignore[arg-type]
    assert result.outcome is CheckOutcome.ERROR
    assert "POLICY_SESSION" in (result.error or "") and seed_server.requests == []


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ('headers = {Host = "evil.example"}\n', "headers"),
        ('headers = {Cookie = "a=b"}\n', "headers"),
        ('cookies = {"bad name" = "x"}\n', "cookies"),
        ('headers = {X-A = "line\\nbreak"}\n', "headers"),
    ],
)
def test_settings_the_monitor_owns_or_cannot_send_are_refused(
    write_config: WriteConfig, extra: str, key: str
) -> None:
    path = write_config({"p": "https://example.org/privacy"})
    text = path.read_text("utf-8").replace(
        'url = "https://example.org/privacy"', 'url = "https://example.org/privacy"\n' + extra
    )
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == key
