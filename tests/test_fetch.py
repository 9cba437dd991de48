"""The fetch stage against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.errors import (
    BlockedAddressError,
    FetchError,
    HTTPStatusError,
    TooLargeError,
    TooManyRedirectsError,
)
from monitor.models import FetchResult
from monitor.net.fetch import Fetcher, FetchOptions, parse_retry_after
from monitor.net.netpolicy import address_allowed

FAST = dict(allow_private_networks=True, backoff=0.01, timeout=5.0)


def fetch(url: str, **kwargs: object) -> FetchResult:
    conditional = {k: kwargs.pop(k) for k in ("etag", "last_modified") if k in kwargs}
    options = FetchOptions(**{**FAST, **kwargs})  # type: ignore[arg-type]

    async def go() -> FetchResult:
        async with Fetcher(options) as fetcher:
            return await fetcher.fetch(url, **conditional)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_plain_fetch_reads_body_type_and_charset(httpserver: HTTPServer) -> None:
    body = "<html><body><p>privacyverklaring é</p></body></html>".encode("cp1252")
    httpserver.expect_request("/p").respond_with_data(
        body, content_type="text/html; charset=windows-1252", headers={"ETag": '"v1"'}
    )
    result = fetch(httpserver.url_for("/p"))
    assert result.status == 200
    assert result.body == body
    assert result.content_type == "text/html"
    assert result.encoding == "cp1252"
    assert result.etag == '"v1"'
    assert result.attempts == 1


def test_charset_from_meta_then_detection(httpserver: HTTPServer) -> None:
    meta = '<html><head><meta charset="iso-8859-1"></head><body>é</body></html>'.encode("latin-1")
    httpserver.expect_request("/meta").respond_with_data(meta, content_type="text/html")
    utf8 = "<html><body>geïnteresseerden</body></html>".encode()
    httpserver.expect_request("/utf8").respond_with_data(utf8, content_type="text/html")
    assert fetch(httpserver.url_for("/meta")).encoding == "cp1252"  # latin-1 means windows-1252
    assert fetch(httpserver.url_for("/utf8")).encoding == "utf-8"


def test_conditional_get_304(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )
    result = fetch(
        httpserver.url_for("/p"), etag='"v1"', last_modified="Tue, 14 Nov 2023 22:13:20 GMT"
    )
    assert result.not_modified and result.body == b""
    request, _ = httpserver.log[0]
    assert request.headers["If-Modified-Since"] == "Tue, 14 Nov 2023 22:13:20 GMT"


def test_500_then_200_is_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/p").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/p").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/p").respond_with_data("<p>ok</p>", content_type="text/html")
    result = fetch(httpserver.url_for("/p"))
    assert result.body == b"<p>ok</p>"
    assert result.attempts == 3


def test_retries_are_bounded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("down", status=502)
    with pytest.raises(HTTPStatusError) as info:
        fetch(httpserver.url_for("/p"), retries=2)
    assert info.value.status == 502 and info.value.transient
    assert len(httpserver.log) == 3


def test_404_is_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("gone", status=404)
    with pytest.raises(HTTPStatusError, match="HTTP 404"):
        fetch(httpserver.url_for("/p"))
    assert len(httpserver.log) == 1


def test_429_retry_after_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/p").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request("/p").respond_with_data("<p>ok</p>", content_type="text/html")
    started = time.monotonic()
    result = fetch(httpserver.url_for("/p"))
    assert result.attempts == 2
    assert time.monotonic() - started >= 0.95


def test_retry_after_too_long_gives_up(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(
        "later", status=503, headers={"Retry-After": "3600"}
    )
    with pytest.raises(FetchError, match="retry in 3600s would pass the 5s timeout"):
        fetch(httpserver.url_for("/p"))
    assert len(httpserver.log) == 1


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_body_over_limit_by_content_length(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000, content_type="text/html")
    with pytest.raises(TooLargeError, match="exceeds max_bytes \\(1000\\)"):
        fetch(httpserver.url_for("/big"), max_bytes=1000)


def test_streamed_body_over_limit_is_abandoned(httpserver: HTTPServer) -> None:
    def endless(request: Request) -> Response:
        def chunks():  # no Content-Length: chunked and far larger than the cap
            for _ in range(10_000):
                yield b"y" * 10_000

        return Response(chunks(), content_type="text/html")

    httpserver.expect_request("/stream").respond_with_handler(endless)
    started = time.monotonic()
    with pytest.raises(TooLargeError, match="abandoned"):
        fetch(httpserver.url_for("/stream"), max_bytes=50_000)
    assert time.monotonic() - started < 5


def test_gzip_bomb_is_capped_after_decompression(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(TooLargeError):
        fetch(httpserver.url_for("/bomb"), max_bytes=1_000_000)


def test_slow_response_times_out(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(2)
        return Response("late", content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(httpserver.url_for("/slow"), timeout=0.5, retries=0)
    assert time.monotonic() - started < 1.8


def test_redirects_are_followed_and_recorded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("<p>hier</p>", content_type="text/html")
    result = fetch(httpserver.url_for("/old"))
    assert result.final_url == httpserver.url_for("/new")
    assert result.redirects == (httpserver.url_for("/new"),)


def test_redirect_loop_and_chain_limits(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(TooManyRedirectsError, match="loop"):
        fetch(httpserver.url_for("/a"))
    for i in range(5):
        httpserver.expect_request(f"/c{i}").respond_with_data(
            "", status=302, headers={"Location": f"/c{i + 1}"}
        )
    with pytest.raises(TooManyRedirectsError, match="more than 3 redirects"):
        fetch(httpserver.url_for("/c0"), max_redirects=3)


def test_redirect_to_file_scheme_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    with pytest.raises(FetchError, match="redirect to file:///etc/passwd refused: not http"):
        fetch(httpserver.url_for("/p"))


@pytest.mark.faults
def test_loopback_refused_by_default(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("secret")
    for url in (httpserver.url_for("/p"), f"http://localhost:{httpserver.port}/p"):
        with pytest.raises(BlockedAddressError, match="non-public address"):
            fetch(url, allow_private_networks=False)
    assert len(httpserver.log) == 0  # nothing was sent


@pytest.mark.faults
def test_redirect_to_private_address_refused(httpserver: HTTPServer) -> None:
    """Every hop is checked: the first hop is a name resolving to a public address
    (pinned to the test server), the redirect goes to a private one."""
    httpserver.expect_request("/p").respond_with_data(
        "", status=302, headers={"Location": "http://10.0.0.7/internal"}
    )

    async def resolver(host: str, port: int) -> list[str]:
        return {"policy.example": ["93.184.216.34"], "10.0.0.7": ["10.0.0.7"]}[host]

    # Route the pinned public address to the loopback test server.
    real = httpx.AsyncHTTPTransport()

    class ToLoopback(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            assert request.url.host == "93.184.216.34", request.url  # pinned, never 10.0.0.7
            assert request.headers["host"].startswith("policy.example")
            request.url = request.url.copy_with(host="127.0.0.1", port=httpserver.port)
            return await real.handle_async_request(request)

    async def go() -> None:
        options = FetchOptions(allow_private_networks=False, backoff=0.01)
        async with Fetcher(options, transport=ToLoopback(), resolver=resolver) as fetcher:
            await fetcher.fetch(f"http://policy.example:{httpserver.port}/p")

    with pytest.raises(BlockedAddressError, match="10.0.0.7"):
        asyncio.run(go())
    assert len(httpserver.log) == 1


@pytest.mark.faults
@pytest.mark.parametrize(
    "answer",
    [["10.1.2.3"], ["93.184.216.34", "10.0.0.1"], ["169.254.169.254"], ["::ffff:192.168.0.1"]],
)
def test_dns_names_resolving_to_private_addresses_are_refused(
    httpserver: HTTPServer, answer: list[str]
) -> None:
    """A public-looking name whose DNS answer holds a non-public address (any one of
    several) is refused before a connection is made."""
    httpserver.expect_request("/p").respond_with_data("intern")

    async def resolver(host: str, port: int) -> list[str]:
        assert host == "intranet.example"
        return answer

    async def go() -> None:
        options = FetchOptions(allow_private_networks=False, backoff=0.01)
        async with Fetcher(options, resolver=resolver) as fetcher:
            await fetcher.fetch(f"http://intranet.example:{httpserver.port}/p")

    with pytest.raises(BlockedAddressError, match="non-public address"):
        asyncio.run(go())
    assert len(httpserver.log) == 0


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # CGNAT
        ("169.254.169.254", False),  # cloud metadata, link-local
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:0001::", False),  # 6to4 around 127.0.0.1
        ("64:ff9b::7f00:1", False),  # NAT64 prefix
    ],
)
@pytest.mark.faults
def test_address_policy(address: str, allowed: bool) -> None:
    assert address_allowed(address) is allowed


@pytest.fixture
def threaded_server():
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_per_host_concurrency_is_respected(threaded_server: HTTPServer) -> None:
    import threading

    httpserver = threaded_server

    active = 0
    peak = 0
    lock = threading.Lock()

    def handler(request: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.2)
        with lock:
            active -= 1
        return Response("<p>x</p>", content_type="text/html")

    httpserver.expect_request("/p").respond_with_handler(handler)
    options = FetchOptions(**{**FAST, "per_host_concurrency": 2})  # type: ignore[arg-type]

    async def go() -> None:
        async with Fetcher(options) as fetcher:
            await asyncio.gather(*(fetcher.fetch(httpserver.url_for("/p")) for _ in range(6)))

    asyncio.run(go())
    assert peak == 2


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "deflate", "raw-deflate", "br", "identity"])
def test_encoded_bodies_are_decoded(httpserver: HTTPServer, coding: str) -> None:
    import zlib

    import brotli

    text = ("<p>Wij bewaren uw gegevens twaalf maanden.</p>" * 2000).encode()
    encoded = {
        "gzip": gzip.compress(text),
        "x-gzip": gzip.compress(text),
        "deflate": zlib.compress(text),
        "raw-deflate": zlib.compress(text)[2:-4],  # what some servers send as "deflate"
        "br": brotli.compress(text),
        "identity": text,
    }[coding]
    header = "deflate" if coding == "raw-deflate" else coding
    httpserver.expect_request("/p").respond_with_data(
        encoded, headers={"Content-Type": "text/html", "Content-Encoding": header}
    )
    assert fetch(httpserver.url_for("/p")).body == text
    assert fetch(httpserver.url_for("/p"), max_bytes=len(text)).body == text
    with pytest.raises(TooLargeError):
        fetch(httpserver.url_for("/p"), max_bytes=len(text) - 1)


@pytest.mark.parametrize(
    ("coding", "body", "message"),
    [
        ("gzip", b"\x1f\x8b\x08\x00not really gzip", "cannot decode the response body"),
        ("br", b"\xff\xff not brotli", "cannot decode the response body"),
        ("zstd", b"whatever", "Content-Encoding 'zstd' is not supported"),
        ("gzip, br", b"whatever", "stacked Content-Encoding"),
    ],
)
def test_bad_or_unknown_encodings_are_clear_errors(
    httpserver: HTTPServer, coding: str, body: bytes, message: str
) -> None:
    httpserver.expect_request("/p").respond_with_data(
        body, headers={"Content-Type": "text/html", "Content-Encoding": coding}
    )
    with pytest.raises(FetchError, match=message):
        fetch(httpserver.url_for("/p"))


def test_a_cookie_set_with_a_redirect_is_sent_on_the_next_hop(httpserver: HTTPServer) -> None:
    """Consent walls set a cookie and redirect back: the cookie goes with the next hop."""
    httpserver.expect_request("/p").respond_with_data(
        "", status=302, headers={"Location": "/policy", "Set-Cookie": "consent=yes; Path=/"}
    )
    httpserver.expect_request("/policy", headers={"Cookie": "consent=yes"}).respond_with_data(
        "<p>Privacyverklaring</p>", content_type="text/html"
    )
    result = fetch(httpserver.url_for("/p"), retries=0)
    assert result.body == b"<p>Privacyverklaring</p>"
    assert result.redirects == (httpserver.url_for("/policy"),)


def test_repeated_fields_are_joined_and_long_fields_accepted(httpserver: HTTPServer) -> None:
    long_cookie = "session=" + "x" * 20_000
    httpserver.expect_request("/p").respond_with_response(
        Response(
            "<p>tekst</p>",
            content_type="text/html",
            headers=[("Link", "<a>; rel=a"), ("Link", "<b>; rel=b"), ("Set-Cookie", long_cookie)],
        )
    )
    result = fetch(httpserver.url_for("/p"))
    assert result.headers["link"] == "<a>; rel=a, <b>; rel=b"
    assert result.headers["set-cookie"] == long_cookie
    assert result.headers["content-type"].startswith("text/html")


def test_names_are_resolved_by_the_given_resolver(httpserver: HTTPServer) -> None:
    """The connection goes to the address the resolver answered (the one the network
    policy checked), and the request still names the host."""
    httpserver.expect_request("/p").respond_with_data("<p>tekst</p>", content_type="text/html")
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    async def go() -> FetchResult:
        async with Fetcher(FetchOptions(**FAST), resolver=resolver) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(f"http://policy.example:{httpserver.port}/p")

    assert asyncio.run(go()).body == b"<p>tekst</p>"
    assert asked == ["policy.example"]
    assert httpserver.log[0][0].headers["Host"] == f"policy.example:{httpserver.port}"


def test_header_bytes_that_are_not_utf8_read_as_latin1(httpserver: HTTPServer) -> None:
    """A server's Latin-1 header bytes read as httpx reads them (no lone surrogates,
    which the store could not write); a validator that is not ASCII is not sent back."""
    httpserver.expect_request("/p").respond_with_data(
        "<p>tekst</p>", content_type="text/html", headers={"X-Owner": "Café", "ETag": '"vé"'}
    )
    first = fetch(httpserver.url_for("/p"))
    assert first.headers["x-owner"] == "Café"
    assert first.etag == '"vé"'
    second = fetch(httpserver.url_for("/p"), etag=first.etag)
    assert second.status == 200
    assert "If-None-Match" not in httpserver.log[-1][0].headers


def test_a_policys_own_cookie_beats_one_a_server_set(httpserver: HTTPServer) -> None:
    """A consent cookie in a policy's headers is sent as configured, even after a page
    of the same host set another value during the run."""
    httpserver.expect_request("/other").respond_with_data(
        "<p>x</p>", content_type="text/html", headers={"Set-Cookie": "consent=no; Path=/"}
    )
    httpserver.expect_request("/p").respond_with_data("<p>tekst</p>", content_type="text/html")

    async def go() -> None:
        async with Fetcher(FetchOptions(**FAST)) as fetcher:  # type: ignore[arg-type]
            await fetcher.fetch(httpserver.url_for("/other"))
            await fetcher.fetch(httpserver.url_for("/p"), headers={"Cookie": "consent=yes"})

    asyncio.run(go())
    assert httpserver.log[-1][0].headers["Cookie"] == "consent=yes"


def test_cookie_values_go_back_as_set(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(
        "", status=302, headers={"Location": "/policy", "Set-Cookie": 'prefs={"a":1,"b":2}; Path=/'}
    )
    httpserver.expect_request("/policy").respond_with_data("<p>x</p>", content_type="text/html")
    fetch(httpserver.url_for("/p"))
    assert httpserver.log[-1][0].headers["Cookie"] == 'prefs={"a":1,"b":2}'


@pytest.fixture
def raw_server() -> Iterator[Callable[[bytes], str]]:
    """A loopback server that answers every request with the given bytes as they are
    (werkzeug rewrites a Location header it cannot parse)."""
    answer = [b""]
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(answer[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    def url_answering(raw: bytes) -> str:
        answer[0] = raw
        return f"http://127.0.0.1:{listener.getsockname()[1]}/p"

    yield url_answering
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.parametrize("location", [b"http://[::1", b"http://xn--localhost/"])
def test_a_redirect_to_an_invalid_url_is_a_fetch_error(
    raw_server: Callable[[bytes], str], location: bytes
) -> None:
    url = raw_server(
        b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n"
    )
    with pytest.raises(FetchError, match="redirect to an invalid URL"):
        fetch(url)


def test_address_forms_with_a_trailing_dot_or_out_of_range(httpserver: HTTPServer) -> None:
    with pytest.raises(BlockedAddressError, match="non-public address 127.0.0.1"):
        fetch(f"http://127.0.0.1.:{httpserver.port}/p", allow_private_networks=False)
    for host in ("1.2.3.4.5", "99999999999"):  # a last label that is a number: no address
        with pytest.raises(FetchError, match="is not an address"):
            fetch(f"http://{host}:{httpserver.port}/p", allow_private_networks=False)
    assert len(httpserver.log) == 0


def test_a_closed_port_says_connection_refused() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"^connection failed: Connection refused$"):
        fetch(f"http://127.0.0.1:{port}/p", retries=0)
