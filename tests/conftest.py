from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from monitor.config import Config, load_config
from monitor.demo import SeedPage, SeedServer, load_seed_pages

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seed_pages() -> list[SeedPage]:
    return load_seed_pages()


@pytest.fixture
def seed_server(seed_pages: list[SeedPage]):
    pages = [SeedPage(**{**p.__dict__}) for p in seed_pages]  # a fresh, mutable copy
    with SeedServer(pages) as server:
        yield server


WriteConfig = Callable[..., Path]


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    """Write a config.toml into tmp_path: ``write_config({"name": url, ...}, extra=...)``."""

    def write(
        policies: dict[str, str],
        *,
        monitor: str = 'timeout = "5s"\nallow_private_networks = true',
        extra: str = "",
    ) -> Path:
        lines = ["[monitor]", monitor, ""]
        for name, url in policies.items():
            lines += ["[[policy]]", f'name = "{name}"', f'url = "{url}"', ""]
        path = tmp_path / "config.toml"
        path.write_text("\n".join(lines) + extra, encoding="utf-8")
        return path

    return write


@pytest.fixture
def seed_config(seed_server: SeedServer, write_config: WriteConfig) -> Config:
    path = write_config({name: seed_server.url(name) for name in seed_server.pages})
    return load_config(path)


# The PostgreSQL server of the store tests: each test gets a schema of its own in it.
POSTGRES = os.environ.get("MONITOR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The address of a new, empty schema of the test server (``MONITOR_TEST_POSTGRES``),
    dropped after the test. Without a server the test is skipped, saying so; with
    ``MONITOR_REQUIRE_POSTGRES=1`` (CI) it fails instead."""
    import uuid

    import psycopg

    try:
        conn = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        reason = f"no PostgreSQL answers at {POSTGRES} ({' '.join(str(exc).split())[:120]})"
        if os.environ.get("MONITOR_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in POSTGRES else "?"
    try:
        yield f"{POSTGRES}{joiner}options=-csearch_path%3D{schema}"
    finally:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
        conn.close()


def run_monitor(
    *args: str, cwd: Path | None = None, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI as a user would, in a subprocess (``env``: extra variables)."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    env.pop("MONITOR_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def history_json(config: Path, name: str) -> list[dict[str, object]]:
    """``monitor history NAME --json``: the stored versions of a policy, oldest first."""
    done = run_monitor("--config", str(config), "history", name, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]
