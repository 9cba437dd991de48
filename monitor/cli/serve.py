"""The ``monitor serve`` command: the reading room in the browser, and a JSON API."""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING

import click

from monitor.cli.common import State
from monitor.errors import InputError

if TYPE_CHECKING:
    from monitor.config import Config

__all__ = ["serve", "serve_config"]


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
) -> None:
    """Serve ``config``'s database until Ctrl-C (also what ``monitor demo --serve`` runs);
    ``show``: a path of the room to point the reader to."""
    token = config.serve.resolve_token()
    if config.serve.token is not None and token is None:
        raise InputError(
            f"{config.path}: [serve] token: environment variable "
            f"{config.serve.token[4:]} is not set or empty"
        )
    if token is None and not no_auth and not is_loopback(host):
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
        configured=frozenset(p.name for p in config.policies),
        token=token,
        public_url=config.monitor.public_url,
    )
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{bound}{root_path}"
    click.echo(
        f"{announce}Reading room at {base}/ "
        f"({'token required' if token else 'no token'}; Ctrl-C to stop)",
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
