"""Screening engine throughput: index N generated persons, then time single queries in-process.

Usage:  python benchmarks/screening_engine.py [--n 1000000] [--queries 2000] [--baseline-n 20000]

Gallery: manara.demo.persons.generate_persons over several countries (Arabic, Latin and Cyrillic
names with aliases in other scripts and spellings, dates of birth, passports). Queries: half are
gallery persons under another of their spellings (sometimes without a middle name, sometimes
without birth date), half are persons generated with another seed (mostly absent).
Prints build time, peak RSS, queries/s, p50/p99 latency, and recall@1 as a sanity check.
With --baseline-n, nomenklatura logic-v2 behind the namebench yente-like blocker runs on a
smaller gallery in a separate virtual environment (`make namebench-venv`, .venv-namebench; override the
interpreter with MANARA_NAMEBENCH_PYTHON) for a speed ratio. The harness is ../shared/tools/namebench,
relative to the repository root (MANARA_NAMEBENCH, or MANARA_SHARED_DIR for the whole ../shared).
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from _shared import NAMEBENCH_PYTHON as ANCHOR_PYTHON
from _shared import ROOT, shared_path

sys.path.insert(0, str(ROOT / "src"))

from manara.demo.persons import generate_persons, name_variants  # noqa: E402
from manara.matching import Matcher, PersonRecord, record_from_ftm  # noqa: E402

COUNTRIES = ("IQ", "SA", "EG", "MA", "DZ", "SY", "JO", "FR", "DE", "GB", "ES", "IT", "RU", "UA", "TR")
HARNESS = shared_path("tools", "namebench", env="MANARA_NAMEBENCH")


def _plan(n: int) -> list[tuple[str, int]]:
    countries = [c for c in COUNTRIES if _supported(c)]
    share, extra = divmod(n, len(countries))
    return [(cc, share + (i < extra)) for i, cc in enumerate(countries)]


def persons(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """Generate n persons spread over COUNTRIES (streamed: the gallery is never held in memory)."""
    for cc, count in _plan(n):
        yield from generate_persons(cc, count, seed=seed)


def _supported(cc: str) -> bool:
    try:
        next(iter(generate_persons(cc, 1)))
    except ValueError:
        return False
    return True


def make_queries(n: int, count: int, seed: int) -> list[tuple[PersonRecord, str]]:
    """Return (query, expected id or '') pairs: half known persons re-spelled, half strangers."""
    rng = random.Random(seed)  # noqa: S311 - benchmark sampling
    plan = _plan(n)
    out: list[tuple[PersonRecord, str]] = []
    for _ in range(count - count // 2):
        cc, size = rng.choice(plan)
        entity = next(iter(generate_persons(cc, 1, seed=seed, start=rng.randrange(size))))
        name = rng.choice(name_variants(entity))
        tokens = name.split()
        if len(tokens) > 3 and rng.random() < 0.3:
            name = " ".join(tokens[:1] + tokens[2:])
        props = entity["properties"]
        dates = tuple(props.get("birthDate", [])) if rng.random() < 0.8 else ()
        out.append((PersonRecord("q", (name,), dates, tuple(props.get("nationality", []))), entity["id"]))
    for entity in persons(count // 2, seed + 1000):
        props = entity["properties"]
        out.append(
            (
                PersonRecord(
                    "q", (props["name"][0],), tuple(props.get("birthDate", [])), tuple(props.get("nationality", []))
                ),
                "",
            )
        )
    rng.shuffle(out)
    return out


def rss_mb() -> float:
    """Return the peak resident set size of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_engine(gallery: Iterable[dict[str, Any]], queries: list[tuple[PersonRecord, str]]) -> dict[str, float]:
    """Index the gallery and time every query; return the measurements."""
    before = rss_mb()
    start = time.perf_counter()
    matcher = Matcher()
    for entity in gallery:
        matcher.add(record_from_ftm(entity))
    build = time.perf_counter() - start
    after = rss_mb()
    for query, _ in queries[:50]:
        matcher.search(query)
    lat: list[float] = []
    found = positives = 0
    start, cpu = time.perf_counter(), time.process_time()
    for query, expected in queries:
        t = time.perf_counter()
        results = matcher.search(query)
        lat.append((time.perf_counter() - t) * 1000)
        if expected:
            positives += 1
            found += bool(results) and results[0].id == expected
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    update_ms = _time_updates(matcher, queries)
    lat.sort()
    return {
        "records": len(matcher),
        "build_s": build,
        "rss_before_mb": before,
        "peak_rss_mb": after,
        "qps": len(queries) / total,
        "cpu_qps": len(queries) / cpu,
        "load": os.getloadavg()[0],
        "p50_ms": lat[len(lat) // 2],
        "p99_ms": lat[int(len(lat) * 0.99)],
        "mean_ms": statistics.mean(lat),
        "recall@1": found / max(1, positives),
        "update_ms": update_ms,
    }


def _time_updates(matcher: Matcher, queries: list[tuple[PersonRecord, str]]) -> float:
    """Return the mean milliseconds of an update (re-add under a new spelling) plus a remove."""
    known = [(q, expected) for q, expected in queries if expected][:500]
    start = time.perf_counter()
    for query, expected in known:
        matcher.add(PersonRecord(expected, (*query.names, "Test Update"), query.birth_dates))
        matcher.remove(expected)
    return (time.perf_counter() - start) * 1000 / max(1, len(known))


def _as_row(entity: dict[str, Any], key: str) -> dict[str, str]:
    props = entity["properties"]
    return {
        key: entity["id"],
        "name": props["name"][0],
        "dob": ";".join(props.get("birthDate", [])),
        "nationality": ";".join(props.get("nationality", [])),
    }


_BASELINE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import anchors
m = anchors.Nomenklatura("logic-v2", n_candidates=50, use_attrs=True)
gallery = [json.loads(l) for l in open(sys.argv[2])]
queries = [json.loads(l) for l in open(sys.argv[3])]
m.index(gallery)
for q in queries[:20]:
    m.search(q, 10)
start = time.perf_counter()
for q in queries:
    m.search(q, 10)
print(json.dumps({"qps": len(queries) / (time.perf_counter() - start)}))
"""


def run_baseline(gallery: Iterable[dict[str, Any]], queries: list[tuple[PersonRecord, str]]) -> float | None:
    """Return nomenklatura logic-v2 queries/s on the same gallery, or None if unavailable."""
    if not Path(ANCHOR_PYTHON).exists() or not (HARNESS / "anchors.py").exists():
        print(f"baseline skipped: {ANCHOR_PYTHON} (make namebench-venv) or {HARNESS}/anchors.py not found")
        return None
    tmp = Path(tempfile.mkdtemp(prefix="manara-screening-"))
    (tmp / "g.jsonl").write_text("".join(json.dumps(_as_row(e, "gallery_id")) + "\n" for e in gallery))
    rows = [
        {
            "query_id": f"q{i}",
            "name": q.names[0],
            "dob": ";".join(q.birth_dates),
            "nationality": ";".join(q.nationalities),
        }
        for i, (q, _) in enumerate(queries)
    ]
    (tmp / "q.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp / "baseline.py").write_text(_BASELINE)
    out = subprocess.run(
        [ANCHOR_PYTHON, str(tmp / "baseline.py"), str(HARNESS), str(tmp / "g.jsonl"), str(tmp / "q.jsonl")],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["qps"])


def _small_comparison(n: int, count: int, seed: int) -> None:
    """Compare with nomenklatura logic-v2 on a smaller gallery (one name per record on both sides)."""
    queries = make_queries(n, count, seed)
    single = [{**e, "properties": {**e["properties"], "alias": []}} for e in persons(n, seed)]
    ours = run_engine(single, queries)
    theirs = run_baseline(single, queries)
    print(f"baseline gallery {n}: manara {ours['qps']:.0f} q/s", end="")
    if theirs:
        print(f", nomenklatura logic-v2 {theirs:.1f} q/s, ratio {ours['qps'] / theirs:.0f}x")
    else:
        print()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--baseline-n", type=int, default=0, help="gallery size for the nomenklatura ratio (0: skip)")
    args = ap.parse_args()
    queries = make_queries(args.n, args.queries, args.seed)
    m = run_engine(persons(args.n, args.seed), queries)
    print(
        "| persons | build (incl. generation) | index memory (RSS growth) | queries/s wall | queries/s CPU | "
        "p50 ms | p99 ms | recall@1 | update+remove ms | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {m['records']} | {m['build_s']:.0f} s | {m['peak_rss_mb'] - m['rss_before_mb']:.0f} MB "
        f"(peak RSS {m['peak_rss_mb']:.0f} MB) | {m['qps']:.0f} | {m['cpu_qps']:.0f} | {m['p50_ms']:.2f} | "
        f"{m['p99_ms']:.2f} | {m['recall@1']:.3f} | {m['update_ms']:.2f} | {m['load']:.1f} |"
    )
    if args.baseline_n:
        _small_comparison(args.baseline_n, min(args.queries, 500), args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
