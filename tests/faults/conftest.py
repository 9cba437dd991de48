"""The fault-injection suite: hostile pages, broken servers, bad input and crashes.

Every test under ``tests/faults`` carries the ``faults`` marker, so the suite
reruns on its own with ``pytest -m faults`` (it is also part of the full run).
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.faults)
