"""The resource bounds of one check, whatever the page: memory and time on hostile pages.

    python -m benchmarks.bounds [--max-bytes 10000000] [--only KIND ...] [--smoke]

Serves each page kind from a threaded HTTP server on loopback and runs one
``monitor check`` of it in a fresh subprocess (its own database, a config
that allows private networks). Measures the child's peak resident memory
(``ru_maxrss`` from ``os.wait4``), its wall and CPU time and the check's
outcome, and prints each as a ratio to the baseline, an ordinary seed page
checked the same way in the same run. From the worst kind it derives the
bound ``peak memory <= baseline + k x max_bytes`` and prints k. The last line
is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from monitor.demo import LoopbackServer

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Page:
    """What the server sends for one kind: the body as it goes on the wire."""

    body: bytes
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    decoded_bytes: int | None = None  # what the body decompresses to, when it is encoded
    before: bytes | None = None  # served and checked first (not measured): then a comparison


def _paragraphs() -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted((SEEDS / "text").glob("*.txt"))]
    return [para.strip() for text in texts for para in text.split("\n\n") if para.strip()]


def _pad(html: str, size: int) -> bytes:
    """``html`` padded with white space before ``</body>`` to exactly ``size`` bytes."""
    head, tail = html.encode("utf-8"), b"</body></html>\n"
    return head + b" " * max(0, size - len(head) - len(tail)) + tail


def baseline(max_bytes: int) -> Page:
    return Page((SEEDS / "pages" / "pcextreme-privacy.html").read_bytes())


def policy_at_max_bytes(max_bytes: int) -> Page:
    """Ordinary policy paragraphs, numbered copies of the seed texts, up to max_bytes."""
    paras = _paragraphs()
    parts = ["<!doctype html><html lang='nl'><head><title>Privacy</title></head><body><main>"]
    size, n = 0, 0
    while size < max_bytes - 2_000:
        para = paras[n % len(paras)]
        part = (
            f"<h2>{n // len(paras) + 1}.{n % len(paras)} Artikel</h2>\n"
            if n % 12 == 0
            else f"<p>{n}. {para}</p>\n"
        )
        parts.append(part)
        size += len(part.encode("utf-8"))
        n += 1
    return Page(_pad("".join(parts[:-1]) + "</main>", max_bytes))


def deep_nesting(max_bytes: int, depth: int = 10_000) -> Page:
    """10,000 nested ``<div>``s, each opening with a clause of its own."""
    paras = _paragraphs()
    opens = "".join(f"<div><p>{i}. {paras[i % len(paras)][:120]}</p>" for i in range(depth))
    return Page(f"<html><body>{opens}{'</div>' * depth}</body></html>".encode())


def many_list_items(max_bytes: int, items: int = 100_000) -> Page:
    """One list of 100,000 items."""
    lis = "".join(
        f"<li>Gegevens van categorie {i} bewaren wij twaalf maanden.</li>" for i in range(items)
    )
    return Page(
        f"<html><body><main><h1>Bewaartermijnen</h1><ul>{lis}</ul></main></body></html>".encode()
    )


def huge_attribute(max_bytes: int) -> Page:
    """An ordinary policy inside a ``<div>`` whose class attribute is most of max_bytes."""
    names = (" ".join(f"c{i}" for i in range(100_000)) + " ") * (max_bytes // 800_000)
    policy = "".join(f"<p>{p}</p>" for p in _paragraphs()[:40])
    return Page(f'<html><body><div class="{names}">{policy}</div></body></html>'.encode())


def one_long_line(max_bytes: int) -> Page:
    """max_bytes of letters: one line, no spaces, no tags."""
    word = b"Privacyverklaring"
    return Page((word * (max_bytes // len(word) + 1))[:max_bytes])


def one_paragraph(size: int, *, changed: int = 0, punctuated: bool = False) -> bytes:
    """A policy page of one paragraph of about ``size`` bytes of policy words, with
    ``changed`` words replaced (spread over it); ``punctuated``: in sentences."""
    rng = random.Random(7)
    vocabulary = " ".join(_paragraphs()).split()
    words = [rng.choice(vocabulary).strip(".") for _ in range(size // 8)]
    for i in rng.sample(range(len(words)), changed):
        words[i] = "gewijzigd"
    if punctuated:
        words = [w + "." if i % 15 == 14 else w for i, w in enumerate(words)]
    text = " ".join(words)
    return f"<html><body><h1>Privacyverklaring</h1><p>{text}</p></body></html>".encode()


def one_paragraph_changed(max_bytes: int) -> Page:
    """A second check: one unpunctuated paragraph of a fifth of max_bytes, 20 words changed
    since the first (a comparison of two very long clauses)."""
    size = max_bytes // 5
    return Page(one_paragraph(size, changed=20), before=one_paragraph(size))


def sentences_changed(max_bytes: int) -> Page:
    """A second check: one paragraph of short sentences, a fifth of max_bytes, 20 words
    changed (a comparison of very many clauses)."""
    size = max_bytes // 5
    return Page(
        one_paragraph(size, changed=20, punctuated=True),
        before=one_paragraph(size, punctuated=True),
    )


def binary_junk(max_bytes: int) -> Page:
    """max_bytes of random bytes served as text/html."""
    return Page(random.Random(1).randbytes(max_bytes), content_type="text/html")


def pdf_junk(max_bytes: int) -> Page:
    """A PDF header, then objects with random streams and no cross-reference table."""
    rng = random.Random(2)
    parts, size, n = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"], 0, 1
    while size < max_bytes - 70_000:
        data = rng.randbytes(rng.randrange(1_000, 64_000))
        obj = (
            b"%d 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\n"
            % (
                n,
                len(data),
                data,
            )
        )
        parts.append(obj)
        size += len(obj)
        n += 1
    body = b"".join(parts)
    return Page(body + b"\n" * (max_bytes - len(body)), content_type="application/pdf")


def gzip_bomb(max_bytes: int, decoded: int = 1_000_000_000) -> Page:
    """About 1 MB gzip-compressed, 1 GB decompressed (an HTML page of spaces).

    A megabyte of spaces is compressed once after a full flush, which resets the
    compressor's history, so every further copy compresses to the same bytes.
    """
    head_text, chunk = b"<html><body><p>Privacy</p>", b" " * 1_000_000
    count = decoded // len(chunk)
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = gz.compress(head_text) + gz.flush(zlib.Z_FULL_FLUSH)
    block = gz.compress(chunk) + gz.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head_text)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    size = (len(head_text) + count * len(chunk)) & 0xFFFFFFFF
    end = b"\x03\x00" + struct.pack("<II", crc, size)  # an empty last block; the trailer
    return Page(
        head + block * count + end, headers={"Content-Encoding": "gzip"}, decoded_bytes=decoded
    )


def brotli_bomb(max_bytes: int, decoded: int = 1_000_000_000) -> Page:
    """About 1.5 KB brotli-compressed, 1 GB decompressed (an HTML page of spaces)."""
    import brotli  # a dependency: httpx decodes "br" with it

    br = brotli.Compressor(quality=5)
    out = [br.process(b"<html><body><p>Privacy</p>")]
    chunk = b" " * 1_000_000
    out += [br.process(chunk) for _ in range(decoded // len(chunk))]
    out.append(br.finish())
    return Page(b"".join(out), headers={"Content-Encoding": "br"}, decoded_bytes=decoded)


KINDS: dict[str, Callable[[int], Page]] = {
    "baseline (seed page)": baseline,
    "policy at max_bytes": policy_at_max_bytes,
    "10,000-level nesting": deep_nesting,
    "100,000 list items": many_list_items,
    "multi-MB attribute": huge_attribute,
    "one line, no spaces": one_long_line,
    "one paragraph, 20 words changed": one_paragraph_changed,
    "sentences, 20 words changed": sentences_changed,
    "binary as text/html": binary_junk,
    "PDF-ish junk": pdf_junk,
    "gzip bomb": gzip_bomb,
    "brotli bomb": brotli_bomb,
}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a check that abandons a body resets the connection: expected here


class PageServer(LoopbackServer):
    """A threaded HTTP server on a free loopback port serving ``pages`` at ``/<index>``."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                page = server.pages.get(self.path.lstrip("/"))
                if page is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", page.content_type)
                for key, value in page.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(page.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(Handler, _QuietServer)


# Runs ``python -m monitor ...`` and, at exit, writes the process's peak resident
# memory (VmHWM) to the file named by BOUNDS_HWM. ru_maxrss from wait4 cannot be used:
# Linux carries the parent's high-water mark into a child across fork and exec.
_RUNNER = """
import atexit, os, runpy, sys

def _report():
    with open("/proc/self/status") as status, open(os.environ["BOUNDS_HWM"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")))

atexit.register(_report)
sys.argv[0] = "monitor"
runpy.run_module("monitor", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Measured:
    peak_rss_mb: float
    wall_s: float
    cpu_s: float
    exit_code: int | None  # None when the check was killed at the time limit
    outcome: str
    error: str | None


def _hwm_kb(status: str) -> int:
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def check_once(
    url: str, workdir: Path, *, max_bytes: int = 10_000_000, limit: float = 600.0
) -> Measured:
    """One ``monitor check --json`` of ``url`` in a fresh subprocess; its peak memory and time.

    The peak is the child's own VmHWM, reported at exit and also polled while it
    runs (the poll is what is left when the child is killed).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "config.toml"
    config.write_text(
        "[monitor]\n"
        f'database = "{workdir / "monitor.db"}"\n'
        f'snapshots = "{workdir / "snapshots"}"\n'
        'timeout = "120s"\n'
        f"max_bytes = {max_bytes}\n"
        "allow_private_networks = true\n\n"
        f'[[policy]]\nname = "page"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    hwm_path = workdir / "vmhwm"
    env = {
        **os.environ,
        "COLUMNS": "200",
        "NO_COLOR": "1",
        "BOUNDS_HWM": str(hwm_path),
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }  # the monitor package of this checkout
    env.pop("MONITOR_CONFIG", None)
    out_path, err_path = workdir / "stdout", workdir / "stderr"
    polled_kb = 0
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _RUNNER, "--config", str(config), "check", "--json"],
            stdout=out,
            stderr=err,
            cwd=workdir,
            env=env,
        )
        status_file = Path(f"/proc/{proc.pid}/status")
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            with contextlib.suppress(OSError, ValueError):
                polled_kb = max(polled_kb, _hwm_kb(status_file.read_text()))
            if not killed and time.perf_counter() - started > limit:
                proc.kill()
                killed = True
            time.sleep(0.005)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    reported_kb = _hwm_kb(hwm_path.read_text()) if hwm_path.exists() else 0
    outcome, error = "killed at the time limit" if killed else "crashed", None
    if not killed:
        try:
            row = json.loads(out_path.read_text("utf-8"))[0]
            outcome, error = row["outcome"], row["error"]
        except (ValueError, LookupError):
            error = err_path.read_text("utf-8", "replace").strip()[-300:] or None
    return Measured(
        peak_rss_mb=max(polled_kb, reported_kb) * 1024 / 1e6,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        exit_code=None if killed else proc.returncode,
        outcome=outcome,
        error=error,
    )


