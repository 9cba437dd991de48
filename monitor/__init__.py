"""policy-monitor: watch privacy policies and terms pages change, clause by clause."""

from __future__ import annotations

from monitor.config import Config, PolicyConfig, WebhookConfig, load_config
from monitor.errors import ConfigError, FetchError, MonitorError
from monitor.judge.compare import compare
from monitor.models import CheckOutcome, CheckResult, Document, FetchResult
from monitor.pipeline import check_policies, check_policy, run_checks

__version__ = "0.1.0"

__all__ = [
    "CheckOutcome",
    "CheckResult",
    "Config",
    "ConfigError",
    "Document",
    "FetchError",
    "FetchResult",
    "MonitorError",
    "PolicyConfig",
    "WebhookConfig",
    "__version__",
    "check_policies",
    "check_policy",
    "compare",
    "load_config",
    "run_checks",
]
