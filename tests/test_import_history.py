"""`monitor import ota-history`: an archive's git history of raw pages (or of extracted
Markdown) replayed through the same checks as live ones, in date order, resumable; and an
export imported back gives the same versions."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from monitor.demo import DEMO_POLICY, SeedPage, material_edit

from .conftest import WriteConfig, history_json, run_monitor

PRIVACY_URL = "https://acme.example/privacy"
TERMS_URL = "https://acme.example/legal/terms/"


def _page(seed_pages: list[SeedPage]) -> bytes:
    (page,) = [p for p in seed_pages if p.name == DEMO_POLICY]
    return page.body


def _commit(
    repo: Path, files: dict[str, bytes], date: str, url: str, subject: str = "Record new changes"
) -> None:
    for path, body in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_bytes(body)
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    message = f"{subject}\n\nX-source-document-location: {url}\n"
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=a", "-c", "user.email=a@example.org",
         "commit", "-q", "-m", message],
        check=True, env=env,
    )  # fmt: skip


def _init(repo: Path) -> Path:
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    return repo


@pytest.fixture
def snapshots(tmp_path: Path, seed_pages: list[SeedPage]) -> Path:
    """Acme's privacy policy fetched five times (a new page, the same text in other bytes,
    a material change, a block page, the change again), a combined document's source and a
    service nobody configured; one commit's author date is earlier than the one before."""
    repo = _init(tmp_path / "acme-snapshots")
    page = _page(seed_pages)
    changed = material_edit(page)
    block = b"<html><body><h1>Access denied</h1><p>Request blocked.</p></body></html>"
    privacy = "Acme/Privacy Policy.html"
    _commit(repo, {privacy: page}, "2023-01-10T09:00:00+01:00", PRIVACY_URL)
    _commit(repo, {privacy: page + b"<!-- r2 -->"}, "2023-02-10T09:00:00+00:00", PRIVACY_URL)
    _commit(repo, {privacy: changed}, "2023-03-10T09:00:00+00:00", PRIVACY_URL)
    _commit(repo, {privacy: block}, "2023-04-10T09:00:00+00:00", PRIVACY_URL)
    _commit(repo, {privacy: changed + b" "}, "2023-05-10T09:00:00+00:00", PRIVACY_URL)
    terms = "Acme/Terms of Service #legal-terms.html"
    _commit(repo, {terms: page}, "2023-01-05T00:00:00+00:00", TERMS_URL.rstrip("/"))
    _commit(
        repo, {"Other/Privacy Policy.html": page}, "2023-01-06T00:00:00+00:00", "https://o.example/"
    )
    return repo


@pytest.fixture
def config(write_config: WriteConfig) -> Path:
    return write_config(
        {"acme-privacy-policy": PRIVACY_URL, "acme-terms-of-service-1": TERMS_URL},
        monitor="processes = 1",
    )


