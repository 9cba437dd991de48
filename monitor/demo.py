"""``monitor demo``: the seed policies served on loopback, checked, changed, caught.

:class:`SeedServer` is a small HTTP server in a thread that serves the seed
pages the way real sites do: some with ETag and Last-Modified (so a second
check is a 304), some with a script nonce that changes on every request (so
the raw bytes differ while the policy does not).  Pages can be replaced
while it runs.  The tests and benchmarks use it too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule
from rich.text import Text

from monitor.bundled import seeds_dir
from monitor.config import Config, load_config
from monitor.errors import MonitorError
from monitor.models import CheckOutcome
from monitor.output.contract import from_dict
from monitor.output.render import render_text
from monitor.output.tables import check_table
from monitor.pipeline import run_checks
from monitor.store import Store

__all__ = ["SeedPage", "SeedServer", "load_seed_pages", "material_edit", "run_demo"]

_NONCE = re.compile(rb'nonce="[^"]*"')


@dataclass
class SeedPage:
    """One page the server serves at ``/<name>``."""

    name: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    rotate_nonce: bool = False  # a fresh script nonce on every response (no validators)
    status: int = 200
    last_modified: str | None = None
    delay: float = 0.0  # seconds to wait before answering (a slow server)


def load_seed_pages() -> list[SeedPage]:
    """The seed pages listed in ``seeds/policies.json``; every other one rotates its nonces."""
    root = seeds_dir()
    manifest: list[dict[str, Any]] = json.loads((root / "policies.json").read_text("utf-8"))
    pages = []
    for index, entry in enumerate(manifest):
        charset = entry.get("encoding") or "utf-8"
        pages.append(
            SeedPage(
                name=entry["name"],
                body=(root / entry["page"]).read_bytes(),
                content_type=f"text/html; charset={charset}",
                rotate_nonce=index % 2 == 1,
                last_modified=formatdate(1_700_000_000 + index * 86_400, usegmt=True),
            )
        )
    return pages


class LoopbackServer:
    """A threaded HTTP server on a free loopback port, serving from a background thread.
    Use as a context manager."""

    def __init__(
        self,
        handler: type[BaseHTTPRequestHandler],
        server_class: type[ThreadingHTTPServer] = ThreadingHTTPServer,
    ) -> None:
        self._httpd = server_class(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class SeedServer(LoopbackServer):
    """The seed pages at ``/<name>``, with validators, rotating nonces and delays."""

    def __init__(self, pages: list[SeedPage] | None = None) -> None:
        self.pages: dict[str, SeedPage] = {p.name: p for p in (pages or [])}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                name = self.path.lstrip("/").split("?", 1)[0]
                with server._lock:
                    server.requests.append((name, dict(self.headers.items())))
                    page = server.pages.get(name)
                if page is None:
                    self._send(404, b"not found", "text/plain", {})
                    return
                if page.delay:
                    time.sleep(page.delay)
                body = page.body
                headers: dict[str, str] = {}
                if page.rotate_nonce:
                    body = _NONCE.sub(f'nonce="{secrets.token_urlsafe(12)}"'.encode(), body)
                else:
                    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                    headers["ETag"] = etag
                    if page.last_modified:
                        headers["Last-Modified"] = page.last_modified
                    if self.headers.get("If-None-Match") == etag:
                        self._send(304, b"", None, headers)
                        return
                self._send(page.status, body, page.content_type, headers)

            def _send(
                self, status: int, body: bytes, ctype: str | None, headers: dict[str, str]
            ) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    # the client may have gone away (a killed or timed-out check)
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(Handler)

    def set_body(self, name: str, body: bytes) -> None:
        with self._lock:
            self.pages[name].body = body


# The material change the demo makes: a promise not to share is withdrawn,
# a new recipient appears and a new data category is collected.
DEMO_POLICY = "pcextreme-privacy"
_EDITS = (
    (
        r"We\s+zullen\s+de\s+aan\s+je\s+klantnummer\s+gekoppelde\s+gegevens\s+niet\s+aan\s+derden\s+"
        r"verstrekken,\s+tenzij\s+dat\s+noodzakelijk\s+is\s+in\s+het\s+kader\s+van\s+de\s+uitvoering"
        r"\s+van\s+de\s+overeenkomst\s+of\s+als\s+dat\s+wettelijk\s+verplicht\s+is\.",
        "We kunnen de aan je klantnummer gekoppelde gegevens aan derden verstrekken, waaronder "
        "advertentiepartners zoals Criteo, ook als dat niet noodzakelijk is voor de uitvoering "
        "van de overeenkomst.",
    ),
    (
        r"(<li[^>]*>\s*Betalingsgegevens\s*</li>)",
        r"\1\n<li>Locatiegegevens</li>",
    ),
)


def material_edit(html: bytes, encoding: str = "utf-8") -> bytes:
    """Apply the demo's material change to the pcextreme seed page."""
    text = html.decode(encoding)
    for pattern, replacement in _EDITS:
        text, count = re.subn(pattern, replacement, text, count=1)
        if count != 1:
            raise MonitorError(f"demo: the seed page no longer contains {pattern[:40]!r}...")
    return text.encode(encoding)


