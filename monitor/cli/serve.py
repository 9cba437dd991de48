"""The ``monitor serve`` command: the reading room in the browser, and a JSON API."""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from monitor.cli.common import State
from monitor.errors import InputError

if TYPE_CHECKING:
    from monitor.config import Config

__all__ = ["MIN_TOKEN", "is_loopback", "serve", "serve_config"]

MIN_TOKEN = 16  # characters of a [serve] token


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
    help="Port to listen on (0: any free port).",
)  # fmt: skip
@click.option(
    "--no-auth",
    is_flag=True,
    help="Serve a non-loopback address without [serve] token (anyone who reaches it reads all).",
)
@click.option(
    "--root-path", default="", metavar="PATH",
    help="The path prefix a reverse proxy serves the room under (e.g. /policies).",
)  # fmt: skip
@click.pass_obj
def serve(state: State, host: str, port: int, no_auth: bool, root_path: str) -> None:
    """Serve the reading room: policies, versions and changes in the browser, and a JSON API.

    Read-only, on the same database as `monitor run` (which may run meanwhile).
    Listens on 127.0.0.1 unless --host says otherwise; another address needs
    [serve] token in the configuration (or an explicit --no-auth).

    \b
    Example:
        monitor serve                      # http://127.0.0.1:8080/
        monitor serve --port 9000
        monitor serve --host 0.0.0.0       # with [serve] token set
    """
    serve_config(state.config(), host=host, port=port, no_auth=no_auth, root_path=root_path)


def serve_config(
    config: Config,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    no_auth: bool = False,
    root_path: str = "",
    announce: str = "",
    show: str = "",
    sock: socket.socket | None = None,
) -> None:
    """Serve ``config``'s database until Ctrl-C (also what ``monitor demo --serve`` runs);
    ``show``: a path of the room to point the reader to; ``sock``: already listening."""
    token = config.serve.resolve_token()
    if config.serve.token is not None and token is None:
        raise InputError(
            f"{config.path}: [serve] token: environment variable "
            f"{config.serve.token[4:]} is not set or empty"
        )
    if token is not None and len(token) < MIN_TOKEN:
        raise InputError(
            f"{config.path}: [serve] token: too short ({len(token)} characters): use at "
            f"least {MIN_TOKEN} random ones, e.g. from `openssl rand -hex 32`"
        )
    loopback = is_loopback(host)
    if token is None and not no_auth and not loopback:
        raise InputError(
            f"serving on {host} needs [serve] token in {config.path} (a value or env:NAME), "
            "or --no-auth to let anyone who reaches it read everything"
        )
    if root_path and (not root_path.startswith("/") or root_path.endswith("/")):
        raise InputError(f"--root-path {root_path!r} must start with / and not end with one")
    from monitor.web import create_app
    from monitor.web.server import listening_socket, server_for

    app = create_app(
        config.monitor.database,
        config.monitor.snapshots,
        policies=config.policies,
        token=token,
        public_url=config.monitor.public_url,
        hosts=_own_names(host, config.monitor.public_url) if loopback else None,
        summary_language=config.monitor.summary_in,
    )
    if sock is None:
        try:
            sock = listening_socket(host, port)
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound = sock.getsockname()[1]
    if host in ("0.0.0.0", "::"):  # every address: name one a reader can use
        host = socket.gethostname()
    base = f"http://{f'[{host}]' if ':' in host else host}:{bound}"
    behind = f"; links carry {root_path} for the proxy in front" if root_path else ""
    click.echo(
        f"{announce}Reading room at {base}/ "
        f"({'token required' if token else 'no token'}{behind}; Ctrl-C to stop)",
        err=True,
    )
    if show:
        click.echo(f"The caught change: {base}{show}", err=True)
    verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
    server = server_for(app, verbose=verbose, root_path=root_path)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stops on Ctrl-C, then raises it again: the way out
        pass
    finally:
        sock.close()
    click.echo("Reading room stopped.", err=True)


def _own_names(host: str, public_url: str | None) -> set[str]:
    """The ``Host`` names a loopback room answers to: loopback's own, and the public
    address's (a proxy in front may pass it on)."""
    names = {"127.0.0.1", "localhost", "[::1]", host.lower().strip("[]")}
    if ":" in host:
        names.add(f"[{host.strip('[]')}]")
    if public_url:
        found = urlsplit(public_url).hostname
        if found:
            names.add(f"[{found}]" if ":" in found else found)
    return names