def _import(config: Path, repo: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_monitor("--config", str(config), "import", "ota-history", str(repo), *extra)


def test_snapshots_become_versions_dated_when_the_archive_fetched_them(
    config: Path, snapshots: Path
) -> None:
    done = _import(config, snapshots)
    assert done.returncode == 0, done.stderr
    assert "replayed 6 capture(s) of 2 policy(ies) from the snapshots repository" in done.stdout
    assert "per second" in done.stdout and "1 material change(s)" in done.stdout
    assert "Other/Privacy Policy.html: no [[policy]] named 'other-privacy-policy'" in done.stderr
    versions = history_json(config, "acme-privacy-policy")
    # the first page, then the material change; the same text in other bytes is no version,
    # the block page an anomaly, the change again the same version seen again
    assert [v["first_seen"] for v in versions] == [
        "2023-01-10T08:00:00+00:00", "2023-03-10T09:00:00+00:00",
    ]  # fmt: skip
    assert versions[1]["last_seen"] == "2023-05-10T09:00:00+00:00"
    assert versions[0]["change"] is None
    assert versions[1]["change"] == {
        "from_version": 1, "severity": "material", "material": True,
        "found_at": "2023-03-10T09:00:00+00:00",
    }  # fmt: skip
    provenance = versions[1]["provenance"]
    assert isinstance(provenance, dict)
    assert provenance["fetcher"] == "archive" and provenance["requested_url"] == PRIVACY_URL
    (terms,) = history_json(config, "acme-terms-of-service-1")  # matched by its URL
    assert terms["first_seen"] == "2023-01-05T00:00:00+00:00"


def test_the_archive_s_page_is_kept_byte_for_byte(config: Path, snapshots: Path) -> None:
    assert _import(config, snapshots).returncode == 0
    raw = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "show",
         "acme-privacy-policy", "--version", "2", "--raw"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    committed = subprocess.run(
        ["git", "-C", str(snapshots), "show", "HEAD~4:Acme/Privacy Policy.html"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    assert raw == committed


def test_a_rerun_replays_nothing_twice(config: Path, snapshots: Path) -> None:
    assert _import(config, snapshots).returncode == 0
    again = _import(config, snapshots)
    assert again.returncode == 0, again.stderr
    assert "replayed 0 " in again.stdout and "6 replayed before" in again.stdout
    assert len(history_json(config, "acme-privacy-policy")) == 2


def test_since_and_older_captures(config: Path, snapshots: Path) -> None:
    late = _import(config, snapshots, "--since", "2023-03-01")
    assert "replayed 3 " in late.stdout, late.stdout
    versions = history_json(config, "acme-privacy-policy")
    assert [v["first_seen"] for v in versions] == ["2023-03-10T09:00:00+00:00"]
    rest = _import(config, snapshots)  # a history only grows forward
    assert rest.returncode == 0
    assert "acme-privacy-policy: 2 capture(s) before its latest check" in rest.stderr
    assert len(history_json(config, "acme-privacy-policy")) == 1


def test_no_notification_unless_asked(
    write_config: WriteConfig, snapshots: Path, tmp_path: Path
) -> None:
    hook = '[[webhook]]\nname = "h"\nurl = "http://127.0.0.1:9/hook"\nmin_severity = "minor"\n'
    config = write_config(
        {"acme-privacy-policy": PRIVACY_URL}, monitor="allow_private_networks = true", extra=hook
    )
    assert _import(config, snapshots).returncode == 0
    database = tmp_path / "monitor.db"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 0
    other = write_config({"acme-privacy-policy": PRIVACY_URL},
                         monitor='database = "second.db"\nallow_private_networks = true',
                         extra=hook)  # fmt: skip
    assert _import(other, snapshots, "--notify").returncode == 0
    with sqlite3.connect(tmp_path / "second.db") as db:
        assert db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] >= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service", "Nobody"], "no service folder named 'Nobody'"),
        (["--since", "last tuesday"], "--since 'last tuesday' is not a date"),
    ],
)
def test_bad_arguments_are_one_line(
    config: Path, snapshots: Path, args: list[str], message: str
) -> None:
    done = _import(config, snapshots, *args)
    assert done.returncode == 2 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_not_a_repository(config: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = _import(config, tmp_path / "empty")
    assert done.returncode == 2 and "not a git repository" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_interrupted_import_resumes_without_doubles(
    write_config: WriteConfig, tmp_path: Path, seed_pages: list[SeedPage]
) -> None:
    repo = _init(tmp_path / "long")
    page = _page(seed_pages)
    changed = material_edit(page)
    for day in range(1, 121):  # the policy changes and changes back: many versions
        body = (changed if day % 3 == 0 else page) + f"<!-- {day} -->".encode()
        date = f"2022-{1 + (day - 1) // 28:02d}-{1 + (day - 1) % 28:02d}T00:00:00+00:00"
        _commit(repo, {"Acme/Privacy Policy.html": body}, date, PRIVACY_URL)
    config = write_config({"acme-privacy-policy": PRIVACY_URL}, monitor="processes = 1")
    database = tmp_path / "monitor.db"
    command = [sys.executable, "-m", "monitor", "--config", str(config), "import", "ota-history",
               str(repo)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    checks = 0
    while time.monotonic() < deadline and process.poll() is None:
        if database.exists():
            try:
                with sqlite3.connect(database, timeout=0.1) as db:
                    checks = db.execute("SELECT COUNT(*) FROM checks").fetchone()[0]
            except sqlite3.OperationalError:
                checks = 0
        if checks >= 10:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait()
    assert 10 <= checks < 120, "the import ended before it could be interrupted"
    done = run_monitor(*command[3:])
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(database) as db:
        notes = [r[0] for r in db.execute("SELECT notes FROM checks ORDER BY id")]
        started = [r[0] for r in db.execute("SELECT started_at FROM checks ORDER BY id")]
    assert len(notes) == 120 and len(set(notes)) == 120  # each capture once
    assert started == sorted(started)  # in date order, across the interruption
    whole = write_config({"acme-privacy-policy": PRIVACY_URL},
                         monitor='database = "whole.db"\nprocesses = 1')  # fmt: skip
    assert _import(whole, repo).returncode == 0
    assert [v["text_hash"] for v in history_json(whole, "acme-privacy-policy")] == [
        v["text_hash"] for v in history_json(config, "acme-privacy-policy")
    ]


def test_an_export_imports_back_to_the_same_versions(
    config: Path, snapshots: Path, tmp_path: Path, write_config: WriteConfig
) -> None:
    assert _import(config, snapshots).returncode == 0
    exported = tmp_path / "exported"
    done = run_monitor("--config", str(config), "export", "--format", "git", str(exported))
    assert done.returncode == 0, done.stderr
    again = write_config(
        {"acme-privacy-policy": PRIVACY_URL, "acme-terms-of-service-1": TERMS_URL},
        monitor='database = "again.db"\nsnapshots = "again-snapshots"',
    )
    back = _import(again, exported)
    assert back.returncode == 0, back.stderr
    assert "from the versions repository" in back.stdout
    for name in ("acme-privacy-policy", "acme-terms-of-service-1"):
        before, after = history_json(config, name), history_json(again, name)
        assert [(v["text_hash"], v["first_seen"]) for v in after] == [
            (v["text_hash"], v["first_seen"]) for v in before
        ]


def test_a_versions_repository_of_markdown(
    config: Path, tmp_path: Path, write_config: WriteConfig
) -> None:
    """Each commit is a version the archive kept: a text it kept again (a revert) is a
    version again at once, where a live check waits for it to stay."""
    repo = _init(tmp_path / "acme-versions")
    first = (
        "# Privacy Policy\n\nWe collect your e-mail address to send you our newsletter.\n\n"
        "We keep it for one year.\n"
    )
    second = first.replace("one year", "ten years") + "\nWe share it with advertisers.\n"
    dates = ["2021-06-01T00:00:00Z", "2021-07-01T00:00:00Z", "2021-08-01T00:00:00Z"]
    for date, text in zip(dates, (first, second, first), strict=True):
        _commit(repo, {"Acme/Privacy Policy.md": text.encode()}, date, PRIVACY_URL)
    done = _import(config, repo)
    assert done.returncode == 0, done.stderr
    assert "replayed 3 capture(s) of 1 policy(ies) from the versions repository" in done.stdout
    assert "2 material change(s)" in done.stdout
    versions = history_json(config, "acme-privacy-policy")
    assert [v["first_seen"] for v in versions] == [d.replace("Z", "+00:00") for d in dates]
    assert versions[2]["text_hash"] == versions[0]["text_hash"]
    with sqlite3.connect(tmp_path / "monitor.db") as db:
        (created,) = db.execute("SELECT MAX(created_at) FROM changes").fetchone()
    assert created == "2021-08-01T00:00:00+00:00"  # when the change happened, not the import
    exported = tmp_path / "exported"  # and a revert survives the round trip
    assert run_monitor("--config", str(config), "export", "--format", "git",
                       str(exported)).returncode == 0  # fmt: skip
    again = write_config({"acme-privacy-policy": PRIVACY_URL}, monitor='database = "again.db"')
    assert _import(again, exported).returncode == 0
    assert [v["text_hash"] for v in history_json(again, "acme-privacy-policy")] == [
        v["text_hash"] for v in versions
    ]


def test_a_combined_document_s_joined_text_says_what_to_do(config: Path, tmp_path: Path) -> None:
    repo = _init(tmp_path / "versions")
    _commit(repo, {"Acme/Terms of Service.md": b"# Terms\n\nBe nice.\n"}, "2021-06-01T00:00:00Z",
            TERMS_URL)  # fmt: skip
    done = _import(config, repo)
    assert done.returncode == 0, done.stderr
    assert "joins the 1 sources of this document" in done.stderr
    assert "import the snapshots repository instead" in done.stderr


def test_a_policy_renamed_in_the_store_only_is_not_imported_twice(
    config: Path, snapshots: Path, write_config: WriteConfig
) -> None:
    assert _import(config, snapshots).returncode == 0
    renamed = run_monitor("--config", str(config), "rename", "acme-privacy-policy", "acme-p")
    assert renamed.returncode == 0, renamed.stderr
    again = _import(config, snapshots)  # config.toml still names acme-privacy-policy
    assert again.returncode == 0, again.stderr
    assert "acme-privacy-policy: nothing imported" in again.stderr
    assert "name the [[policy]] 'acme-p' in config.toml too" in again.stderr
    assert len(history_json(config, "acme-p")) == 2


def test_the_archive_s_own_re_extraction_notifies_no_one(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    hook = '[[webhook]]\nname = "h"\nurl = "http://127.0.0.1:9/hook"\nmin_severity = "minor"\n'
    config = write_config({"acme-privacy-policy": PRIVACY_URL}, extra=hook)
    repo = _init(tmp_path / "versions")
    text = "# Privacy\n\nWe collect your e-mail address and keep it for one year.\n"
    page = "Acme/Privacy Policy.md"
    _commit(repo, {page: text.encode()}, "2021-06-01T00:00:00Z", PRIVACY_URL)
    _commit(repo, {page: (text + "\nWe share it with advertisers.\n").encode()},
            "2021-07-01T00:00:00Z", PRIVACY_URL,
            subject="Apply technical or declaration upgrade on Acme Privacy Policy")  # fmt: skip
    done = _import(config, repo, "--notify")
    assert done.returncode == 0, done.stderr
    assert len(history_json(config, "acme-privacy-policy")) == 2  # the text follows the archive
    with sqlite3.connect(tmp_path / "monitor.db") as db:
        assert db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 0
        (notes,) = db.execute("SELECT notes FROM checks ORDER BY id DESC LIMIT 1").fetchone()
    assert "re-extracted this text with new rules" in notes


def test_a_replayed_page_is_never_fetched_live_nor_rendered() -> None:
    """The second fetch that confirms a large change reads the archive again, even for a
    browser policy and a page that reads as a script shell (which a live check renders)."""
    from monitor.config import PolicyConfig
    from monitor.fetching import fetch_page
    from monitor.models import FetchResult
    from monitor.records import Capture
    from monitor.replay import _Archived, _page

    shell = b"<html><body><div id='app'></div><script src='/app.js'></script></body></html>"
    capture = Capture("p", "2021-01-01T00:00:00+00:00", "c:p", PRIVACY_URL, "text/html", "p")
    renders: list[str] = []

    class Counting(_Archived):
        async def render(self, url: str, **kwargs: Any) -> FetchResult:
            renders.append(url)
            return await super().render(url, **kwargs)

    archived = Counting(_page(capture, shell, PRIVACY_URL), None)
    policy = PolicyConfig(name="p", url=PRIVACY_URL, fetcher="auto")
    got = asyncio.run(fetch_page(policy, archived, using="archive"))  # a confirmation
    assert got.body == shell and got.fetcher == "archive" and renders == []
    got = asyncio.run(fetch_page(policy, archived))  # even asked to render: no browser
    assert got.body == shell and renders == [PRIVACY_URL] and archived._browser is None
