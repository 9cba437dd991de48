"""A policy's history as one SVG picture, drawn on the server: versions on a time axis,
each change coloured by its severity, anomalies and failed checks below.

Every text in the picture (a tooltip's title) is escaped for XML, and colours are
presentation attributes, not inline CSS, so the strict Content-Security-Policy of
the reading room needs no exception for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from monitor.output.safe import visible

__all__ = ["SEVERITY_COLOURS", "timeline_svg"]

SEVERITY_COLOURS = {
    "material": "#c62828",
    "minor": "#f9a825",
    "cosmetic": "#5c6bc0",
    "none": "#9e9e9e",
}
_FIRST = "#37474f"  # a line's first version: no change made it
_ANOMALY = "#ef6c00"
_ERROR = "#6d4c41"
WIDTH, HEIGHT, LEFT, RIGHT = 960, 112, 16, 16
_VERSION_Y, _ANOMALY_Y, _ERROR_Y, _AXIS_Y = 34, 64, 80, 94


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(value: object) -> str:
    return escape(visible(str(value)), quote=True)


def timeline_svg(
    policy: str,
    versions: Sequence[dict[str, Any]],
    troubles: Sequence[dict[str, Any]],
    *,
    base: str,
    now: datetime | None = None,
) -> str:
    """The picture for ``versions`` (rows of ``Store.version_rows``, any order) and
    ``troubles`` (anomalous and failed checks); each version links to its change, or
    to its text when no change made it, under ``base`` (the policy page's path)."""
    points = [(m, v) for v in versions if (m := _moment(v["first_seen"])) is not None]
    marks = [(m, t) for t in troubles if (m := _moment(t["started_at"])) is not None]
    moments = [m for m, _ in points] + [m for m, _ in marks]
    label = (
        f"History of {policy}: {len(points)} version(s), {len(marks)} failed or anomalous check(s)"
    )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" aria-label="{_text(label)}">'
        f"<title>{_text(label)}</title>"
    )
    if not moments:
        return head + f'<text x="{LEFT}" y="{_VERSION_Y}" fill="#666">No versions yet.</text></svg>'
    start = min(moments)
    end = max([*moments, now or datetime.now(UTC)])
    span = max((end - start).total_seconds(), 1.0)

    def x(moment: datetime) -> float:
        return round(LEFT + (moment - start).total_seconds() / span * (WIDTH - LEFT - RIGHT), 1)

    parts = [
        head,
        f'<line x1="{LEFT}" y1="{_AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{_AXIS_Y}" stroke="#999"/>',
        f'<text x="{LEFT}" y="{HEIGHT - 2}" font-size="11" fill="#555">'
        f"{_text(start.date().isoformat())}</text>",
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 2}" font-size="11" fill="#555" '
        f'text-anchor="end">{_text(end.date().isoformat())}</text>',
        f'<text x="{LEFT}" y="{_ANOMALY_Y - 8}" font-size="10" fill="#777">'
        "anomalies and failed checks</text>",
    ]
    seen: set[tuple[str, int]] = set()  # one mark per pixel column and kind
    for moment, trouble in sorted(marks, key=lambda item: item[0]):
        column = (trouble["outcome"], int(x(moment)))
        if column in seen:
            continue
        seen.add(column)
        anomaly = trouble["outcome"] == "anomaly"
        colour, y = (_ANOMALY, _ANOMALY_Y) if anomaly else (_ERROR, _ERROR_Y)
        why = trouble.get("error") or trouble["outcome"]
        parts.append(
            f'<rect x="{x(moment) - 1}" y="{y - 5}" width="3" height="10" fill="{colour}">'
            f"<title>{_text(moment.isoformat())}: {_text(why)}</title></rect>"
        )
    for moment, version in sorted(points, key=lambda item: item[0]):
        severity = version.get("severity")
        colour = SEVERITY_COLOURS.get(severity or "", _FIRST)
        what = f"version {version['number']}" + (f", {severity} change" if severity else "")
        if version.get("declared_date"):
            what += f", declares {version['declared_date']}"
        page = "changes" if version.get("change_id") else "versions"
        target = f"{page}/{version['number']}"
        parts.append(
            f'<a href="{_text(base)}/{target}">'
            f'<circle cx="{x(moment)}" cy="{_VERSION_Y}" r="7" fill="{colour}" stroke="#fff"/>'
            f"<title>{_text(moment.isoformat())}: {_text(what)}</title></a>"
        )
    parts.append("</svg>")
    return "".join(parts)
