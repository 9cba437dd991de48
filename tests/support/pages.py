"""A loopback web server for browser tests: routes of fixed answers or handlers, every
request recorded (path, headers), answers that can hang or stream for a long time."""

from __future__ import annotations

import os
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

POLICY_TEXT = (
    "<h1>Privacyverklaring</h1>"
    "<p>Wij verwerken je naam, e-mailadres en telefoonnummer om je bestelling te leveren.</p>"
    "<p>We bewaren je gegevens zeven jaar, zoals de belastingwet vraagt.</p>"
    "<p>We delen je adres met de bezorger en met onze betaaldienst.</p>"
    "<p>Je hebt het recht op inzage, correctie en verwijdering van je gegevens.</p>"
    "<p>We gebruiken cookies voor statistiek, alleen met je toestemming.</p>"
    "<p>Vragen? Mail onze functionaris voor gegevensbescherming.</p>"
)


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0  # seconds before answering (a hanging resource)
    stream: int = 0  # bytes of filler to send after the body, slowly enough to be cut


Route = Answer | Callable[[dict[str, str]], Answer]


class PageServer:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    answer = Answer(b"not here", status=404)
                else:
                    answer = route(dict(self.headers.items())) if callable(route) else route
                deadline = time.monotonic() + answer.delay
                while time.monotonic() < deadline and not server.stop.is_set():
                    time.sleep(0.05)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body) + answer.stream))
                    self.end_headers()
                    self.wfile.write(answer.body)
                    sent = 0
                    while sent < answer.stream and not server.stop.is_set():
                        self.wfile.write(b" " * 65536)
                        sent += 65536
                except OSError:
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self.port = self._server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def page(self, path: str, html: str, **kwargs: Any) -> None:
        self.routes[path] = Answer(f"<!doctype html><html><body>{html}</body></html>".encode(),
                                   **kwargs)  # fmt: skip


@contextmanager
def page_server(tls: ssl.SSLContext | None = None) -> Iterator[PageServer]:
    server = PageServer(tls)
    thread = threading.Thread(target=server._server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server._server.shutdown()
        server._server.server_close()


def chromium_below(pid: int, *, main_only: bool = False) -> list[int]:
    """The Chromium processes descended from ``pid`` (``main_only``: the browsers, not
    their renderers and helpers)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            names[int(entry)] = stat[stat.index("(") + 1 : stat.rindex(")")]
            parents[int(entry)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    found = []
    for child in parents:
        up = child
        while up in parents and up not in (pid, 0, 1):
            up = parents[up]
        if up == pid and "chrom" in names[child]:
            command = _cmdline(child)
            if not command or (main_only and (b"--type=" in command or b"crashpad" in command)):
                continue  # a zombie (no command line), or a helper
            found.append(child)
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
