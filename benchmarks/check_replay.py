"""Whole checks on a real history: ``monitor check`` against a loopback server that
replays a source page's archived snapshots in order.

    python -m benchmarks.check_replay SNAPSHOTS_REPO VERSIONS_REPO [--steps N] [--sources K]

Each step serves the next raw snapshot of every chosen source (and keeps serving
it until the next step, so a confirming second fetch sees the same page), runs
one ``check`` of all of them, and reads what the store recorded.  A step after
which the archive recorded no new version is noise: no material change may be
reported for it (``--audit``: unless people judged the pair itself material, an
archive that missed a change; ``--export-noise DIR`` writes such pairs for that
audit, see ``benchmarks.noise_audit``).  A version the archive recorded and a person labelled
(``--labels``) is scored from the checks of its changed pages: it must be reported
when it is material, and never when it is an anomaly.  At the end every material
change must have been queued for the webhook exactly once.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.noise_audit import export, load_audit
from benchmarks.replay import Git, Pair, collect, load_labels, smoke_collection
from monitor.config import load_config
from monitor.models import CheckOutcome
from monitor.net.options import FetchOptions
from monitor.pipeline import run_checks
from monitor.records import CheckResult

NOISE_TARGET = 0.01  # of the noise steps, at most this share reported as material


class Replayer(ThreadingHTTPServer):
    """Serves ``bodies[name]`` at ``/name``; a test sets the bodies between checks."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Replayer

    def do_GET(self) -> None:
        body = self.server.bodies.get(self.path.strip("/"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def lines(pairs: list[Pair], sources: int, steps: int) -> dict[str, list[Pair]]:
    """The first ``steps`` pairs of the ``sources`` sources with the most recorded changes."""
    by_source: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_source.setdefault(pair.source, []).append(pair)
    ranked = sorted(by_source, key=lambda s: -sum(p.kind == "recorded" for p in by_source[s]))
    return {source: by_source[source][:steps] for source in ranked[:sources]}


def run(
    snapshots: Git,
    versions: Git,
    labels: dict[str, Any],
    sources: int,
    steps: int,
    *,
    only: str | None = None,
    keep: Path | None = None,
    audit: dict[str, str] | None = None,
    reported: list[Pair] | None = None,
) -> dict[str, Any]:
    """The figures; ``reported`` collects the noise pairs reported as material, and
    ``audit`` (labels by newer snapshot) says which of them the archive missed."""
    audit = audit or {}
    pairs = collect(snapshots, versions)
    if only:
        pairs = [p for p in pairs if only in p.source]
    chosen = lines(pairs, sources, steps)
    names = {source: f"p{i}" for i, source in enumerate(chosen)}
    server = Replayer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    figures: dict[str, Any] = {
        "sources": len(chosen),
        "steps": 0,
        "noise_steps": 0,
        "noise_reported": 0,
        "material_labelled": 0,
        "material_reported": 0,
        "anomaly_labelled": 0,
        "anomaly_reported": 0,
        "anomaly_versions": 0,
        "noise_archive_missed": 0,  # reported noise pairs people labelled material
    }
    seen: dict[str, list[CheckResult]] = {}  # labelled version → its sources' checks
    early: dict[str, int] = {}  # source → step of a material change the archive recorded late
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
            config_path = (keep or Path(tmp)) / "config.toml"
            policies = "".join(
                f'[[policy]]\nname = "{name}"\nurl = "{url}/{name}"\n\n' for name in names.values()
            )
            config_path.write_text(
                '[monitor]\ntimeout = "10s"\nallow_private_networks = true\n\n'
                + policies
                + '[[webhook]]\nname = "w"\nurl = "https://hooks.example.org/x"\n',
                encoding="utf-8",
            )
            config = load_config(config_path)
            options = FetchOptions(allow_private_networks=True, timeout=10.0, retries=0)
            first = {s: snapshots.read(line[0].old_snapshot, s) for s, line in chosen.items()}
            server.bodies = {names[s]: body for s, body in first.items()}
            run_checks(config, options=options)
            for index in range(max(len(line) for line in chosen.values())):
                step = {s: line[index] for s, line in chosen.items() if index < len(line)}
                server.bodies.update(
                    {names[s]: snapshots.read(p.new_snapshot, s) for s, p in step.items()}
                )
                results = {r.policy: r for r in run_checks(config, options=options)}
                for source, pair in step.items():
                    result = results[names[source]]
                    figures["steps"] += 1
                    if pair.kind == "noise":
                        figures["noise_steps"] += 1
                        if result.severity != "material":
                            continue
                        if audit.get(pair.new_snapshot) == "material":
                            figures["noise_archive_missed"] += 1
                            early[source] = index
                        else:
                            figures["noise_reported"] += 1
                            if reported is not None:
                                reported.append(pair)
                    elif pair.new_version in labels:
                        if early.get(source) == index - 1:  # reported one check before
                            result = replace(result, severity="material")
                        seen.setdefault(pair.new_version, []).append(result)
            _score(figures, seen, labels)
            with sqlite3.connect(config.monitor.database) as db:
                material = db.execute("SELECT count(*) FROM changes WHERE severity = 'material'")
                queued = db.execute(
                    "SELECT count(*), count(DISTINCT change_id) FROM deliveries "
                    "WHERE event_type = 'policy.changed'"
                )
                figures["material_changes"] = material.fetchone()[0]
                figures["queued"], figures["queued_distinct"] = queued.fetchone()
    finally:
        server.shutdown()
        server.server_close()
    return figures


def _score(
    figures: dict[str, Any], seen: dict[str, list[CheckResult]], labels: dict[str, Any]
) -> None:
    """Score each labelled version from the checks of its changed sources, the way
    ``replay`` combines them: an anomaly in any source makes the version an anomaly,
    else a material change in any makes it material (a document of several pages is
    labelled as a whole, and each page is a policy of its own here).  A change the
    archive recorded one check late (its page's previous pair audited material and
    reported) counts as reported."""
    for version, results in seen.items():
        label = labels[version]["label"]
        anomaly = any(r.outcome is CheckOutcome.ANOMALY for r in results)
        reported = not anomaly and any(r.severity == "material" for r in results)
        if label == "material":
            figures["material_labelled"] += 1
            figures["material_reported"] += reported
        elif label == "anomaly":
            figures["anomaly_labelled"] += 1
            figures["anomaly_reported"] += reported
            figures["anomaly_versions"] += all(
                r.outcome is CheckOutcome.NEW_VERSION for r in results
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshots", type=Path, nargs="?")
    parser.add_argument("versions", type=Path, nargs="?")
    parser.add_argument("--labels", type=Path, help="TOML labels of recorded changes")
    parser.add_argument("--sources", type=int, default=6)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--only", metavar="TEXT", help="only sources whose file name holds TEXT")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the store and config in DIR")
    parser.add_argument(
        "--audit", type=Path, metavar="FILE", help="people's labels of reported noise pairs"
    )
    parser.add_argument(
        "--export-noise", type=Path, metavar="DIR", help="write reported noise pairs for an audit"
    )
    parser.add_argument(
        "--declarations", type=Path, metavar="REPO", help="the collection's declarations (export)"
    )
    parser.add_argument("--smoke", action="store_true", help="a built three-snapshot history")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if args.snapshots is None or args.versions is None:
            if not args.smoke:
                parser.error("give SNAPSHOTS_REPO and VERSIONS_REPO (or --smoke alone)")
            args.snapshots, args.versions = smoke_collection(Path(tmp))
        labels = load_labels(args.labels)
        reported: list[Pair] = []
        figures = run(
            Git(args.snapshots),
            Git(args.versions),
            labels,
            args.sources,
            args.steps,
            only=args.only,
            keep=args.keep,
            audit=load_audit(args.audit),
            reported=reported,
        )
        if args.export_noise and reported:
            declarations = Git(args.declarations) if args.declarations else None
            count = export(reported, Git(args.snapshots), declarations, args.export_noise)
            print(f"wrote {count} reported noise pairs to {args.export_noise}", file=sys.stderr)
    figures["seconds"] = round(time.perf_counter() - t0, 1)
    noise_rate = figures["noise_reported"] / max(1, figures["noise_steps"])
    figures["noise_reported_rate"] = round(noise_rate, 4)
    figures["material_recall"] = round(
        figures["material_reported"] / max(1, figures["material_labelled"]), 3
    )
    ok = noise_rate <= NOISE_TARGET and figures["anomaly_reported"] == 0
    ok = ok and figures["queued"] == figures["queued_distinct"] == figures["material_changes"]
    print(json.dumps(figures))
    if not ok:
        print(
            f"more than {NOISE_TARGET:.0%} of noise steps reported, an anomaly reported, "
            "or a change queued twice or not at all",
            file=sys.stderr,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
