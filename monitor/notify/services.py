"""Apprise: a notification to the services of an ``[[apprise]]`` target (Telegram,
Discord, Matrix, e-mail and some eighty more, by URL), with the optional ``apprise``
package (``pip install 'policy-monitor[apprise]'``).

Apprise reaches its services itself: the monitor's network policy does not apply to
these URLs, which are trusted as configured. Their secrets (tokens in the URLs, or
``env:NAME``) never reach the monitor's logs or output: Apprise's own log is kept to
errors, without URLs.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any

from monitor.config import AppriseConfig
from monitor.notify.formats import message_text, short_line, summary_line
from monitor.output.safe import visible

__all__ = ["send_apprise"]


def _send(target: AppriseConfig, payload: dict[str, Any]) -> tuple[bool, str | None, bool]:
    """``(delivered, error, retry)``; blocking, run in a thread."""
    with warnings.catch_warnings():  # (its plugins import modules Python deprecates)
        warnings.simplefilter("ignore", DeprecationWarning)
        return _notify(target, payload)


def _notify(target: AppriseConfig, payload: dict[str, Any]) -> tuple[bool, str | None, bool]:
    try:
        import apprise
    except ImportError:
        return False, "Apprise is not installed: pip install 'policy-monitor[apprise]'", True
    logging.getLogger("apprise").setLevel(logging.CRITICAL)
    urls, problem = target.resolve_urls()
    if problem is not None:
        return False, problem, True
    sender = apprise.Apprise()
    for url in urls:
        if not sender.add(url):
            return False, "an Apprise URL is not one Apprise knows (check its scheme)", False
    title = visible(short_line(summary_line(payload), 120))
    body = visible(message_text(payload))
    delivered = bool(sender.notify(title=title, body=body))
    return delivered, None if delivered else "an Apprise service did not take it", not delivered


async def send_apprise(
    target: AppriseConfig, payload: dict[str, Any]
) -> tuple[bool, str | None, bool]:
    """Notify every service of ``target``: ``(delivered, error, retry)``."""
    return await asyncio.to_thread(_send, target, payload)
