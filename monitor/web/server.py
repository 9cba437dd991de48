"""Serving the reading room with uvicorn: on a socket until stopped (``monitor serve``),
or in a background thread on a free loopback port (tests, benchmarks, tools)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

__all__ = ["in_thread", "listening_socket", "server_for"]


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound socket for ``host:port`` (``OSError`` if taken). Connections accepted on it
    send small writes at once (TCP_NODELAY, inherited on Linux): a response written as
    headers then body would otherwise wait for the client's delayed ACK, 40 ms a request."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    return sock


def server_for(app: Any, *, verbose: bool = False, root_path: str = "") -> uvicorn.Server:
    """A uvicorn server of ``app``: warnings only (``verbose``: each request too), no
    ``Server`` header, forwarded headers not trusted."""
    return uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="info" if verbose else "warning",
            access_log=verbose,
            root_path=root_path,
            proxy_headers=False,
            server_header=False,
            lifespan="on",
        )
    )


@contextmanager
def in_thread(app: Any, *, root_path: str = "") -> Iterator[str]:
    """``app`` served from a background thread on a free loopback port; yields its base
    URL and stops the server on leaving."""
    sock = listening_socket("127.0.0.1", 0)
    server = server_for(app, root_path=root_path)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            sock.close()
            raise RuntimeError("the reading room did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
