"""The CPU part of a check: a fetched body → its text → the outcome, and the comparison
with the latest version when there is a new one.

Pure: it reads only what it is given (the body, the policy's settings and
:class:`History`), so ``pipeline`` runs it in a worker thread.

The judging modules load on first use: a cycle in which no page changed never
reads a text, and its process need not import them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from monitor.config import PolicyConfig
from monitor.hashing import sha256
from monitor.models import CheckOutcome, Comparison, Document, FetchResult, Severity
from monitor.records import NewVersion, VersionRecord

# The stages ``process`` loads on first use, with what they import (anomaly tests, the
# Markdown reader): a worker pool preloads them.
STAGES = ("monitor.text.normalize", "monitor.text.html", "monitor.judge.compare")

__all__ = [
    "MAX_VARIANTS",
    "REVERT_AFTER",
    "SETTLE_AFTER",
    "STAGES",
    "History",
    "Processed",
    "as_variant",
    "confirm",
    "needs_confirmation",
    "process",
    "replaces_most",
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
MAX_VARIANTS = 4  # a text is compared with the newest version of at most this many variants
# The same text, anomalous only next to the stored version but a policy on its own (the
# site split a combined legal page, say), served this many checks in a row: a version.
SETTLE_AFTER = 6
KEPT_SIMILARITY = 0.75  # an edit to a clause a settled text kept, not a loose pairing


@dataclass(frozen=True, slots=True)
class Processed:
    outcome: CheckOutcome
    version: NewVersion | None = None
    error: str | None = None
    comparison: Comparison | None = None
    text_hash: str | None = None
    earlier: int | None = None  # the earlier version a flapping (or variant) check served
    split: int | None = None  # a version that becomes the first of a new variant
    # a new variant: the severity its differences from ``earlier`` would have as an edit
    as_edit: str | None = None


@dataclass(frozen=True, slots=True)
class History:
    """What a check needs to know of the policy's past, read before processing."""

    latest: VersionRecord | None
    earlier: dict[str, int]  # text hash → number of versions that are no variant's newest
    recent: tuple[str, ...]  # text hashes of the last checks that got a text, newest first
    heads: tuple[VersionRecord, ...] = ()  # the newest version of each variant, newest first
    # text hash of a version → the variant's newest version, which replaced most of it
    replaced_by: dict[str, int] = field(default_factory=dict)
    variants: dict[int, int] = field(default_factory=dict)  # number → variant, if not 1
    recent_stored: tuple[int | None, ...] = ()  # the version id each recent check stored

    def recent_since(self, version: VersionRecord) -> tuple[str, ...]:
        """The ``recent`` text hashes from the check that stored ``version`` on (all of
        them when that check is no longer among the recent ones)."""
        for i, stored in enumerate(self.recent_stored):
            if stored == version.id:
                return self.recent[: i + 1]
        return self.recent

    @property
    def lines(self) -> tuple[VersionRecord, ...]:
        """The newest version of each variant (just the latest when no heads were read)."""
        if self.heads:
            return self.heads
        return (self.latest,) if self.latest is not None else ()

    def newest_like(self, number: int) -> VersionRecord | None:
        """The newest version of the variant version ``number`` belongs to."""
        variant = self.variants.get(number, 1)
        return next((head for head in self.lines if head.variant == variant), self.latest)

    def head(self, number: int | None) -> VersionRecord | None:
        """The variant's newest version numbered ``number``, if there is one."""
        return next((head for head in self.lines if head.number == number), None)