def _short(error: str | None, width: int = 58) -> str:
    if not error:
        return ""
    error = error.replace("\n", " ")
    return error if len(error) <= width else error[: width - 3] + "..."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-bytes", type=int, default=10_000_000)
    parser.add_argument("--only", nargs="*", help="substrings of the kinds to run (and baseline)")
    parser.add_argument(
        "--limit", type=float, default=600.0, help="seconds before a check is killed"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="The baseline and one small hostile page (for CI)."
    )
    args = parser.parse_args()
    if args.smoke:
        args.max_bytes, args.only, args.limit = 1_000_000, ["one line", "one paragraph"], 60.0
    kinds = [
        name
        for name in KINDS
        if name.startswith("baseline") or not args.only or any(o in name for o in args.only)
    ]
    results: dict[str, dict[str, Any]] = {}
    with PageServer() as server, tempfile.TemporaryDirectory() as tmp:
        for index, name in enumerate(kinds):
            page = KINDS[name](args.max_bytes)
            if page.before is not None:  # the first version, checked (and not measured) first
                server.pages[str(index)] = Page(page.before)
                check_once(
                    server.url(str(index)),
                    Path(tmp) / str(index),
                    max_bytes=args.max_bytes,
                    limit=args.limit,
                )
            server.pages[str(index)] = page
            measured = check_once(
                server.url(str(index)),
                Path(tmp) / str(index),
                max_bytes=args.max_bytes,
                limit=args.limit,
            )
            del server.pages[str(index)]
            results[name] = {
                "body_bytes": len(page.body),
                "decoded_bytes": page.decoded_bytes,
                "peak_rss_mb": round(measured.peak_rss_mb, 1),
                "wall_s": round(measured.wall_s, 2),
                "cpu_s": round(measured.cpu_s, 2),
                "exit_code": measured.exit_code,
                "outcome": measured.outcome,
                "error": measured.error,
            }
            print(
                f"{name}: {measured.peak_rss_mb:.0f} MB, {measured.wall_s:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    base = results[kinds[0]]
    for row in results.values():
        row["rss_ratio"] = round(row["peak_rss_mb"] / base["peak_rss_mb"], 2)
        row["wall_ratio"] = round(row["wall_s"] / base["wall_s"], 2)
        row["cpu_ratio"] = round(row["cpu_s"] / base["cpu_s"], 2)
    max_mb = args.max_bytes / 1e6
    # memory above the baseline, in units of max_bytes; bodies as served, then encoded ones
    extra = {
        name: (row["peak_rss_mb"] - base["peak_rss_mb"]) / max_mb
        for name, row in results.items()
        if name != kinds[0]
    }
    plain = {name: x for name, x in extra.items() if not results[name]["decoded_bytes"]}
    worst = max(plain, key=lambda name: plain[name]) if plain else kinds[0]
    k = math.ceil(plain.get(worst, 0.0) * 10) / 10
    cpu_per_mb = max(
        ((results[name]["cpu_s"] - base["cpu_s"]) / max_mb for name in plain), default=0.0
    )
    beyond = [name for name, x in extra.items() if x > k]
    crashed = [
        name
        for name, row in results.items()
        if row["exit_code"] != 0 or "internal error" in (row["error"] or "")
    ]
    print(
        f"\none `monitor check` per page kind, max_bytes = {args.max_bytes:,}; "
        f"baseline = the {base['body_bytes'] / 1000:.0f} KB seed page; "
        "x base = ratio to the baseline\n"
    )
    header = (
        f"{'kind':22}{'body bytes':>14}{'peak RSS MB':>13}{'x base':>8}"
        f"{'wall s':>8}{'x base':>8}{'cpu s':>7}  outcome"
    )
    print(header)
    print("-" * len(header))
    for name, row in results.items():
        body = f"{row['body_bytes']:,}"
        if row["decoded_bytes"]:
            body = f"{row['body_bytes']:,}>{row['decoded_bytes'] / 1e9:g}G"
        outcome = row["outcome"] + (f": {_short(row['error'])}" if row["error"] else "")
        print(
            f"{name:22}{body:>14}{row['peak_rss_mb']:>13.1f}{row['rss_ratio']:>8.2f}"
            f"{row['wall_s']:>8.2f}{row['wall_ratio']:>8.2f}{row['cpu_s']:>7.2f}  {outcome}"
        )
    print(
        f"\nbound: peak memory <= baseline + {k:g} x max_bytes for bodies served as they are "
        f"(worst: {worst}, {plain.get(worst, 0.0):.2f} x max_bytes above the baseline's "
        f"{base['peak_rss_mb']:.0f} MB); CPU <= baseline + {cpu_per_mb:.2f} s per MB of max_bytes"
    )
    for name in beyond:
        over = results[name]["peak_rss_mb"] - base["peak_rss_mb"]
        print(
            f"BEYOND the bound: {name}, {over:.0f} MB above the baseline "
            f"({extra[name]:.1f} x max_bytes) for a {results[name]['body_bytes']:,}-byte body"
        )
    if crashed:
        print(f"internal errors or crashes: {', '.join(crashed)}")
    print(
        json.dumps(
            {
                "max_bytes": args.max_bytes,
                "baseline_peak_rss_mb": base["peak_rss_mb"],
                "k": k,
                "worst": worst,
                "cpu_s_per_mb": round(cpu_per_mb, 3),
                "beyond_bound": beyond,
                "crashed": crashed,
                "kinds": results,
            }
        )
    )
    if args.smoke and crashed:
        sys.exit(f"smoke run: internal errors or crashes: {', '.join(crashed)}")


if __name__ == "__main__":
    main()
