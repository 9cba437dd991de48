"""The reading room (``monitor serve``): a read-only web application on the monitor's
database, with server-rendered pages and a JSON API."""

from __future__ import annotations

from monitor.web.app import create_app

__all__ = ["create_app"]