def process(policy: PolicyConfig, fetched: FetchResult, history: History) -> Processed:
    """The CPU part of a check (runs in a worker thread): body → text → comparison → outcome."""
    from monitor.judge.anomaly import first_version_anomaly
    from monitor.judge.compare import declared_date
    from monitor.text.normalize import normalize

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
    lines = history.lines
    if any(head.text_hash == text_hash for head in lines):
        return Processed(CheckOutcome.UNCHANGED, text_hash=text_hash)
    earlier = history.earlier.get(text_hash)
    if earlier is not None and previous is not None:
        replacer = history.replaced_by.get(text_hash)
        if replacer is not None and _in_turn(text_hash, history.head(replacer), history):
            return Processed(
                CheckOutcome.VARIANT,
                error=f"the text of version {earlier} again, which version {replacer} "
                f"replaced: the URL serves both in turn, each now a variant of its own",
                text_hash=text_hash,
                earlier=earlier,
                split=replacer,
            )
        settled = history.recent[: REVERT_AFTER - 1]
        if len(settled) < REVERT_AFTER - 1 or any(h != text_hash for h in settled):
            newest = history.newest_like(earlier) or previous
            which = "the latest" if len(lines) == 1 else "its variant's newest"
            return Processed(
                CheckOutcome.FLAPPING,
                error=f"the text of version {earlier} again, not of {which} "
                f"(version {newest.number}); stored once it stays for {REVERT_AFTER} checks",
                text_hash=text_hash,
                earlier=earlier,
            )
    if previous is None:
        problem = first_version_anomaly(document)
        if problem is not None:
            return Processed(CheckOutcome.ANOMALY, error=problem)
        version = _new_version(document, text_hash, declared_date(document))
        return Processed(CheckOutcome.NEW_VERSION, version=version, text_hash=text_hash)
    base, comparison = _closest(policy, document, lines, previous.number + 1)
    settles = False
    if comparison.anomaly and not comparison.old_incomplete:
        settles = _settled(text_hash, history, document)
        if not settles:
            return Processed(CheckOutcome.ANOMALY, error=comparison.anomaly, text_hash=text_hash)
    version = _new_version(
        document, text_hash, comparison.new.declared_date, variant=base.variant, base=base.number
    )
    error = None
    if settles:  # should the old text come back, the two are variants, not a change
        version = replace(version, replaced=True)
        error = (
            f"served for {SETTLE_AFTER} checks in a row: stored as a version, not reported "
            f"as a change ({comparison.anomaly})"
        )
        edited = _kept_part(comparison)
        if edited is not None:
            comparison = edited
            error = (
                f"served for {SETTLE_AFTER} checks in a row: stored as a version; the "
                "clauses it no longer holds are left out, the edits to those it kept are "
                "reported"
            )
    processed = Processed(
        CheckOutcome.NEW_VERSION,
        version=version,
        comparison=comparison,
        text_hash=text_hash,
        error=error,
    )
    if not comparison.anomaly and replaces_most(comparison) and _alternates(text_hash, history):
        return as_variant(processed, history)  # seen before, and a known variant since
    return processed


def as_variant(processed: Processed, history: History) -> Processed:
    """A new version that replaces most of every variant's newest version, recognised
    as a document the URL serves in turn with them: the first version of a variant of
    its own, not a change."""
    assert processed.version is not None and processed.version.base is not None
    variant = max(head.variant for head in history.lines) + 1
    base = processed.version.base
    return Processed(
        CheckOutcome.VARIANT,
        version=replace(processed.version, variant=variant, base=None),
        error=f"a different complete document, served in turn with version {base}: "
        f"a new variant ({variant}), not a change",
        text_hash=processed.text_hash,
        earlier=base,
        as_edit=str(processed.comparison.severity) if processed.comparison else None,
    )


def _new_version(
    document: Document,
    text_hash: str,
    declared: str | None,
    *,
    variant: int = 1,
    base: int | None = None,
) -> NewVersion:
    return NewVersion(
        text=document.text,
        text_hash=text_hash,
        title=document.title,
        language=document.language,
        declared_date=declared,
        variant=variant,
        base=base,
    )


def _closest(
    policy: PolicyConfig, document: Document, lines: tuple[VersionRecord, ...], number: int
) -> tuple[VersionRecord, Comparison]:
    """The variant's newest version the text is closest to, and the comparison with it:
    the one touching the fewest clauses among those that are no anomaly (the newest
    version's comparison when all are)."""
    from monitor.judge.compare import compare

    best: tuple[float, VersionRecord, Comparison] | None = None
    first: tuple[VersionRecord, Comparison] | None = None
    for head in lines[:MAX_VARIANTS]:
        comparison = compare(
            stored_document(head),
            document,
            old_source=f"{policy.name} version {head.number}",
            new_source=f"{policy.name} version {number}",
        )
        first = first or (head, comparison)
        if comparison.anomaly and not comparison.old_incomplete:
            continue
        share = _touched_share(comparison)
        if best is None or share < best[0]:
            best = (share, head, comparison)
        if share == 0:
            break
    assert first is not None
    return (best[1], best[2]) if best is not None else first


