"""A corpus of policy pages on loopback, in its own process, for the cycle benchmark.

Page ``i`` is seed text ``i % 5`` repeated to 50-200 KB and wrapped in chrome
template ``i % 8`` (``monitor.chrome``). Every other page sends ETag and
Last-Modified. Each response waits a small, realistic latency. ``POST
/__cycle/<n>`` switches every page to its state in cycle ``n``: cycle 0 and 1
serve the same pages; from cycle 2 on, a chosen share of pages changes by
noise only (new nonces, ads, footer year, cookie banner) and another share
materially (a new recipient and a longer retention period in the policy).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import random
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.support import chrome

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "text"
MATERIAL_SENTENCE = (
    "Wij delen uw gegevens met Criteo en Google Ads voor advertentiedoeleinden en bewaren "
    "ze daarvoor 36 maanden."
)


def page_kinds(n: int, noise_share: float, material_share: float, seed: int = 7) -> list[str]:
    """ "same", "noise" or "material" for each page, fixed by ``seed``."""
    rng = random.Random(seed)
    kinds = ["same"] * n
    order = list(range(n))
    rng.shuffle(order)
    noise = round(n * noise_share)
    material = round(n * material_share)
    for i in order[:noise]:
        kinds[i] = "noise"
    for i in order[noise : noise + material]:
        kinds[i] = "material"
    return kinds


def build_page(i: int, *, changed: str | None) -> bytes:
    texts = sorted(SEEDS.glob("*.txt"))
    text = texts[i % len(texts)].read_text("utf-8")
    target = 50_000 + (i * 7919) % 150_000
    parts = [text]
    while sum(len(p) for p in parts) * 1.4 < target:
        parts.append("\n\n".join(f"{len(parts)}.{k} {p}" for k, p in enumerate(text.split("\n\n"))))
    if changed == "material":
        parts.append(MATERIAL_SENTENCE)
    fragment = chrome.policy_fragment("\n\n".join(parts))
    html = chrome.wrap(fragment, chrome.TEMPLATES[i % len(chrome.TEMPLATES)], seed=i)
    if changed == "noise":
        html = chrome.perturb(
            html, seed=i + 1, kinds=("nonce", "ads", "footer_year", "cookie_banner")
        )
    return html.encode("utf-8")


class _Server(ThreadingHTTPServer):
    """The listening socket's backlog is set when it listens, in the constructor: a
    class attribute, not one set afterwards (with the default of 5, 16 clients
    connecting at once overflowed it and waited out a 1 s SYN retransmission)."""

    daemon_threads = True
    request_queue_size = 256


def _serve(
    port_queue: multiprocessing.Queue,
    n: int,
    noise: float,
    material: float,  # type: ignore[type-arg]
    latency: float,
) -> None:
    kinds = page_kinds(n, noise, material)
    base = [build_page(i, changed=None) for i in range(n)]
    changed = [build_page(i, changed=k) if k != "same" else base[i] for i, k in enumerate(kinds)]
    state = {"cycle": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # As web servers do: without it the body waits for the client to acknowledge
        # the headers, a delayed acknowledgement of up to 40 ms on some answers.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            state["cycle"] = int(self.path.rsplit("/", 1)[1])
            self._send(200, b"ok", {})

        def do_GET(self) -> None:
            time.sleep(latency)
            i = int(self.path.strip("/").removeprefix("p"))
            body = changed[i] if state["cycle"] >= 2 else base[i]
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if i % 2 == 0:
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                headers["ETag"] = etag
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", headers)
                    return
            self._send(200, body, headers)

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


class Corpus:
    """``with Corpus(n) as corpus:`` serves ``corpus.url(i)`` from another process."""

    def __init__(
        self, n: int, *, noise: float = 0.2, material: float = 0.05, latency: float = 0.02
    ) -> None:
        self.n = n
        self.kinds = page_kinds(n, noise, material)
        self._args = (n, noise, material, latency)

    def __enter__(self) -> Corpus:
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        self.process = multiprocessing.Process(
            target=_serve, args=(queue, *self._args), daemon=True
        )
        self.process.start()
        self.port = queue.get(timeout=600)
        return self

    def __getstate__(self) -> dict[str, object]:
        """What another process needs to reach the pages (not the serving process)."""
        return {key: value for key, value in self.__dict__.items() if key != "process"}

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.port}/p{i}"

    def raw_bytes(self) -> int:
        """Bytes of all pages as first served (from a sample of up to 200 of them)."""
        sample = range(min(self.n, 200))
        return round(sum(len(build_page(i, changed=None)) for i in sample) / len(sample) * self.n)

    def set_cycle(self, cycle: int) -> None:
        import urllib.request

        urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{self.port}/__cycle/{cycle}", method="POST"),
            timeout=30,
        ).read()

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.join(timeout=10)
