"""A loopback server that speaks the Wayback Machine's CDX API (``/cdx/search/cdx``, JSON
output, ``from``, ``filter=statuscode:N``, ``collapse=digest`` and ``timestamp:N``) and serves captures as
archived (``/web/TIMESTAMPid_/URL``); every request is recorded with its time."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from monitor.demo import LoopbackServer


@dataclass
class Archived:
    timestamp: str  # YYYYMMDDhhmmss
    url: str
    body: bytes
    status: str = "200"
    mimetype: str = "text/html"
    fail_first: int = 0  # answer 503 this many times before the page
    gone: bool = False  # listed, but its page answers 404

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.body).hexdigest().upper()


class WaybackServer(LoopbackServer):
    def __init__(self) -> None:
        self.captures: list[Archived] = []
        self.requests: list[tuple[float, str]] = []
        self.cdx_body: bytes | None = None  # answer this instead (a broken server)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append((time.monotonic(), self.path))
                status, body, kind = server.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if status == 503:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler)

    def answer(self, path: str) -> tuple[int, bytes, str]:
        parts = urlsplit(path)
        if parts.path == "/cdx/search/cdx":
            if self.cdx_body is not None:
                return 200, self.cdx_body, "application/json"
            return 200, self._cdx(parse_qs(parts.query)), "application/json"
        prefix = "/web/"
        if path.startswith(prefix) and "id_/" in path:
            stamp, _, url = path[len(prefix) :].partition("id_/")
            for capture in self.captures:
                if capture.timestamp == stamp and capture.url == url and not capture.gone:
                    if capture.fail_first:
                        capture.fail_first -= 1
                        return 503, b"slow down", "text/plain"
                    return 200, capture.body, capture.mimetype
        return 404, b"not archived", "text/plain"

    def _cdx(self, query: dict[str, list[str]]) -> bytes:
        url = query["url"][0]
        since = query.get("from", [""])[0]
        wanted = [
            f.split(":", 1)[1] for f in query.get("filter", []) if f.startswith("statuscode:")
        ]
        fields = query.get("fl", ["timestamp,original,mimetype,statuscode,digest"])[0].split(",")
        rows: list[list[str]] = []
        last_digest, last_stamp = None, ""
        for capture in sorted(self.captures, key=lambda c: c.timestamp):
            if capture.url != url or capture.timestamp < since.ljust(14, "0"):
                continue
            if wanted and capture.status not in wanted:
                continue
            if "digest" in query.get("collapse", []) and capture.digest == last_digest:
                continue
            prefix = [int(c.split(":")[1]) for c in query.get("collapse", []) if ":" in c]
            if prefix and last_stamp[: prefix[0]] == capture.timestamp[: prefix[0]]:
                continue  # collapse=timestamp:N: the first capture of each N-digit prefix
            last_digest, last_stamp = capture.digest, capture.timestamp
            values = {
                "timestamp": capture.timestamp, "original": capture.url,
                "mimetype": capture.mimetype, "statuscode": capture.status,
                "digest": capture.digest,
            }  # fmt: skip
            rows.append([values[f] for f in fields])
        return json.dumps([fields, *rows]).encode() if rows else b""
