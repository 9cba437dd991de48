"""Turning a configuration into what checks need: fetch options, the fetcher, the store
(in sync with the configuration) and the snapshot folder (for the CLI and the daemon,
through ``monitor.pipeline``)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from monitor.config import Config
from monitor.net.fetch import Fetcher
from monitor.net.options import FetchOptions
from monitor.snapshots import SnapshotStore
from monitor.store import Store

__all__ = ["fetch_options", "open_fetcher", "open_snapshots", "open_store"]

logger = logging.getLogger("monitor.pipeline")


def fetch_options(config: Config | None = None, **overrides: Any) -> FetchOptions:
    """The fetch settings of ``config`` (the defaults without one), with ``overrides``."""
    options = config.monitor.fetch if config is not None else FetchOptions()
    return replace(options, **overrides) if overrides else options


def open_fetcher(config: Config | None = None, **overrides: Any) -> Fetcher:
    """A :class:`Fetcher` with :func:`fetch_options`; close it (``async with``, ``aclose``)."""
    return Fetcher(fetch_options(config, **overrides))


def open_store(config: Config, *, sync: bool = True) -> Store:
    """The database of ``config``, checked and its policies in sync with the config; with
    ``sync=False`` (commands that only read) nothing is written: no wait for a writer."""
    store = Store.open(config.monitor.database, verify=sync)
    try:
        if sync:
            store.sync_policies(config.policies)
            for lost in store.lost_histories((p.name, p.url) for p in config.policies):
                logger.warning("%s", lost["advice"])
    except BaseException:
        store.close()
        raise
    return store


def open_snapshots(config: Config) -> SnapshotStore:
    """The snapshot folder of ``config``, cleared of temporary files a crash left."""
    snapshots = SnapshotStore(config.monitor.snapshots)
    snapshots.remove_temporary()
    return snapshots
