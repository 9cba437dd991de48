"""Digests: events of a digest target wait in the outbox and go out as one message per
period, built once and sent once, whatever crashes in between."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.config import Config, WebhookConfig, load_config
from monitor.demo import DEMO_POLICY, SeedServer
from monitor.notify.digest import bundle_due_digests, due_moment
from monitor.store import Store

from .conftest import WriteConfig
from .test_email import Inbox, inbox  # noqa: F401  (the SMTP server fixture)
from .test_notify import Receiver, change, flush_now, pending, receiver  # noqa: F401

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(text: str, zone: ZoneInfo | None = None) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone or UTC)


@pytest.mark.parametrize(
    ("digest", "now", "due"),
    [
        ("daily", "2026-12-07T09:00", "2026-12-07T08:00"),  # a Monday, after 08:00
        ("daily", "2026-12-07T07:59", "2026-12-06T08:00"),  # before: yesterday's
        ("weekly", "2026-12-10T12:00", "2026-12-07T08:00"),  # Thursday: Monday's
        ("weekly", "2026-12-07T07:00", "2026-11-30T08:00"),  # Monday, before the time
    ],
)
def test_due_moment(digest: str, now: str, due: str) -> None:
    target = WebhookConfig(name="t", url="https://x.example/h", digest=digest, digest_at="08:00")
    assert due_moment(target, ZoneInfo("UTC"), at(now)) == at(due)


def test_due_moment_keeps_the_wall_time_across_summer_time() -> None:
    target = WebhookConfig(name="t", url="https://x.example/h", digest="daily", digest_at="08:00")
    winter = due_moment(target, AMSTERDAM, at("2026-03-29T12:00", AMSTERDAM))
    assert winter.astimezone(AMSTERDAM).hour == 8 and winter.hour == 6  # CEST: UTC+2
    summer = due_moment(target, AMSTERDAM, at("2026-03-29T07:00", AMSTERDAM))
    assert summer.astimezone(AMSTERDAM).hour == 8 and summer.hour == 7  # the day before: UTC+1


def _config(write_config: WriteConfig, seed_server: SeedServer, target: str) -> Config:
    path = write_config(
        {DEMO_POLICY: seed_server.url(DEMO_POLICY)},
        monitor='timeout = "5s"\nallow_private_networks = true\ntimezone = "Europe/Amsterdam"',
        extra="\n" + target,
    )
    return load_config(path)


def test_a_daily_digest_of_a_webhook_is_built_once_and_sent_once(
    write_config: WriteConfig,
    seed_server: SeedServer,
    receiver: Receiver,  # noqa: F811
) -> None:
    config = _config(
        write_config,
        seed_server,
        f'[[webhook]]\nname = "daily"\nurl = "{receiver.url}"\ndigest = "daily"\n'
        'digest_at = "08:00"\nmin_severity = "minor"\n',
    )
    change(config, seed_server)
    change(config, seed_server, text="Biometrische gegevens")
    flush_now(config)  # nothing is due yet: the events wait
    assert receiver.received == []
    assert [r["status"] for r in pending(config)] == ["held", "held"]
    tomorrow = datetime.now(UTC) + timedelta(days=1, hours=1)
    with Store.open(config.monitor.database) as store:
        assert bundle_due_digests(config, store, now=tomorrow) == 1
        assert bundle_due_digests(config, store, now=tomorrow) == 0  # never built twice
    # (a crash here, before sending, loses nothing: the digest is an outbox row)
    flush_now(config)
    flush_now(config)
    (got,) = receiver.delivered()
    payload = json.loads(got["body"])  # type: ignore[arg-type]
    assert payload["event_type"] == "digest" and payload["changes"] == 2
    assert payload["counts"] == {"material": 2}
    assert all(
        i["summary"].startswith(f"{DEMO_POLICY}: a material change") for i in payload["items"]
    )
    assert got["headers"]["Monitor-Event-Id"] == payload["event_id"]  # type: ignore[index]
    with Store.open(config.monitor.database) as store:
        rows = store.deliveries(include_delivered=True)
    assert sorted(r["status"] for r in rows) == ["delivered", "digested", "digested"]


def test_a_crash_while_building_leaves_the_events_held(
    write_config: WriteConfig,
    seed_server: SeedServer,
    receiver: Receiver,  # noqa: F811
) -> None:
    config = _config(
        write_config,
        seed_server,
        f'[[webhook]]\nname = "daily"\nurl = "{receiver.url}"\ndigest = "daily"\n',
    )
    change(config, seed_server)
    with Store.open(config.monitor.database) as store:
        (row,) = store.held_deliveries("daily", before="9999")
        with pytest.raises(TypeError):  # fails inside the transaction, after the UPDATE
            store.bundle_digest("daily", [row["id"]], event_id="d1", payload={"x": object()})
        assert [r["id"] for r in store.held_deliveries("daily", before="9999")] == [row["id"]]
        assert store.bundle_digest("daily", [row["id"]], event_id="d1", payload={"event_id": "d1"})
        assert not store.bundle_digest("daily", [row["id"]], event_id="d1", payload={})  # raced


def test_a_weekly_digest_by_e_mail(
    write_config: WriteConfig,
    seed_server: SeedServer,
    inbox: tuple[Inbox, int],  # noqa: F811
) -> None:
    box, port = inbox
    config = _config(
        write_config,
        seed_server,
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\nfrom = "m@example.org"\n'
        '[[email]]\nname = "weekly"\nto = ["team@example.org"]\ndigest = "weekly"\n',
    )
    change(config, seed_server)
    with Store.open(config.monitor.database) as store:
        assert bundle_due_digests(config, store, now=datetime.now(UTC) + timedelta(days=8)) == 1
    flush_now(config)
    ((_, message),) = box.messages
    assert str(message["Subject"]).startswith("policy-monitor digest until ")
    assert "1 change(s) (1 material)" in str(message["Subject"])
    plain = message.get_body(("plain",))
    assert plain is not None and f"* {DEMO_POLICY}: a material change" in plain.get_content()


def test_turning_a_digest_off_sends_what_it_held(
    write_config: WriteConfig,
    seed_server: SeedServer,
    receiver: Receiver,  # noqa: F811
) -> None:
    target = f'[[webhook]]\nname = "hook"\nurl = "{receiver.url}"\n'
    config = _config(write_config, seed_server, target + 'digest = "daily"\n')
    change(config, seed_server)
    assert [r["status"] for r in pending(config)] == ["held"]
    text = config.path.read_text("utf-8").replace('digest = "daily"\n', "")
    config.path.write_text(text, "utf-8")
    flush_now(load_config(config.path))
    assert len(receiver.delivered()) == 1 and pending(config) == []
