"""``monitor serve``: the reading room's pages and JSON API, through a real uvicorn
server on loopback, over a history made by real checks of loopback-served pages."""

from __future__ import annotations

import gzip
import hashlib
import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from monitor.config import load_config
from monitor.errors import StoreError
from monitor.web import create_app
from monitor.web.app import CSP
from monitor.web.server import in_thread
from tests.support.room import HOSTILE, History, make_history, serve_room

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    yield from make_history(tmp_path_factory.mktemp("room"))


@pytest.fixture(scope="module")
def room(history: History) -> Iterator[httpx.Client]:
    with serve_room(history.config) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


def _text(html: str) -> str:
    """What a reader sees, roughly: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_overview_lists_every_policy_with_archived_ones_marked(room: httpx.Client) -> None:
    page = room.get("/")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CSP
    text = _text(page.text)
    assert "6 of 6 policies" in text
    assert re.search(r'<tr class="archived">\s*<td><a href="/policies/zooplus', page.text)
    assert "pcextreme-privacy" in text and "material" in text
    archived = room.get("/", params={"outcome": "archived"})
    assert "1 of 6 policies match" in _text(archived.text)
    assert "zooplus-klantenservice-privacy" in archived.text
    assert "pcextreme-privacy" not in archived.text


def test_overview_filters_search_and_sorts(room: httpx.Client) -> None:
    tagged = _text(room.get("/", params={"tag": "hosting"}).text)
    assert "1 of 6 policies match" in tagged
    found = _text(room.get("/", params={"q": "ZOOPLUS"}).text)
    assert "1 of 6 policies match" in found
    material = room.get("/", params={"severity": "material"}).text
    names = re.findall(r'<td><a href="/policies/([^"/]+)">', material)
    assert names == [HOSTILE, "pcextreme-privacy"]
    by_name = re.findall(r'<td><a href="/policies/([^"/]+)">', room.get("/").text)
    assert by_name == sorted(by_name, key=str.lower)
    backwards = room.get("/", params={"sort": "name", "reverse": "true"}).text
    assert re.findall(r'<td><a href="/policies/([^"/]+)">', backwards) == by_name[::-1]
    assert room.get("/", params={"page": "0"}).status_code == 400


def test_policy_page_draws_the_timeline_and_lists_versions(room: httpx.Client) -> None:
    page = room.get("/policies/pcextreme-privacy")
    assert page.status_code == 200
    svg = re.search(r"<svg.*?</svg>", page.text, re.S)
    assert svg is not None
    ET.fromstring(svg.group(0))  # well-formed XML
    assert 'fill="#c62828"' in svg.group(0)  # the material change, in its colour
    assert 'href="/policies/pcextreme-privacy/changes/2"' in svg.group(0)
    assert 'href="/policies/pcextreme-privacy/versions/1"' in page.text
    text = _text(page.text)
    assert "Checks 2" in text
    assert re.search(r"material\s*</span>\s*from 1", page.text)


def test_change_page_shows_the_diff_reasons_facts_and_provenance(
    room: httpx.Client, history: History
) -> None:
    page = room.get("/policies/pcextreme-privacy/changes/2")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Why it is material" in text
    assert re.search(r'<p class="summary lead">A material change to [^<]*criteo', page.text)
    assert 'id="clause-1"' in page.text and 'href="#clause-1"' in page.text
    assert "<ins>" in page.text or "added" in text
    assert "locatiegegevens" in text.lower()
    digests = re.findall(r"sha256 ([0-9a-f]{64})", page.text)
    assert len(digests) == 2 and digests[0] != digests[1]
    download = room.get(f"/policies/pcextreme-privacy/snapshots/{digests[1]}")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["content-security-policy"]
    assert hashlib.sha256(download.content).hexdigest() == digests[1]
    stored = history.config.monitor.snapshots / digests[1][:2] / f"{digests[1]}.gz"
    assert gzip.decompress(stored.read_bytes()) == download.content


def test_snapshot_of_another_policy_or_no_hash_is_not_served(room: httpx.Client) -> None:
    page = room.get("/policies/pcextreme-privacy/changes/2")
    digest = re.findall(r"sha256 ([0-9a-f]{64})", page.text)[0]
    assert room.get(f"/policies/{HOSTILE}/snapshots/{digest}").status_code == 404
    assert room.get("/policies/pcextreme-privacy/snapshots/..%2F..%2Fetc").status_code == 404


def test_compare_any_two_versions_and_version_text_with_anchors(room: httpx.Client) -> None:
    compared = room.get("/policies/pcextreme-privacy/compare", params={"from": 2, "to": 1})
    assert compared.status_code == 200
    assert "Compared now" in compared.text
    assert "removed" in _text(compared.text)  # backwards, the added clause is removed
    assert room.get("/policies/pcextreme-privacy/compare?from=1&to=9").status_code == 404
    version = room.get("/policies/pcextreme-privacy/versions/1")
    assert version.status_code == 200
    anchors = re.findall(r'id="(c\d+)"', version.text)
    assert len(anchors) > 10 and len(set(anchors)) == len(anchors)
    assert 'href="/policies/pcextreme-privacy/versions/2" rel="next"' in version.text


def test_hostile_policy_text_stays_inert(room: httpx.Client) -> None:
    for path in (
        "/",
        f"/policies/{HOSTILE}",
        f"/policies/{HOSTILE}/changes/2",
        f"/policies/{HOSTILE}/versions/2",
        f"/policies/{HOSTILE}/compare?from=1&to=2",
    ):
        page = room.get(path)
        assert page.status_code == 200, path
        assert "<script" not in page.text.lower(), path
        assert "javascript:" not in re.sub(r"&[a-z]+;", "", "".join(
            re.findall(r'(?:href|src)="([^"]*)"', page.text)
        )), path  # fmt: skip
        assert "<img" not in page.text.lower(), path
        assert "<b>bold</b>" not in page.text, path
    version = room.get(f"/policies/{HOSTILE}/versions/2").text
    assert "&lt;script&gt;alert(&#39;heading&#39;)&lt;/script&gt;" in version
    assert "{{ 7 * 7 }}" in version  # not evaluated by the template engine


def test_feeds_link_to_change_pages(room: httpx.Client) -> None:
    feed = room.get("/feed.atom")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [e.get("href") for e in root.findall("a:entry/a:link", ns)]
    base = str(room.base_url).rstrip("/")
    assert f"{base}/policies/pcextreme-privacy/changes/2" in links
    one = ET.fromstring(room.get("/policies/pcextreme-privacy/feed.atom").content)
    assert len(one.findall("a:entry", ns)) == 1
    tag = ET.fromstring(room.get("/tags/hosting/feed.atom").content)
    assert len(tag.findall("a:entry", ns)) == 1
    assert room.get("/tags/no-such-tag/feed.atom").status_code == 404


def test_api_policies_versions_changes(room: httpx.Client) -> None:
    policies = room.get("/api/policies").json()
    assert [p["name"] for p in policies] == sorted(p["name"] for p in policies)
    by_name = {p["name"]: p for p in policies}
    assert by_name["zooplus-klantenservice-privacy"]["archived"] is True
    assert by_name["pcextreme-privacy"]["last_change"]["severity"] == "material"
    one = room.get("/api/policies/pcextreme-privacy").json()
    assert one["check_stats"]["checks"] == 2
    versions = room.get("/api/policies/pcextreme-privacy/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert "text" not in versions[0]
    text = room.get("/api/policies/pcextreme-privacy/versions/1").json()["text"]
    assert "persoonsgegevens" in text.lower()
    changes = room.get("/api/changes", params={"severity": "material"}).json()
    assert {c["policy"] for c in changes} == {"pcextreme-privacy", HOSTILE}
    assert room.get("/api/changes", params={"tag": "hosting"}).json()[0]["new_version"] == 2
    assert room.get("/api/changes", params={"since": "2999-01-01"}).json() == []
    assert room.get("/api/changes", params={"since": "yesterday"}).status_code == 422
    contract = room.get("/api/policies/pcextreme-privacy/changes/2").json()
    assert contract["severity"] == "material" and contract["material"] is True
    assert set(contract) >= {"old", "new", "changes", "counts", "categories", "silent"}
    assert room.get("/api/policies/nope").status_code == 404
    assert room.get("/api/openapi.json").json()["openapi"].startswith("3.")


def test_head_is_answered_as_get_without_a_body(room: httpx.Client) -> None:
    for path in ("/", "/policies/pcextreme-privacy", "/feed.atom", "/api/policies"):
        head = room.head(path)
        assert head.status_code == 200 and head.content == b"", path
        assert int(head.headers["content-length"]) == len(room.get(path).content), path


def test_unchecked_policies_are_listed_as_never_checked(history: History) -> None:
    text = history.config_path.read_text("utf-8")
    fresh = text + '\n[[policy]]\nname = "brand-new"\nurl = "https://example.org/p"\n'
    history.config_path.write_text(fresh, "utf-8")
    try:
        config = load_config(history.config_path)
    finally:
        history.config_path.write_text(text, "utf-8")
    with serve_room(config) as base, httpx.Client(base_url=base) as client:
        never = client.get("/", params={"outcome": "never"}).text
        assert "brand-new" in never and "1 of 7 policies match" in _text(never)
        page = client.get("/policies/brand-new")
        assert page.status_code == 200 and "No version yet." in page.text
        one = client.get("/api/policies/brand-new").json()
        assert one["versions"] == 0 and one["last_check"] is None


def test_a_loopback_room_answers_only_to_its_own_names(history: History) -> None:
    app = create_app(
        history.config.monitor.database,
        history.config.monitor.snapshots,
        hosts={"127.0.0.1", "localhost"},
    )
    with in_thread(app) as base, httpx.Client(base_url=base) as client:
        assert client.get("/").status_code == 200
        assert client.get("/", headers={"Host": "localhost:80"}).status_code == 200
        rebound = client.get("/api/policies", headers={"Host": "evil.example"})
        assert rebound.status_code == 421 and "pcextreme" not in rebound.text
        assert client.get("/feed.atom", headers={"Host": "evil.example:8080"}).status_code == 421


def test_nothing_writes(room: httpx.Client, history: History) -> None:
    database = history.config.monitor.database
    before = sqlite3.connect(database).execute("SELECT COUNT(*) FROM checks").fetchone()
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        answer = room.request(method, "/api/policies")
        assert answer.status_code == 405
    after = sqlite3.connect(database).execute("SELECT COUNT(*) FROM checks").fetchone()
    assert before == after


def test_token_guards_pages_api_and_feeds(history: History) -> None:
    room = serve_room(history.config, token="s3cret-token")
    with room as base, httpx.Client(base_url=base) as client:
        assert client.get("/").status_code == 303
        assert client.get("/").headers["location"] == "/login?next=/"
        api = client.get("/api/policies")
        assert api.status_code == 401 and "Bearer" in api.headers["www-authenticate"]
        assert client.get("/feed.atom").status_code == 401
        assert client.get("/static/style.css").status_code == 200
        bearer = {"Authorization": "Bearer s3cret-token"}
        assert client.get("/api/policies", headers=bearer).status_code == 200
        described = client.get("/api/openapi.json", headers=bearer).json()
        assert described["security"] == [{"bearer": []}]
        assert (
            client.get("/api/policies", headers={"Authorization": "Bearer no"}).status_code == 401
        )
        wrong = client.post("/login", data={"token": "nope", "next": "/"})
        assert wrong.status_code == 401 and "not the token" in wrong.text
        login = client.post("/login", data={"token": "s3cret-token", "next": "//evil.example/"})
        assert login.status_code == 303 and login.headers["location"] == "/"
        cookie = login.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert "s3cret-token" not in cookie
        assert client.get("/").status_code == 200  # the cookie is kept by the client
        assert client.post("/logout").status_code == 303
        client.cookies.clear()
        assert client.get("/api/policies").status_code == 401


def test_behind_a_proxy_under_a_path_prefix_with_a_token(history: History) -> None:
    """A proxy that serves the room under /room strips the prefix before forwarding
    (as the README's nginx example does); every link and redirect keeps it."""
    room = serve_room(history.config, token="tok", root_path="/room")
    with room as base, httpx.Client(base_url=base) as client:
        assert client.get("/").headers["location"] == "/room/login?next=/"
        assert client.get("/login").status_code == 200  # no redirect loop
        assert client.get("/api/policies").status_code == 401
        login = client.post("/login", data={"token": "tok", "next": "/"})
        assert login.status_code == 303 and login.headers["location"] == "/room/"
        cookie = login.headers["set-cookie"]
        assert "Path=/room" in cookie  # a browser sends it to /room/..., which the proxy strips
        client.cookies.clear()
        client.cookies.set("monitor_session", cookie.split(";")[0].split("=")[1])
        page = client.get("/")
        assert page.status_code == 200
        assert 'href="/room/policies/pcextreme-privacy"' in page.text
        assert 'href="/room/static/style.css"' in page.text
        svg = client.get("/policies/pcextreme-privacy", headers={"Authorization": "Bearer tok"})
        svg = svg.text
        assert 'href="/room/policies/pcextreme-privacy/changes/2"' in svg
        assert client.get("/static/style.css").status_code == 200


def test_bad_requests_are_answered_not_crashed(room: httpx.Client) -> None:
    for since in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        assert room.get("/api/changes", params={"since": since}).status_code == 200
    refused = room.post("/api/policies")
    assert refused.status_code == 405 and "GET" in refused.headers["allow"]
    assert refused.headers["content-security-policy"] == CSP


def test_a_huge_login_form_is_refused_unread(history: History) -> None:
    with serve_room(history.config, token="t" * 16) as base, httpx.Client(base_url=base) as c:
        big = c.post("/login", content=b"token=" + b"x" * 2_000_000)
        assert big.status_code == 413
        spaced = c.post("/login", data={"token": "  " + "t" * 16 + " "})
        assert spaced.status_code == 303


def test_the_cookie_is_secure_when_the_public_address_is_https(history: History) -> None:
    app = create_app(
        history.config.monitor.database,
        history.config.monitor.snapshots,
        token="p" * 16,
        public_url="https://room.example.org",
    )
    with in_thread(app) as base, httpx.Client(base_url=base) as client:
        login = client.post("/login", data={"token": "p" * 16})
        assert "Secure" in login.headers["set-cookie"]
        assert "Max-Age=" in login.headers["set-cookie"]


def test_the_room_neither_migrates_nor_writes_an_older_database(
    history: History, tmp_path: Path
) -> None:
    older = tmp_path / "older.db"
    with sqlite3.connect(history.config.monitor.database) as source, sqlite3.connect(older) as copy:
        source.backup(copy)
    with sqlite3.connect(older) as db:
        db.execute("DROP INDEX checks_version")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = '0008_reading_indexes'")
    before = older.read_bytes()
    with pytest.raises(StoreError, match="older schema.*0008_reading_indexes"):
        create_app(older, tmp_path)
    assert older.read_bytes() == before


def test_links_out_are_only_http() -> None:
    from monitor.output.safe import safe_href

    assert safe_href("https://example.org/p") == "https://example.org/p"
    assert safe_href("HTTP://example.org/") == "HTTP://example.org/"
    for bad in ("javascript:alert(1)", "data:text/html,x", "http://[::1", "mailto:a@b.c"):
        assert safe_href(bad) == "#", bad
