"""E-mail notifications against a real SMTP server in the test process (aiosmtpd):
the message as sent, retries through the outbox, refusals, STARTTLS with a login, and
configuration errors."""

from __future__ import annotations

import json
import re
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from monitor.config import Config, load_config
from monitor.demo import DEMO_POLICY, SeedServer
from monitor.errors import ConfigError
from monitor.store import Store

from .conftest import WriteConfig, run_monitor
from .test_notify import change, flush_now, pending

PASSWORD = "smtp-pa55word-never-shown"


class Inbox:
    """Keeps what the server accepted; ``script`` answers DATA first (e.g. "451 ...")."""

    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, EmailMessage]] = []
        self.seen_ids: list[str] = []
        self.script: list[str] = []

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        message = message_from_bytes(raw, policy=default)
        assert isinstance(message, EmailMessage)
        self.seen_ids.append(str(message["Message-ID"]))
        if self.script:
            return self.script.pop(0)
        self.messages.append((envelope, message))
        return "250 OK"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=_port())
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()


def _config(
    write_config: WriteConfig, seed_server: SeedServer, port: int, extra: str = ""
) -> Config:
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='timeout = "5s"\nallow_private_networks = true\npublic_url = "https://room.example.org"',
        extra=f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
        'from = "monitor@example.org"\n'
        '\n[[email]]\nname = "team"\nto = ["privacy@example.org"]\ncc = ["legal@example.org"]\n'
        + extra,
    )
    return load_config(path)


