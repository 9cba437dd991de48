"""Bad configuration, bad arguments and addresses that must never be fetched, through the CLI.

Every case ends with one line on stderr and exit status 2 (or an error
outcome for the policy), never a traceback, never a secret in the output,
and nothing sent to an address the network policy forbids.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from ..conftest import WriteConfig, run_monitor

PASSWORD = "hunter2-Zq8"
POLICY = '[[policy]]\nname = "a"\nurl = "https://example.nl/privacy"\n'


def one_line_error(result: object, *needles: str) -> str:
    stderr = getattr(result, "stderr", "")
    assert getattr(result, "returncode", None) == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return str(lines[0])


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("[monitor\ndatabase = 'x'\n", ["invalid TOML"]),
        ('[monitor]\ntimeout = "5s"\ntimeout = "6s"\n', ["invalid TOML"]),
        ("[monitor]\ndatabase = 'a.db'\n\x00\x01binary", ["invalid TOML"]),
        ("[monitor]\nspeed = 'fast'\n", ["[monitor]: key 'speed': unknown key"]),
        (POLICY + "selector = 'main'\n", ["policy 'a': key 'selector': unknown key"]),
        (POLICY + POLICY, ["policy 'a': key 'name': duplicate policy name"]),
        (
            POLICY + '[[webhook]]\nname = "w"\nurl = "https://h.nl/x"\n'
            '[[webhook]]\nname = "w"\nurl = "https://h.nl/y"\n',
            ["webhook 'w': key 'name': duplicate webhook name"],
        ),
        (
            f'[[policy]]\nname = "a"\nurl = "https://admin:{PASSWORD}@example.nl/privacy"\n',
            ["policy 'a': key 'url'", "credentials", "***@example.nl"],
        ),
        (
            f'[[policy]]\nname = "a"\nurl = "https://{PASSWORD}@example.nl/privacy"\n',
            ["policy 'a': key 'url'", "credentials"],
        ),
        (
            POLICY + f'[[webhook]]\nname = "w"\nurl = "https://bot:{PASSWORD}@hooks.example"\n',
            ["webhook 'w': key 'url'", "credentials"],
        ),
        (
            f'[[policy]]\nname = "a"\nurl = "ftp://u:{PASSWORD}@example.nl/p"\n',
            ["policy 'a': key 'url'", "must start with http"],
        ),
        ("[monitor]\nca_file = 'missing.pem'\n", ["[monitor]: key 'ca_file': no such file"]),
        (POLICY + "verify_tls = 'no'\n", ["policy 'a': key 'verify_tls': expected true or false"]),
        ("[monitor]\nmax_bytes = -1\n", ["[monitor]: key 'max_bytes'"]),
        ("[monitor]\ninterval = '0s'\n", ["[monitor]: key 'interval'"]),
    ],
)
def test_bad_configs_are_one_line_naming_file_and_key_and_never_echo_a_password(
    tmp_path: Path, text: str, needles: list[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    result = run_monitor("--config", str(path), "check")
    line = one_line_error(result, str(path), *needles)
    assert PASSWORD not in line and PASSWORD not in result.stdout
    assert not (tmp_path / "monitor.db").exists()


@pytest.mark.parametrize(
    "command",
    [["list"], ["status"], ["history", "a"], ["show", "a"], ["diff", "a"], ["feed"], ["notify"]],
)
def test_every_command_refuses_a_url_with_credentials(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(POLICY.replace("https://", f"https://a:{PASSWORD}@"), encoding="utf-8")
    result = run_monitor("--config", str(path), *command)
    line = one_line_error(result, str(path), "credentials")
    assert PASSWORD not in line and PASSWORD not in result.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"\xff\xfe[monitor]\n", "not valid UTF-8"),
        (b"", "has no [[policy]] tables"),
    ],
)
def test_unreadable_or_empty_config_files(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    one_line_error(run_monitor("--config", str(path), "check"), needle)


def test_a_folder_given_as_config(tmp_path: Path) -> None:
    one_line_error(run_monitor("--config", str(tmp_path), "list"), str(tmp_path))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["diff"], "Missing argument"),
        (["diff", "a.html", "b.html", "--format", "pdf"], "'pdf' is not one of"),
        (["diff", "a.html", "b.html", "--from", "1"], "--from"),
        (["history"], "Missing argument"),
        (["show", "a", "--version", "-1"], "has no version -1"),
        (["feed", "--limit", "many"], "'many' is not a valid integer"),
        (["deliveries", "--retry", "x"], "'x' is not a valid integer"),
        (["run", "--shutdown-timeout", "soon"], "soon"),
        (["check", "--json", "--json", "nope"], "no policy named 'nope'"),
        (["-vvvvv", "--quiet", "frobnicate"], "No such command"),
    ],
)
def test_bad_arguments_are_one_line_exit_2(
    write_config: WriteConfig, args: list[str], needle: str
) -> None:
    path = write_config({"a": "https://example.nl/privacy"})
    one_line_error(run_monitor("--config", str(path), *args), needle)


def test_diff_refuses_urls_with_credentials_without_echoing_them(tmp_path: Path) -> None:
    other = tmp_path / "b.html"
    other.write_text("<p>Wij verwerken persoonsgegevens.</p>", encoding="utf-8")
    result = run_monitor("diff", f"https://admin:{PASSWORD}@example.nl/privacy", str(other))
    line = one_line_error(result, "credentials", "***@example.nl")
    assert PASSWORD not in line and PASSWORD not in result.stdout


# -- addresses that are never fetched --------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "LOCALHOST",
        "localhost.",
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "0.0.0.0",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[0:0:0:0:0:ffff:7f00:1]",
    ],
)
def test_names_and_forms_of_loopback_are_never_fetched(
    host: str, httpserver: HTTPServer, write_config: WriteConfig
) -> None:
    """The test server listens on loopback; with the default network policy no request
    may reach it, however the address is spelled (DNS names are resolved first)."""
    httpserver.expect_request("/p").respond_with_data("<p>geheim</p>", content_type="text/html")
    url = f"http://{host}:{httpserver.port}/p"
    path = write_config({"p": url}, monitor='timeout = "3s"')
    result = run_monitor("--config", str(path), "check", "--json")
    if result.returncode == 2:  # a form httpx cannot parse is refused with the config
        one_line_error(result, "key 'url'", "is not a valid URL")
    else:
        row = json.loads(result.stdout)[0]
        assert row["outcome"] == "error"
        assert "non-public address" in row["error"] or "cannot resolve" in row["error"], row
    assert len(httpserver.log) == 0
    diff = run_monitor("diff", url, url)
    one_line_error(diff)
    assert len(httpserver.log) == 0
