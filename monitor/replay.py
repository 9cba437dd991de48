"""Archived pages replayed through the same checks as live ones (``monitor import
ota-history``, ``monitor backfill``).

Each capture becomes one check dated when the archive fetched the page: the same
normalisation, judgement, anomalies, variants and confirmation (a change replacing most
of the policy is confirmed by the *next* capture of the page, as a live check's second
fetch shows what the URL serves a little later; text an archive kept as a version
confirms itself, and an earlier text it kept again is a version again at once). Each
replayed check notes ``imported: REF``; a rerun skips the captures already noted, so an
interrupted import resumes where it stopped. A history only grows forward: captures
older than the policy's latest check are not replayed. Notifications are queued only
when asked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from monitor.config import Config, PolicyConfig
from monitor.errors import FetchError
from monitor.judging import cpu_pool
from monitor.models import CheckOutcome, FetchResult
from monitor.net.fetch import Fetcher
from monitor.net.options import FetchOptions
from monitor.opening import open_snapshots, open_store
from monitor.outcome import REVERT_AFTER
from monitor.pipeline import check_policy
from monitor.records import Capture, CheckResult
from monitor.snapshots import SnapshotStore
from monitor.store import Store
from monitor.text.charset import detect_encoding, is_textual

__all__ = ["IMPORTED", "Reader", "Replayed", "replay"]

IMPORTED = "imported: "  # the note a replayed check carries, before the capture's ref
# A capture's bytes; the fetcher (open while the replay runs) for archives read over HTTP.
Reader = Callable[[Capture, Fetcher], Awaitable[bytes]]


@dataclass
class Replayed:
    """What an import did: counts by outcome, what it skipped and how fast it went."""

    outcomes: dict[str, int] = field(default_factory=dict)
    material: int = 0
    done_before: int = 0  # captures an earlier run replayed already
    held_back: list[str] = field(default_factory=list)  # one line per policy
    failed: list[str] = field(default_factory=list)  # captures that could not be read
    replayed: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.replayed / self.seconds if self.seconds else 0.0


class _Archived(Fetcher):
    """What a replayed check fetches: its capture; asked again (the second fetch that
    confirms a large change), the next capture of the same page when there is one."""

    def __init__(self, first: FetchResult, again: FetchResult | None) -> None:
        super().__init__(FetchOptions())
        self._pages = [first, again or first]

    async def fetch(self, url: str, **_: Any) -> FetchResult:
        return self._pages.pop(0) if len(self._pages) > 1 else self._pages[0]

    async def render(self, url: str, **_: Any) -> FetchResult:
        # A replayed check reads what the archive kept: never the live page, never a browser.
        raise FetchError(url, "an archived page is not rendered again")


def _page(capture: Capture, body: bytes, fallback_url: str) -> FetchResult:
    url = capture.url or fallback_url
    kind = capture.content_type
    notes = [f"{IMPORTED}{capture.ref}"]
    if capture.path.startswith(("http://", "https://")):  # a Wayback Machine capture
        notes.append(f"read from {capture.path}")  # the archive's address, to cite
    if capture.rework:
        notes.append(capture.rework)
    return FetchResult(
        url=url,
        final_url=url,  # the page's own address: its links read as a live check's do
        status=200,
        headers={"content-type": kind},
        body=body,
        content_type=kind,
        encoding=detect_encoding(body, kind) if is_textual(kind) else None,
        etag=None,
        last_modified=None,
        elapsed=0.0,
        fetcher="archive",
        notes=tuple(notes),
    )


def _pending(
    store: Store, policy: str, captures: Sequence[Capture], result: Replayed
) -> list[Capture]:
    """The captures not replayed yet and not older than the policy's latest check."""
    done, latest = store.imported_refs(policy, IMPORTED)
    todo = [c for c in captures if c.ref not in done]
    result.done_before += len(captures) - len(todo)
    if latest is not None:
        older = [c for c in todo if c.at < latest]
        if older:
            result.held_back.append(
                f"{policy}: {len(older)} capture(s) before its latest check ({latest}) not "
                "imported: a history only grows forward"
            )
            todo = [c for c in todo if c.at >= latest]
    return todo


