"""Whether a plainly fetched page needs the browser: an empty or script-only shell, a
block page or a consent wall, where a rendered page may hold the policy
(``fetcher = "auto"``)."""

from __future__ import annotations

import re

from monitor import patterns
from monitor.judge.anomaly import first_version_anomaly, reads_as_policy
from monitor.models import FetchResult
from monitor.text.normalize import normalize

__all__ = ["shell_reason"]

SHELL_CHARS = 400  # a page's text shorter than this is a shell, not a policy
_WALL_CHARS = 3000
_CONSENT = patterns.compile(
    r"cookie|consent|toestemming|akkoord|accepteer|accept|einwillig|zustimm|akzeptier|accepter",
    re.IGNORECASE,
)
_HTML = ("text/html", "application/xhtml+xml", "")


def shell_reason(
    fetched: FetchResult,
    *,
    select: tuple[str, ...] = (),
    remove: tuple[str, ...] = (),
    language: str | None = None,
) -> str | None:
    """Why the browser may do better than ``fetched`` (an HTML page), or None."""
    if fetched.not_modified or fetched.content_type not in _HTML:
        return None  # PDFs and plain text are read as they come
    document = normalize(
        fetched.body,
        content_type=fetched.content_type,
        encoding=fetched.encoding,
        select=select,
        remove=remove,
        source=fetched.final_url,
        language=language,
    )
    if not document.blocks:
        return "a page without text (built by scripts?)"
    problem = first_version_anomaly(document)  # a block page, a consent wall, no text
    if problem is not None:
        return problem
    chars = len(document.text)
    if (
        chars < _WALL_CHARS
        and len(_CONSENT.findall(document.text)) >= 2
        and not reads_as_policy(document)
    ):
        return "a consent wall"
    if chars < SHELL_CHARS:
        return f"a nearly empty page ({chars} characters)"
    return None
