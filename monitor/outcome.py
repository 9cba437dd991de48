"""The CPU part of a check: a fetched body → its text → the outcome, and the comparison
with the latest version when there is a new one.

Pure: it reads only what it is given (the body, the policy's settings and
:class:`History`), so ``pipeline`` runs it in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.config import PolicyConfig
from monitor.hashing import sha256
from monitor.judge.anomaly import first_version_anomaly
from monitor.judge.compare import compare, declared_date
from monitor.models import (
    CheckOutcome,
    Comparison,
    Document,
    FetchResult,
    NewVersion,
    VersionRecord,
)
from monitor.text.markdown import parse_markdown
from monitor.text.normalize import normalize

__all__ = [
    "REVERT_AFTER",
    "History",
    "Processed",
    "confirm",
    "needs_confirmation",
    "process",
    "stored_document",
]

SUPPORTED_TYPES = ("text/", "application/xhtml", "application/xml", "application/pdf")
# Types servers send when they do not know better: the body is sniffed instead.
GENERIC_TYPES = (
    "application/octet-stream",
    "binary/octet-stream",
    "application/unknown",
    "application/x-unknown",
    "application/download",
    "application/force-download",
)
REVERT_AFTER = 3  # checks in a row serving the same earlier version make it a version again
REPLACED_SHARE = 0.5  # a change touching more of the clauses than this is fetched twice


@dataclass(frozen=True, slots=True)
class Processed:
    outcome: CheckOutcome
    version: NewVersion | None = None
    error: str | None = None
    comparison: Comparison | None = None
    text_hash: str | None = None
    earlier: int | None = None  # the earlier version a flapping check served


@dataclass(frozen=True, slots=True)
class History:
    """What a check needs to know of the policy's past, read before processing."""

    latest: VersionRecord | None
    earlier: dict[str, int]  # text hash → number of versions before the latest
    recent: tuple[str, ...]  # text hashes of the last checks that got a text, newest first


def process(policy: PolicyConfig, fetched: FetchResult, history: History) -> Processed:
    """The CPU part of a check (runs in a worker thread): body → text → comparison → outcome."""
    previous = history.latest
    content_type = fetched.content_type
    if (
        content_type
        and not content_type.startswith(SUPPORTED_TYPES)
        and content_type not in GENERIC_TYPES
    ):
        return Processed(CheckOutcome.ANOMALY, error=f"unsupported content type {content_type}")
    if not fetched.body.strip():
        return Processed(CheckOutcome.ANOMALY, error="empty body")
    document = normalize(
        fetched.body,
        content_type="" if content_type in GENERIC_TYPES else content_type,
        encoding=fetched.encoding,
        select=policy.select,
        remove=policy.remove,
        source=fetched.final_url,
        language=policy.language,
    )
    if not document.blocks:
        return Processed(CheckOutcome.ANOMALY, error=document.problem or "no policy text found")
    text_hash = sha256(document.text.encode("utf-8"))
    if previous is not None and previous.text_hash == text_hash:
        return Processed(CheckOutcome.UNCHANGED, text_hash=text_hash)
    earlier = history.earlier.get(text_hash)
    if earlier is not None and previous is not None:
        settled = history.recent[: REVERT_AFTER - 1]
        if len(settled) < REVERT_AFTER - 1 or any(h != text_hash for h in settled):
            return Processed(
                CheckOutcome.FLAPPING,
                error=f"the text of version {earlier} again, not of the latest "
                f"(version {previous.number}); stored once it stays for {REVERT_AFTER} checks",
                text_hash=text_hash,
                earlier=earlier,
            )
    comparison = None
    if previous is None:
        problem = first_version_anomaly(document)
        if problem is not None:
            return Processed(CheckOutcome.ANOMALY, error=problem)
        new_date = declared_date(document)
    else:
        old = stored_document(previous)
        comparison = compare(
            old,
            document,
            old_source=f"{policy.name} version {previous.number}",
            new_source=f"{policy.name} version {previous.number + 1}",
        )
        if comparison.anomaly and not comparison.old_incomplete:
            return Processed(CheckOutcome.ANOMALY, error=comparison.anomaly)
        new_date = comparison.new.declared_date
    return Processed(
        CheckOutcome.NEW_VERSION,
        version=NewVersion(
            text=document.text,
            text_hash=text_hash,
            title=document.title,
            language=document.language,
            declared_date=new_date,
        ),
        comparison=comparison,
        text_hash=text_hash,
    )


def stored_document(version: VersionRecord) -> Document:
    """A stored version read back as a document (its text is canonical Markdown)."""
    return Document(
        text=version.text,
        blocks=parse_markdown(version.text),
        title=version.title,
        language=version.language,
        source=f"{version.policy} version {version.number}",
    )


def needs_confirmation(processed: Processed) -> bool:
    """Whether a new version replaces most of the policy: real fetches return another
    page at a policy's URL often enough (a regional variant, a members' area, a render
    with sections missing) that such a change is fetched a second time before it
    becomes a version or a notification."""
    comparison = processed.comparison
    if processed.outcome is not CheckOutcome.NEW_VERSION or comparison is None:
        return False
    counts = comparison.counts
    touched = sum(counts.get(kind, 0) for kind in ("added", "removed", "modified"))
    clauses = max(comparison.old.clauses, comparison.new.clauses, 1)
    return touched > REPLACED_SHARE * clauses


def confirm(first: Processed, second: Processed | None, problem: str | None = None) -> Processed:
    """The outcome of a large change after a second fetch: the version when the second
    fetch gave the same text, else an anomaly saying why (never a version)."""
    if second is not None and second.text_hash == first.text_hash:
        return first
    why = problem or "it gave a different text"
    return Processed(
        CheckOutcome.ANOMALY,
        error=f"a change replacing most of the policy was not confirmed by a second fetch: {why}",
        text_hash=first.text_hash,
    )
