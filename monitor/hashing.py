"""The one content hash of the monitor: sha256, as lowercase hex."""

from __future__ import annotations

import hashlib

__all__ = ["sha256"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