def test_a_change_arrives_as_a_text_and_html_message(
    write_config: WriteConfig, seed_server: SeedServer, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    config = _config(write_config, seed_server, port)
    change(config, seed_server)
    change(config, seed_server, text="<script>alert(1)</script> Biometrische <b>gegevens</b>")
    flush_now(config)
    assert len(box.messages) == 2
    envelope, message = box.messages[1]
    assert sorted(envelope.rcpt_tos) == ["legal@example.org", "privacy@example.org"]
    assert message["From"] == "monitor@example.org" and message["Cc"] == "legal@example.org"
    assert str(message["Subject"]).startswith(f"{DEMO_POLICY}: a material change")
    assert str(message["Message-ID"]).endswith(".team@policy-monitor>")
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and rich is not None
    text, html = plain.get_content(), rich.get_content()
    link = f"https://room.example.org/policies/{DEMO_POLICY}/changes/3"
    assert f"Read it: {link}" in text and f'href="{link}"' in html
    assert "<script>alert(1)</script>" in text  # plain text is shown as written
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>gegevens</b>" not in html
    assert pending(config) == []


def test_a_refusing_server_is_retried_and_the_message_arrives_once(
    write_config: WriteConfig, seed_server: SeedServer, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    config = _config(write_config, seed_server, port)
    box.script = ["451 4.3.0 try again later", "451 4.3.0 try again later"]
    change(config, seed_server)
    for _ in range(4):
        flush_now(config)
    assert len(box.messages) == 1
    assert len(set(box.seen_ids)) == 1  # the same Message-ID on every attempt
    with Store.open(config.monitor.database) as store:
        (row,) = store.deliveries(include_delivered=True)
        attempts = store.delivery_attempts(int(row["id"]))
    assert row["status"] == "delivered"
    assert [a["http_status"] for a in attempts] == [451, 451, 250]
    assert "SMTP 451" in str(attempts[0]["error"])


def test_a_permanent_refusal_is_not_retried(
    write_config: WriteConfig, seed_server: SeedServer, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    config = _config(write_config, seed_server, port)
    box.script = ["550 5.7.1 not from you"]
    change(config, seed_server)
    flush_now(config)
    flush_now(config)
    assert box.messages == [] and len(box.seen_ids) == 1
    with Store.open(config.monitor.database) as store:
        (row,) = store.deliveries(include_delivered=True)
    assert row["status"] == "failed" and row["last_status"] == 550


def test_starttls_and_login_with_the_password_kept_out_of_output(
    write_config: WriteConfig, seed_server: SeedServer, tmp_path: Path
) -> None:
    authority = trustme.CA()
    cert = authority.issue_cert("127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    logins: list[tuple[str, str]] = []

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password.decode() == PASSWORD)

    box = Inbox()
    controller = Controller(
        box, hostname="127.0.0.1", port=_port(), tls_context=server_context,
        require_starttls=True, authenticator=authenticate, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    try:
        path = write_config(
            {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
            monitor=f'timeout = "5s"\nallow_private_networks = true\nca_file = "{ca_file}"',
            extra=f'\n[smtp]\nhost = "127.0.0.1"\nport = {controller.port}\n'
            'tls = "starttls"\nfrom = "monitor@example.org"\nusername = "monitor"\n'
            'password = "env:SMTP_PASSWORD"\n'
            '\n[[email]]\nname = "team"\nto = ["privacy@example.org"]\n',
        )
        config = load_config(path)
        change(config, seed_server)
        result = run_monitor(
            "-vv", "--config", str(path), "notify", "--flush", env={"SMTP_PASSWORD": PASSWORD}
        )
    finally:
        controller.stop()
    assert result.returncode == 0, result.stderr
    assert logins == [("monitor", PASSWORD)] and len(box.messages) == 1
    assert PASSWORD not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ('[[email]]\nname = "x"\nto = ["a@example.org"]\n', "needs an [smtp] table"),
        (
            '[smtp]\nhost = "h"\nfrom = "m@example.org"\n'
            '[[email]]\nname = "x"\nto = ["not an address"]\n',
            "is not an e-mail address",
        ),
        (
            '[smtp]\nhost = "h"\nfrom = "m@example.org"\ntls = "none"\n'
            'username = "u"\npassword = "p"\n',
            "in the clear",
        ),
        (
            '[smtp]\nhost = "h"\nfrom = "m@example.org"\n'
            '[[webhook]]\nname = "x"\nurl = "https://example.org/h"\n'
            '[[email]]\nname = "x"\nto = ["a@example.org"]\n',
            "duplicate target name",
        ),
        ('[smtp]\nhost = "h"\n', "'from'"),
    ],
)
def test_configuration_errors_name_the_table_and_key(
    write_config: WriteConfig, extra: str, says: str
) -> None:
    path = write_config({"p": "https://example.org/privacy"}, extra="\n" + extra)
    with pytest.raises(ConfigError, match=re.escape(says)):
        load_config(path)


def test_notify_test_sends_a_sample_to_an_e_mail_target(
    write_config: WriteConfig, seed_server: SeedServer, inbox: tuple[Inbox, int]
) -> None:
    box, port = inbox
    config = _config(write_config, seed_server, port)
    result = run_monitor("--config", str(config.path), "notify", "test", "team")
    assert result.returncode == 0 and "accepted (SMTP 250)" in result.stdout
    ((_, message),) = box.messages
    assert "a test message" in str(message["Subject"])
    box.script = ["550 5.1.1 no such user"]
    refused = run_monitor("--config", str(config.path), "notify", "test", "team")
    assert refused.returncode == 1 and "SMTP 550" in refused.stdout
    assert "nothing was delivered" in refused.stdout
    unknown = run_monitor("--config", str(config.path), "notify", "test", "nobody")
    assert (
        unknown.returncode == 2
        and "no webhook, e-mail or Apprise target named 'nobody'" in unknown.stderr
    )


def test_the_daemon_sends_e_mail_when_there_is_no_webhook(
    write_config: WriteConfig, seed_server: SeedServer, inbox: tuple[Inbox, int]
) -> None:
    import signal
    import subprocess
    import sys
    import time

    from monitor.demo import material_edit

    box, port = inbox
    config = _config(write_config, seed_server, port)
    text = config.path.read_text("utf-8").replace(
        'timeout = "5s"', 'timeout = "5s"\ninterval = "1s"'
    )
    config.path.write_text(text, "utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config.path), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with Store.open(config.monitor.database) as store:
                if store.versions(DEMO_POLICY):
                    break
            time.sleep(0.3)
        page = seed_server.pages[DEMO_POLICY]
        seed_server.set_body(DEMO_POLICY, material_edit(page.body))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not box.messages:
            time.sleep(0.3)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert len(box.messages) == 1


def test_notify_list_shows_every_target_without_secrets(
    write_config: WriteConfig, seed_server: SeedServer, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    extra = (
        '\n[[webhook]]\nname = "hook"\nurl = "https://hooks.example.org/secret/TOKEN9"\n'
        '\n[[apprise]]\nname = "chat"\nurls = ["tgram://BOTTOKEN/123"]\ndigest = "daily"\n'
    )
    config = _config(write_config, seed_server, port, extra=extra)
    listed = run_monitor("--config", str(config.path), "notify", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["team"]["kind"] == "e-mail" and "legal@example.org" in rows["team"]["to"]
    assert rows["hook"]["kind"] == "webhook (json)"
    assert rows["chat"] == {**rows["chat"], "kind": "apprise", "digest": "daily at 08:00"}
    assert "TOKEN9" not in listed.stdout and "BOTTOKEN" not in listed.stdout
