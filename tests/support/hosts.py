"""Many policy pages on several loopback hosts (127.0.0.1, 127.0.0.2, ...), each host its
own server with a little latency, counting how many requests each host has in flight
at once (what a per-host limit promises, measured where it matters)."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

__all__ = ["PolicyHosts", "local_ports", "policy_page"]


def local_ports(pid: int) -> set[int]:
    """The local TCP ports of process ``pid``'s sockets (from ``/proc``)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


SENTENCES = (
    "Wij verwerken uw naam, e-mailadres en telefoonnummer om de dienst te leveren.",
    "Wij bewaren uw gegevens niet langer dan twaalf maanden na het einde van de overeenkomst.",
    "U heeft het recht op inzage, correctie en verwijdering van uw persoonsgegevens.",
    "Wij delen uw gegevens niet met derden, behalve wanneer de wet ons daartoe verplicht.",
    "Voor vragen kunt u contact opnemen met onze functionaris voor gegevensbescherming.",
    "Wij gebruiken functionele cookies die nodig zijn om de website te laten werken.",
)


def policy_page(number: int, extra: str = "") -> bytes:
    # the service's name in letters: a number such as 404 in a short page reads as an error
    name = "".join(chr(97 + number // 26**k % 26) for k in range(3)).capitalize()
    body = "".join(f"<p>{s} (dienst {name})</p>" for s in SENTENCES)
    return (
        f"<html lang='nl'><head><title>Privacyverklaring {name}</title></head><body>"
        f"<main><h1>Privacyverklaring {name}</h1>{body}{extra}</main></body></html>"
    ).encode()


class PolicyHosts:
    """``pages`` policy pages spread over ``hosts`` loopback addresses, one server each."""

    def __init__(self, pages: int, *, hosts: int = 4, latency: float = 0.02) -> None:
        self.bodies = {f"p{n:04d}": policy_page(n) for n in range(pages)}
        self.latency = latency
        self.lock = threading.Lock()
        self.in_flight: Counter[str] = Counter()
        self.most: Counter[str] = Counter()  # the most requests a host had at once
        self.served: Counter[str] = Counter()  # requests per page
        self.clients: set[int] = set()  # the client ports of the requests in flight
        self.servers: list[ThreadingHTTPServer] = []
        hosts_made = 0
        while hosts_made < hosts:
            address = f"127.0.0.{hosts_made + 1}"
            self.servers.append(ThreadingHTTPServer((address, 0), self._handler()))
            hosts_made += 1
        for server in self.servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hosts = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host = self.server.server_address[0]
                name = self.path.strip("/")
                with hosts.lock:
                    hosts.clients.add(self.client_address[1])
                    hosts.in_flight[str(host)] += 1
                    hosts.most[str(host)] = max(hosts.most[str(host)], hosts.in_flight[str(host)])
                    hosts.served[name] += 1
                    body = hosts.bodies.get(name)
                try:
                    time.sleep(hosts.latency)
                    self.send_response(200 if body is not None else 404)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body or b"")))
                    self.end_headers()
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body or b"")
                finally:
                    with hosts.lock:
                        hosts.in_flight[str(host)] -= 1
                        hosts.clients.discard(self.client_address[1])

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def serving(self, pid: int) -> bool:
        """Whether process ``pid`` has a request in flight here (by its sockets' ports)."""
        with self.lock:
            active = set(self.clients)
        return bool(active & local_ports(pid))

    def url(self, name: str) -> str:
        server = self.servers[int(name[1:]) % len(self.servers)]
        host, port = server.server_address[:2]
        return f"http://{host}:{port}/{name}"

    def set_body(self, name: str, body: bytes) -> None:
        with self.lock:
            self.bodies[name] = body

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
