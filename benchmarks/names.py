"""Cross-script name screening benchmark: this engine next to reference matchers, in one run.

Usage:  python benchmarks/names.py [--per-track-cap N] [--no-anchors] [--anchors a,b]

Data: ../shared/data/names, relative to the repository root (override with MANARA_NAMES_DATA, or
move the whole ../shared with MANARA_SHARED_DIR); skipped when absent.
Harness: ../shared/tools/namebench/bench.py (override with MANARA_NAMEBENCH). The reference
matchers (nomenklatura, jellyfish, unidecode, ...) are not project dependencies: they run in
a separate virtual environment made by `make namebench-venv` (.venv-namebench; override the
interpreter with MANARA_NAMEBENCH_PYTHON).

This module is also the bench.py adapter (``--matcher names:make``) for the engine.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _shared import NAMEBENCH_PYTHON as ANCHOR_PYTHON
from _shared import ROOT, shared_path

DATA = shared_path("data", "names", env="MANARA_NAMES_DATA")
HARNESS = shared_path("tools", "namebench", env="MANARA_NAMEBENCH")
ANCHORS = "nk_logic_v2_union,rf_tsr_unidecode"
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def iso_dates(dob: str) -> tuple[str, ...]:
    """Convert the data set's dates ('01 Oct 1961;1961-10-01;circa 1955') to ISO prefixes."""
    out: list[str] = []
    for part in re.split(r";| to ", dob or ""):
        part = part.strip().lower()
        if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", part):
            out.append(part)
        elif m := re.search(r"(\d{1,2}) ([a-z]{3})[a-z]* (\d{4})", part):
            if m.group(2) in _MONTHS:
                out.append(f"{m.group(3)}-{_MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}")
        elif m := re.search(r"([a-z]{3})[a-z]* (\d{4})", part):
            if m.group(1) in _MONTHS:
                out.append(f"{m.group(2)}-{_MONTHS[m.group(1)]:02d}")
        elif m := re.search(r"\b(1[89]\d\d|20[0-2]\d)\b", part):
            out.append(m.group(1))
    return tuple(dict.fromkeys(out))


class EngineAdapter:
    """bench.py matcher protocol around manara.matching.Matcher."""

    def __init__(self) -> None:
        from manara.matching import ALGORITHM, DEFAULT_THRESHOLD, Matcher

        self.name = "manara_" + ALGORITHM.replace("/", "_v")
        self.default_threshold = DEFAULT_THRESHOLD
        self.matcher = Matcher()

    def _record(self, row: dict[str, str], key: str) -> Any:
        from manara.matching import PersonRecord

        nats = tuple(n.strip() for n in (row.get("nationality") or "").split(";") if n.strip())
        return PersonRecord(
            id=row[key], names=(row["name"],), birth_dates=iso_dates(row.get("dob", "")), nationalities=nats
        )

    def index(self, gallery: list[dict[str, str]]) -> None:
        for row in gallery:
            self.matcher.add(self._record(row, "gallery_id"))

    def search(self, query: dict[str, str], k: int) -> list[tuple[str, float]]:
        return [(r.id, r.score) for r in self.matcher.search(self._record(query, "query_id"), limit=k)]


def make() -> EngineAdapter:
    """Factory for bench.py --matcher names:make."""
    return EngineAdapter()


def _run(python: str, matchers: list[str], extra: list[str], results: Path, env_path: str) -> None:
    cmd = [
        python,
        str(HARNESS / "bench.py"),
        "--gallery",
        str(DATA / "gallery.tsv"),
        "--queries",
        str(DATA / "queries_dev.tsv"),
        *extra,
    ]
    for m in matchers:
        cmd += ["--matcher", m]
    env = dict(os.environ, NAMEBENCH_RESULTS=str(results), PYTHONPATH=env_path)
    subprocess.run(cmd, check=True, env=env)


def _row(path: Path) -> str:
    m = json.loads(path.read_text())
    o, k = m["overall"], m["k"]
    tracks = m["tracks"]

    def r10(t: str) -> str:
        return f"{tracks[t][f'recall@{k}']:.3f}" if t in tracks else "-"

    def at(key: str) -> str:
        v = o.get(key)
        return f"{v['hit_rate']:.3f}" if v else "-"

    d = o["at_default"]
    lat = m.get("cpu_latency") or m.get("latency") or {}
    return (
        f"| {m['name']} | {o['recall@1']:.3f} | {o[f'recall@{k}']:.3f} | {r10('sanc_latin')} | "
        f"{r10('sanc_arabic')} | {r10('wd_hebrew')} | {r10('wd_korean')} | {at('at_far_1pct')} | "
        f"{d['threshold']:.2f}: {d['hit_rate']:.3f} / {d['false_alert_rate']:.3f} | "
        f"{lat.get('mean_ms', 0):.1f} / {lat.get('p95_ms', 0):.1f} |"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-track-cap", type=int, default=0)
    ap.add_argument("--no-anchors", action="store_true")
    ap.add_argument("--anchors", default=ANCHORS, help="comma-separated anchors of namebench/anchors.py")
    ap.add_argument("--reuse-anchors", type=Path, help="take reference results (*.json) from an earlier run's folder")
    args = ap.parse_args()
    if not (DATA / "gallery.tsv").exists() or not (HARNESS / "bench.py").exists():
        print(f"names benchmark skipped: no data in {DATA} or no harness in {HARNESS}")
        return 0
    extra = ["--per-track-cap", str(args.per_track_cap)] if args.per_track_cap else []
    results = Path(tempfile.mkdtemp(prefix="manara-names-"))
    here = str(Path(__file__).resolve().parent)
    _run(sys.executable, ["names:make"], extra, results, os.pathsep.join([here, str(ROOT / "src")]))
    if args.reuse_anchors:
        for path in args.reuse_anchors.glob("*.json"):
            if not path.name.startswith("manara_"):
                shutil.copy(path, results)
    elif not args.no_anchors:
        if Path(ANCHOR_PYTHON).exists():
            anchors = [f"anchors:{a}" for a in args.anchors.split(",") if a]
            _run(ANCHOR_PYTHON, anchors, extra, results, str(HARNESS))
        else:
            print(f"reference matchers skipped: {ANCHOR_PYTHON} not found (make namebench-venv)")
    print(
        "\n| matcher | R@1 | R@10 | R@10 latin | R@10 arabic | R@10 hebrew | R@10 korean | "
        "hit@FAR<=1% | default t: hit / FAR | CPU ms mean / p95 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in sorted(results.glob("*.json")):
        print(_row(path))
    print(f"(results in {results})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
