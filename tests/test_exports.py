from __future__ import annotations

import monitor


def test_public_api_is_sorted_and_importable() -> None:
    assert monitor.__all__ == sorted(monitor.__all__)
    for name in monitor.__all__:
        assert hasattr(monitor, name), name
