"""Nothing from a page or a server drives a terminal or is read as markup.

Pages and servers put escape sequences (OSC 0 window titles, OSC 8 hyperlinks,
CSI 2J), bells, C1 controls and bidi overrides in titles, text and headers,
and console markup (``[link=...]``, ``[/x]``) in titles and Content-Types.
Each output shows them as characters, or not at all, never acts on them.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from pytest_httpserver import HTTPServer

from monitor.judge.compare import compare
from monitor.models import Block, Document
from monitor.notify.formats import render_body
from monitor.output.contract import to_dict
from monitor.output.feed import atom_feed
from monitor.output.render import RENDERERS, render
from monitor.text.canonical import fold
from monitor.text.normalize import normalize

from ..conftest import WriteConfig, run_monitor

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_LINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
CLEAR = "\x1b[2J"
HOSTILE = f"{OSC_TITLE}{OSC_LINK}{CLEAR}\x07\x9b31m\u202etxet"
# What may never reach a terminal: C0 but tab and newline, DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

POLICY = (
    "<h1>Privacyverklaring</h1>"
    "<p>Wij verwerken uw naam, e-mailadres en IP-adres om onze dienst te leveren.</p>"
    "<p>Wij bewaren uw gegevens niet langer dan nodig en delen ze niet met derden.</p>"
    "<p>U heeft het recht op inzage, correctie en verwijdering van uw gegevens.</p>"
)


def page(title: str, extra: str = "") -> str:
    return f"<html><head><title>{title}</title></head><body>{POLICY}{extra}</body></html>"


def document(*paragraphs: str) -> Document:
    blocks = (Block("heading", "Privacy", 1), *(Block("paragraph", p) for p in paragraphs))
    text = "\n\n".join(["# Privacy", *paragraphs]) + "\n"
    return Document(text=text, blocks=blocks, language="en")


def test_the_normaliser_drops_control_characters_from_text_and_title() -> None:
    doc = normalize(page(f"Privacy {HOSTILE}", f"<p>We collect data {HOSTILE}.</p>"))
    assert doc.title is not None
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", doc.title + doc.text)
    assert "\u202e" in doc.text  # a bidi control is a character of the text: kept, shown escaped


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_diff_format_shows_control_characters_as_characters(fmt: str) -> None:
    comparison = compare(
        document("We collect your name and e-mail address."),
        document(f"We collect your name {HOSTILE} and location.", f"New {OSC_LINK} clause."),
        old_source=f"old {OSC_TITLE}",
        new_source=f"new {CLEAR}",
    )
    for color in (False, True):
        out = render(fmt, comparison, color=color)
        if color and fmt == "text":  # our own colours, and nothing else
            out = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert not UNSAFE.search(out), (fmt, [m.group() for m in UNSAFE.finditer(out)])
    shown = render(fmt, comparison)
    assert "pwned" in shown and ("x1b" in shown or "u001b" in shown)  # shown, not acted on


def test_the_feed_stays_well_formed_with_control_characters() -> None:
    comparison = compare(
        document("We do not share your data."),
        document(f"We share your data with advertisers {HOSTILE}."),
    )
    row = {
        "id": 1,
        "policy": "acme",
        "url": "https://example.org/privacy",
        "created_at": "2026-12-05T10:00:00Z",
        "old_version": 1,
        "new_version": 2,
        "comparison": to_dict(comparison),
    }
    xml = atom_feed([row], title="changes \x0b", feed_id="urn:x")
    root = ET.fromstring(xml.encode("utf-8"))  # well-formed
    assert "advertisers" in "".join(root.itertext())


def test_chat_cards_carry_server_text_as_text() -> None:
    payload = {
        "policy": {"name": "acme"},
        "event_type": "policy.unreachable",
        "consecutive_failures": 3,
        "last_error": f"[click here](https://evil.example/login) <!channel> @channel {CLEAR}",
    }
    teams = render_body("teams", payload).decode()
    assert "[click here](https" not in teams
    assert "\\\\[click here\\\\]" in teams  # JSON of a Markdown-escaped bracket
    slack = render_body("slack", payload).decode()
    assert "<!channel>" not in slack and "&lt;!channel&gt;" in slack
    for body in (teams, slack):
        assert "\\u001b" not in body and "\x1b" not in body


def _check(httpserver: HTTPServer, write_config: WriteConfig, body: str, ctype: str) -> Path:
    httpserver.expect_request("/p").respond_with_data(body, content_type=ctype)
    config = write_config({"acme": httpserver.url_for("/p")})
    return config


def test_console_markup_in_a_title_is_shown_as_written(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    title = "[link=https://evil.example/]Official[/link] [/x] [bold red]"
    config = _check(httpserver, write_config, page(title), "text/html; charset=utf-8")
    checked = run_monitor("--config", str(config), "check")
    assert checked.returncode == 0, checked.stderr
    history = run_monitor("--config", str(config), "history", "acme")
    assert history.returncode == 0, history.stderr  # no MarkupError
    assert "[link=https://evil.example/]Official[/link]" in history.stdout


def test_console_markup_in_a_content_type_does_not_crash_check_or_list(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    config = _check(httpserver, write_config, "binary", "application/x [/x]")
    checked = run_monitor("--config", str(config), "check")
    assert "Traceback" not in checked.stderr and "MarkupError" not in checked.stderr
    assert checked.returncode in (0, 1), checked.stderr
    assert "[/x]" in checked.stdout  # the reason, shown as the server sent it
    listed = run_monitor("--config", str(config), "list")
    assert listed.returncode == 0, listed.stderr
    assert "[/x]" in listed.stdout


def _on_a_terminal(*args: str) -> str:
    """What ``monitor ARGS`` writes to a terminal (a pseudo-terminal), stdout and stderr."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_show_history_and_diff_on_a_terminal_send_no_control_sequence(
    httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    body = page(f"Privacy {HOSTILE}", f"<p>Wij delen gegevens {HOSTILE} met partners.</p>")
    config = _check(httpserver, write_config, body, "text/html; charset=utf-8")
    assert run_monitor("--config", str(config), "check").returncode == 0
    for args in (("show", "acme"), ("history", "acme"), ("list",), ("status",)):
        out = _on_a_terminal("--config", str(config), *args)
        # Rich's own styling (CSI ... m) is ours; nothing else may pass.
        own = re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\r\n", "\n")
        assert not UNSAFE.search(own), (args, [m.group() for m in UNSAFE.finditer(own)])
    shown = _on_a_terminal("--config", str(config), "show", "acme")
    assert "\\u202e" in shown  # the bidi override, as characters


def test_dropping_control_characters_glues_no_words() -> None:
    """The characters split() reads as white space stay spaces, and the HTML walk's own
    marks (a line break inside a link) still part words."""
    assert fold("a\x85b c\x1fd\te") == "a b c d e"
    doc = normalize('<p>See <a href="https://x.org/p">our privacy<br>statement here</a>.</p>')
    assert "our privacy statement here" in doc.text
    rows = normalize("<table><tr><td>naam</td><td>e-mail</td></tr></table>").text
    assert "naam" in rows and "e-mail" in rows and "naame-mail" not in rows
