"""policy-monitor: watch privacy policies and terms pages change, clause by clause."""

from __future__ import annotations

from monitor.config import Config, PolicyConfig, WebhookConfig, load_config
from monitor.errors import ConfigError, FetchError, MonitorError
from monitor.judge.compare import compare
from monitor.models import (
    ChangeKind,
    CheckOutcome,
    CheckResult,
    Comparison,
    ComparisonSide,
    Document,
    FetchResult,
    Severity,
)
from monitor.output.render import render
from monitor.pipeline import check_policies, check_policy, run_checks
from monitor.text.normalize import normalize

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
