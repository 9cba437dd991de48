"""policy-monitor: watch privacy policies and terms pages change, clause by clause."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

# httpx imports its command-line client at import when click and rich are installed
# (they are: this package uses both), which loads rich's console, progress, syntax
# and tables and pygments' lexers: 35-50 ms of every command that fetches or checks
# a URL, for a client this package never runs. A None entry makes that one import
# fail, which httpx expects and answers with a stub ``httpx.main``.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

if TYPE_CHECKING:  # the names below load on first use: `monitor --help` needs none of them
    from monitor.config import Config, PolicyConfig, WebhookConfig, load_config
    from monitor.errors import ConfigError, FetchError, MonitorError
    from monitor.judge.compare import compare
    from monitor.models import (
        ChangeKind,
        CheckOutcome,
        Comparison,
        ComparisonSide,
        Document,
        FetchResult,
        Severity,
    )
    from monitor.output.render import render
    from monitor.pipeline import check_policies, check_policy, run_checks
    from monitor.records import CheckResult
    from monitor.text.normalize import normalize

_WHERE = {
    "Config": "monitor.config",
    "PolicyConfig": "monitor.config",
    "WebhookConfig": "monitor.config",
    "load_config": "monitor.config",
    "ConfigError": "monitor.errors",
    "FetchError": "monitor.errors",
    "MonitorError": "monitor.errors",
    "compare": "monitor.judge.compare",
    "ChangeKind": "monitor.models",
    "CheckOutcome": "monitor.models",
    "CheckResult": "monitor.records",
    "Comparison": "monitor.models",
    "ComparisonSide": "monitor.models",
    "Document": "monitor.models",
    "FetchResult": "monitor.models",
    "Severity": "monitor.models",
    "render": "monitor.output.render",
    "check_policies": "monitor.pipeline",
    "check_policy": "monitor.pipeline",
    "run_checks": "monitor.pipeline",
    "normalize": "monitor.text.normalize",
}


def __getattr__(name: str) -> Any:
    """``monitor.compare`` and the rest of the public names, imported when first used."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'monitor' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "ChangeKind",
    "CheckOutcome",
    "CheckResult",
    "Comparison",
    "ComparisonSide",
    "Config",
    "ConfigError",
    "Document",
    "FetchError",
    "FetchResult",
    "MonitorError",
    "PolicyConfig",
    "Severity",
    "WebhookConfig",
    "__version__",
    "check_policies",
    "check_policy",
    "compare",
    "load_config",
    "normalize",
    "render",
    "run_checks",
]
