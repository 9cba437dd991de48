"""Config files that are not files, or too large, or very long: one line, quickly.

``--config /dev/zero`` used to grow memory without bound, a FIFO with no
writer hung, and the duplicate-name check made loading quadratic in the number
of policies (40,000 policies: 55 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.config_checks import MAX_CONFIG_BYTES

from ..conftest import run_monitor
from .test_input import one_line_error

LIMIT = 60  # seconds: guards against a hang or runaway memory, not for speed


def test_a_device_is_not_a_config_file() -> None:
    result = run_monitor("--config", "/dev/zero", "list", timeout=LIMIT)
    one_line_error(result, "/dev/zero", "not a regular file or a pipe")


def test_a_fifo_without_a_writer_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    result = run_monitor("--config", str(fifo), "check", timeout=LIMIT)
    one_line_error(result, str(fifo), "the pipe sent nothing")


def test_a_config_through_a_pipe_is_read(tmp_path: Path) -> None:
    """``--config <(envsubst < config.tmpl)``: a pipe that a writer fills is a config."""
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    text = f'[monitor]\ndatabase = "{tmp_path / "m.db"}"\n\n' + (
        '[[policy]]\nname = "a"\nurl = "https://example.org/p"\n'
    )
    writer = subprocess.Popen(["sh", "-c", f'sleep 1; printf "%s" "$0" > "{fifo}"', text])
    try:
        listed = run_monitor("--config", str(fifo), "list", timeout=LIMIT)
    finally:
        writer.wait(timeout=LIMIT)
    assert listed.returncode == 0, listed.stderr
    assert "example.org" in listed.stdout


def test_relative_paths_in_a_piped_config_are_relative_to_the_current_directory(
    tmp_path: Path,
) -> None:
    """They were relative to /proc/PID/fd, where no database can be made."""
    text = (
        '[monitor]\ndatabase = "here.db"\n\n[[policy]]\nname = "a"\nurl = "https://example.org/p"\n'
    )
    command = f'printf "%s" "$0" | "{sys.executable}" -m monitor --config /dev/stdin status'
    fed = subprocess.run(
        ["sh", "-c", command, text],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )
    assert fed.returncode == 0, fed.stderr
    assert (tmp_path / "here.db").is_file()


def test_a_config_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    with path.open("wb") as handle:  # sparse: nothing is written, the size is what counts
        handle.truncate(MAX_CONFIG_BYTES + 1)
    one_line_error(run_monitor("--config", str(path), "list", timeout=LIMIT), "bytes, over")


def _many(path: Path, count: int, *, duplicate: bool = False) -> None:
    lines = ["[monitor]", ""]
    for i in range(count):
        name = "p0" if duplicate and i == count - 1 else f"p{i}"
        lines += [
            "[[policy]]",
            f'name = "{name}"',
            f'url = "https://e{i % 97}.example.org/{i}"',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_forty_thousand_policies_load_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    _many(path, 40_000)
    started = time.monotonic()
    assert len(load_config(path).policies) == 40_000
    # A hang guard with a wide margin: quadratic loading took 55 s here, linear takes ~2 s.
    assert time.monotonic() - started < 30


def test_a_duplicate_name_at_the_end_of_a_long_config_is_still_found(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    _many(path, 5_000, duplicate=True)
    with pytest.raises(Exception, match="duplicate policy name"):
        load_config(path)