async def _replay_one(
    policy: PolicyConfig,
    captures: Sequence[Capture],
    read: Reader,
    fetcher: Fetcher,
    *,
    store: Store,
    snapshots: SnapshotStore,
    config: Config | None,
    result: Replayed,
    on_done: Callable[[CheckResult], None] | None,
    confirm_with_next: bool,
) -> None:
    # Archived pages are read as fetched: no browser, no headers of ours to send.
    plain = replace(policy, fetcher="http", headers=(), cookies=())
    if captures and captures[0].content_type == "text/markdown":
        plain = replace(plain, select=(), remove=())  # text the archive extracted already
    pages: list[FetchResult | None] = [None] * len(captures)
    unreadable: set[int] = set()  # read once, said once (a rerun tries them again)

    async def page(i: int) -> FetchResult | None:
        if pages[i] is None and i not in unreadable:
            try:
                body = await read(captures[i], fetcher)
            except Exception as exc:  # one unreadable capture must not stop the others
                unreadable.add(i)
                result.failed.append(f"{captures[i].path} ({captures[i].ref}): {exc}")
                return None
            pages[i] = _page(captures[i], body, policy.url)
        return pages[i]

    for i, capture in enumerate(captures):
        first = await page(i)
        if first is None:
            continue
        again = await page(i + 1) if confirm_with_next and i + 1 < len(captures) else None
        # An archive that kept only versions says a text came back by keeping it again:
        # as good as the checks in a row a live revert waits for.
        for _ in range(1 if confirm_with_next else REVERT_AFTER):
            checked = await check_policy(
                plain,
                fetcher=_Archived(first, again),
                store=store,
                snapshots=snapshots,
                config=None if capture.rework else config,  # the page did not change
                at=capture.at,
            )
            if checked.outcome is not CheckOutcome.FLAPPING:
                break
        pages[i] = None  # read once, judged once: memory stays flat over long histories
        result.replayed += 1
        outcome = str(checked.outcome)
        result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
        if checked.outcome is CheckOutcome.NEW_VERSION and checked.severity == "material":
            result.material += 1
        if on_done is not None:
            on_done(checked)


def replay(
    config: Config,
    captures: Mapping[str, Sequence[Capture]],
    read: Reader,
    *,
    options: FetchOptions | None = None,
    notify: bool = False,
    confirm_with_next: bool = True,
    on_plan: Callable[[int], None] | None = None,
    on_done: Callable[[CheckResult], None] | None = None,
) -> Replayed:
    """Replay the ``captures`` of each configured policy (by name), oldest first; the
    policies side by side (their judging in the CPU pool). ``read`` gives a capture's
    bytes, with a fetcher of ``options`` open for it; ``on_plan`` is told how many
    captures will be replayed, ``on_done`` of each replayed check. With ``notify``,
    changes and reports are queued for the webhooks.
    ``confirm_with_next``: a large change is confirmed by the next capture (raw pages);
    without it, by the capture itself (text an archive extracted and kept as a version)."""
    result = Replayed()
    t0 = time.monotonic()
    snapshots = open_snapshots(config)
    with open_store(config) as store, cpu_pool(config.monitor.processes):
        # A policy renamed in the store but not in config.toml: an import under the old
        # name would start a second history of the same page.
        configured = [(p.name, p.url) for p in config.policies if p.name in captures]
        renamed = {lost["name"]: lost for lost in store.lost_histories(configured)}
        for name, lost in renamed.items():
            result.held_back.append(
                f"{name}: nothing imported: the store keeps this URL's history as "
                f"{lost['archived']!r} ({lost['versions']} version(s)); if you renamed it, "
                f"name the [[policy]] {lost['archived']!r} in config.toml too, else run: "
                f"monitor rename {lost['archived']} {name} --replace"
            )
        plan = {
            name: _pending(store, name, list(items), result)
            for name, items in captures.items()
            if config.policy(name) is not None and name not in renamed
        }
        if on_plan is not None:
            on_plan(sum(len(c) for c in plan.values()))

        async def one(
            name: str, items: Sequence[Capture], fetcher: Fetcher, limit: asyncio.Semaphore
        ) -> None:
            policy = config.policy(name)
            assert policy is not None
            async with limit:
                await _replay_one(
                    policy, items, read, fetcher, store=store, snapshots=snapshots,
                    config=config if notify else None, result=result, on_done=on_done,
                    confirm_with_next=confirm_with_next,
                )  # fmt: skip

        async def every() -> None:
            limit = asyncio.Semaphore(max(2, 2 * config.monitor.processes))
            async with Fetcher(options or FetchOptions()) as fetcher:
                await asyncio.gather(*(one(n, c, fetcher, limit) for n, c in plan.items() if c))

        asyncio.run(every())
    result.seconds = time.monotonic() - t0
    return result