def _kept_part(comparison: Comparison) -> Comparison | None:
    """A settled text's comparison limited to the clauses it kept (edited or new ones),
    when those hold a material change; else None (nothing there to report).  An edit is
    a kept clause only when the two sides are close (``KEPT_SIMILARITY``): when most of
    a page went, a loose pair is as likely a clause of the part that went matched to
    one of the part that stayed (a terms clause to a privacy clause) as an edit."""
    kept = tuple(
        c
        for c in comparison.changes
        if c.kind != "removed" and (c.kind != "modified" or c.similarity >= KEPT_SIMILARITY)
    )
    if Severity.highest(c.severity for c in kept) != Severity.MATERIAL:
        return None
    categories = {cat for c in kept if c.severity == Severity.MATERIAL for cat in c.categories}
    return replace(
        comparison,
        changes=kept,
        counts={
            **comparison.counts,
            "removed": 0,
            "modified": sum(c.kind == "modified" for c in kept),
        },
        severity=Severity.MATERIAL,
        categories=tuple(sorted(categories)),
        anomaly=None,
    )


def _settled(text_hash: str, history: History, document: Document) -> bool:
    """Whether a text that is an anomaly next to the stored version has been served for
    ``SETTLE_AFTER`` checks in a row (this one included) and reads as a policy on its own:
    never a block or error page, nor a page that speaks of no data practice."""
    from monitor.judge.anomaly import POLICY_TOPICS, first_version_anomaly, reads_as_policy

    before = history.recent[: SETTLE_AFTER - 1]
    return (
        len(before) == SETTLE_AFTER - 1
        and all(seen == text_hash for seen in before)
        and first_version_anomaly(document) is None
        and reads_as_policy(document, topics=POLICY_TOPICS)
    )


def _in_turn(old: str, replacer: VersionRecord | None, history: History) -> bool:
    """Whether, since the check that stored the version that replaced the text ``old``,
    ``old`` was served again and that version after it (new, old, new, old now): two
    documents served in turn.  A first return is flapping (a rollback that stays is a
    version, and a change), so a rewrite being rolled out is never hidden as a variant."""
    if replacer is None:
        return False
    seen = iter(history.recent_since(replacer))
    new = replacer.text_hash
    return all(any(h == want for h in seen) for want in (new, old, new))


def _alternates(text_hash: str, history: History) -> bool:
    """Whether a recent check saw this text, and a later one a variant's newest version."""
    heads = {head.text_hash for head in history.lines}
    for seen in history.recent:
        if seen == text_hash:
            return False
        if seen in heads:
            return text_hash in history.recent
    return False


def stored_document(version: VersionRecord) -> Document:
    """A stored version read back as a document (its text is canonical Markdown)."""
    from monitor.text.markdown import parse_markdown

    return Document(
        text=version.text,
        blocks=parse_markdown(version.text),
        title=version.title,
        language=version.language,
        source=f"{version.policy} version {version.number}",
    )


def _touched_share(comparison: Comparison) -> float:
    counts = comparison.counts
    touched = sum(counts.get(kind, 0) for kind in ("added", "removed", "modified"))
    return touched / max(comparison.old.clauses, comparison.new.clauses, 1)


def replaces_most(comparison: Comparison) -> bool:
    """Whether a change touches more than half of the policy's clauses."""
    return _touched_share(comparison) > REPLACED_SHARE


def needs_confirmation(processed: Processed) -> bool:
    """Whether a new version replaces most of the policy: real fetches return another
    page at a policy's URL often enough (a regional variant, a members' area, a render
    with sections missing) that such a change is fetched a second time before it
    becomes a version or a notification."""
    comparison, version = processed.comparison, processed.version
    if processed.outcome is not CheckOutcome.NEW_VERSION or comparison is None:
        return False
    if version is not None and version.replaced:
        return False  # settled: the same text for SETTLE_AFTER checks confirmed it
    return replaces_most(comparison)


def confirm(
    first: Processed,
    second: Processed | None,
    problem: str | None = None,
    history: History | None = None,
) -> Processed:
    """The outcome of a large change after a second fetch: the version (marked as having
    replaced most of the one before) when the second fetch gave the same text, else an
    anomaly saying why (never a version). The anomaly keeps the text's hash: seen again
    with a known version served in between, the text is a variant (see ``process``);
    so is a text seen before when the second fetch gives a known version's text."""
    if second is not None and second.text_hash == first.text_hash:
        if first.version is None:
            return first
        return replace(first, version=replace(first.version, replaced=True))
    if problem is None and second is not None and second.outcome is CheckOutcome.UNCHANGED:
        if history is not None and first.text_hash in history.recent:
            return as_variant(first, history)
        problem = "it gave a stored version's text (the URL may serve variants in turn)"
    why = problem or "it gave a different text"
    return Processed(
        CheckOutcome.ANOMALY,
        error=f"a change replacing most of the policy was not confirmed by a second fetch: {why}",
        text_hash=first.text_hash,
    )