def _write_config(path: Path, server: SeedServer) -> None:
    lines = [
        "[monitor]",
        'database = "monitor.db"',
        'snapshots = "snapshots"',
        'timeout = "10s"',
        "allow_private_networks = true   # the demo serves its pages on loopback",
        "",
    ]
    for name in server.pages:
        lines += [
            "[[policy]]",
            f'name = "{name}"',
            f'url = "{server.url(name)}"',
            'language = "nl"',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def run_demo(
    console: Console,
    *,
    workdir: Path | None = None,
    after: Callable[[Config], None] | None = None,
) -> None:
    """Run the tour; raises :class:`MonitorError` if the change is not caught. ``after``
    is called with the demo's configuration once the change is shown, before a
    temporary folder is removed (``monitor demo --serve`` serves it)."""
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="policy-monitor-demo-") as tmp:
            config = _tour(console, Path(tmp), keep=False)
            if after is not None:
                after(config)
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        config = _tour(console, workdir, keep=True)
        if after is not None:
            after(config)


def _tour(console: Console, workdir: Path, *, keep: bool) -> Config:
    pages = load_seed_pages()
    with SeedServer(pages) as server:
        config_path = workdir / "config.toml"
        _write_config(config_path, server)
        config = load_config(config_path)
        console.print(Rule("policy-monitor demo"))
        console.print(
            f"Serving {len(pages)} seed policies at {server.base_url}; "
            f"working in {escape(str(workdir))}{'' if keep else ' (removed afterwards)'}.\n"
        )

        console.print("[bold]1. First check:[/] every policy gets its first version.")
        console.print(check_table(run_checks(config)))

        console.print(
            "\n[bold]2. Second check, nothing changed:[/] pages with validators answer "
            "304; pages whose script nonces rotate are fetched but their text is the same. "
            "No new versions."
        )
        console.print(check_table(run_checks(config)))

        page = server.pages[DEMO_POLICY]
        charset = page.content_type.partition("charset=")[2] or "utf-8"
        server.set_body(DEMO_POLICY, material_edit(page.body, charset))
        console.print(
            f"\n[bold]3. The server now serves a changed {DEMO_POLICY}:[/] a promise not to "
            "share data with third parties is withdrawn, an advertising partner is named, "
            "and location data is collected."
        )
        results = run_checks(config)
        console.print(check_table(results))

    caught = [r for r in results if r.outcome is CheckOutcome.NEW_VERSION]
    if [r.policy for r in caught] != [DEMO_POLICY]:
        raise MonitorError(f"demo: expected one new version of {DEMO_POLICY}, got {caught}")
    with Store.open(config.monitor.database) as store:
        change = store.latest_change(DEMO_POLICY)
    if change is None:
        raise MonitorError(f"demo: no change stored for {DEMO_POLICY}")
    comparison = from_dict(change["comparison"])
    console.print(
        f"\n[bold]What changed in {DEMO_POLICY}[/] "
        f"(version {change['old_version']} → {change['new_version']}, as stored):\n"
    )
    console.print(Text.from_ansi(render_text(comparison, color=console.is_terminal)))
    if keep:
        console.print(
            f"\nKept in {escape(str(workdir))}. "
            f"Try: monitor --config {escape(str(config_path))} diff {DEMO_POLICY}"
        )
    return config
