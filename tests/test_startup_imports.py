"""What a short command loads: a diff of two files needs neither the network, the store
nor the HTML parser; a check in which no page changed reads no text, so loads neither
the judging modules nor rich; fetching does not load httpx's own command-line client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from monitor.demo import SeedServer
from tests.conftest import WriteConfig

DIFF = """
import json, sys
from monitor.cli import main
try:
    main(["diff", sys.argv[1], sys.argv[2], "--format", sys.argv[3]])
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted(sys.modules)))
"""


def loaded_by_diff(tmp_path: Path, fmt: str) -> set[str]:
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text("# Privacy\n\nWe keep your e-mail address for 12 months.\n", encoding="utf-8")
    new.write_text("# Privacy\n\nWe keep your e-mail address for 24 months.\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", DIFF, str(old), str(new), fmt],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "24 months" in done.stdout
    return set(json.loads(done.stderr))


def test_a_diff_of_two_files_loads_only_the_judging_stack(tmp_path: Path) -> None:
    modules = loaded_by_diff(tmp_path, "text")
    assert {"monitor.judge.compare", "monitor.text.segment", "rapidfuzz"} <= modules
    for absent in (
        "httpx",  # the network
        "monitor.net.options",
        "sqlite3",  # the store
        "monitor.records",
        "lxml",  # HTML
        "html.entities",
        "monitor.config",
        "rich",
    ):
        assert absent not in modules, absent


def test_the_html_format_loads_the_html_escapes(tmp_path: Path) -> None:
    assert "html.entities" in loaded_by_diff(tmp_path, "html")


def test_httpx_comes_without_its_command_line_client() -> None:
    program = (
        "import sys, monitor, httpx;"
        "assert httpx.URL('https://example.nl/privacy?x=1').host == 'example.nl';"
        "print(sorted(m for m in ('rich', 'pygments', 'httpx._main') if sys.modules.get(m)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


CHECK = """
import json, sys
from monitor.cli import main
try:
    main(["--config", sys.argv[1], "-q", "check", "--json"])
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted(sys.modules)))
"""

JUDGING = ("monitor.judge.compare", "monitor.judge.anomaly", "monitor.text.normalize", "lxml")


def loaded_by_check(config: Path) -> tuple[list[str], set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(config)],
        capture_output=True,
        text=True,
        check=True,
        cwd=config.parent,
    )
    outcomes = [row["outcome"] for row in json.loads(done.stdout)]
    return outcomes, set(json.loads(done.stderr))


def test_a_check_where_nothing_changed_loads_no_judging_module(
    seed_server: SeedServer, write_config: WriteConfig
) -> None:
    name = next(iter(seed_server.pages))
    config = write_config({name: seed_server.url(name)})
    outcomes, first = loaded_by_check(config)
    assert outcomes == ["new_version"]
    assert set(JUDGING) <= first  # a new page is read
    outcomes, again = loaded_by_check(config)
    assert outcomes in (["unchanged"], ["not_modified"])
    assert {"httpx", "sqlite3", "monitor.pipeline"} <= again
    for absent in (*JUDGING, "rich"):
        assert absent not in again, absent
