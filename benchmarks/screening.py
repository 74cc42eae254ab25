"""Benchmark: screening at network scale, in-process and over HTTP, and a batch of passengers.

Builds a gallery of N generated persons with realistic name distributions (default 1,000,000;
each a published notice visible to all), then measures:
- index build time and resident memory;
- single-query throughput and p50/p99 latency in-process (ScreeningIndex.search);
- requests/s and p50/p99 over HTTP against `manara serve` loaded from a snapshot of that index,
  with concurrent keep-alive clients on the same 2-core machine;
- batch screening of P passengers (default 100,000; 2% planted wanted persons) through the real
  batch path (hits raised and audited in SQLite).

    .venv/bin/python benchmarks/screening.py [--n 1000000] [--queries 2000] [--passengers 100000]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import sessionmaker

from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.demo.persons import generate_persons, name_variants
from manara.matching import PersonRecord, record_from_ftm
from manara.member import actions as member_actions
from manara.member.roles import Actor, Role
from manara.screening.batch import csv_rows, run_batch
from manara.screening.index import ScreeningIndex, Target

COUNTRIES = ["MA", "DZ", "TN", "EG", "JO", "LB", "AE", "FR", "ES", "DE"]


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def gallery(n: int) -> tuple[ScreeningIndex, list[dict[str, Any]], float, float]:
    """Build the index of n generated persons; return it, a sample of persons, seconds and MB added."""
    index = ScreeningIndex()
    sample: list[dict[str, Any]] = []
    before, start = rss_mb(), time.perf_counter()
    per = n // len(COUNTRIES)
    rng = random.Random(3)  # noqa: S311 - benchmark sampling
    for code in COUNTRIES:
        for person in generate_persons(code, per, seed=11):
            nid = f"n-{person['id']}"
            target = Target(notice_id=nid, owner=code, visibility="all", shared_with=frozenset(), notice_type="red",
                            reference=nid, title="Wanted", subject_pk=str(person["id"]))  # fmt: skip
            index.put(target, record_from_ftm({**person, "id": nid}))
            if rng.random() < 0.002:
                sample.append(person)
    index.built = True
    return index, sample, time.perf_counter() - start, rss_mb() - before


def make_queries(sample: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """Half variants of gallery persons (another spelling, same birth date), half strangers."""
    rng = random.Random(5)  # noqa: S311 - benchmark sampling
    strangers = list(generate_persons("FR", count, seed=99)) + list(generate_persons("EG", count, seed=99))
    queries = []
    for i in range(count):
        if i % 2 == 0 and sample:
            person = rng.choice(sample)
            names = name_variants(person)
            dob = (person["properties"].get("birthDate") or [None])[0]
            queries.append({"names": [rng.choice(names)], "birth_date": dob})
        else:
            person = strangers[i]
            queries.append({"names": person["properties"]["name"][:1],
                            "birth_date": (person["properties"].get("birthDate") or [None])[0]})  # fmt: skip
    return queries


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """Return p50 and p99 in milliseconds."""
    ordered = sorted(latencies)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def in_process(index: ScreeningIndex, queries: list[dict[str, Any]]) -> tuple[float, float, float]:
    """Return queries/s, p50 ms and p99 ms of single searches."""
    records = [PersonRecord(id="q", names=tuple(q["names"]), birth_dates=(q["birth_date"],) if q["birth_date"] else ())
               for q in queries]  # fmt: skip
    latencies = []
    start = time.perf_counter()
    for record in records:
        t = time.perf_counter()
        index.search("FR", record, 10)
        latencies.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    return len(records) / total, *percentiles(latencies)


def setup_db(workdir: Path) -> tuple[str, Actor, str]:
    """Create the SQLite database with a member, an officer and an API key."""
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    with sessionmaker(bind=engine).begin() as session:
        for code in COUNTRIES:
            member_actions.do_create_member(session, code, acting=system)
        user = member_actions.do_create_user(session, "fr.fo", country="FR", role=Role.FRONTLINE_OFFICER,
                                             acting=system)  # fmt: skip
        _, token = member_actions.do_create_api_key(session, user, acting=system)
        actor = Actor(user_id=user.id, username=user.username, country="FR", role=Role.FRONTLINE_OFFICER)
    engine.dispose()
    return url, actor, token


def http_load(
    base: str, token: str, queries: list[dict[str, Any]], clients: int, seconds: float
) -> tuple[float, float, float, int]:
    """Run concurrent keep-alive clients for a fixed time; return req/s, p50, p99 and errors."""
    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker(offset: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            i = offset
            while time.perf_counter() < stop:
                t = time.perf_counter()
                response = client.post("/api/v1/screen", json=queries[i % len(queries)])
                elapsed = time.perf_counter() - t
                with lock:
                    if response.status_code == 200:
                        latencies.append(elapsed)
                    else:
                        errors[0] += 1
                i += clients

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = time.perf_counter() - start
    return len(latencies) / total, *percentiles(latencies), errors[0]


def serve(url: str, snapshot: Path, workdir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start `manara serve` on the bench database with the snapshot; wait until ready."""
    env = {**os.environ, "MANARA_DATABASE_URL": url, "MANARA_SCREENING_SNAPSHOT": str(snapshot),
           "MANARA_DATA_DIR": str(workdir / "var"), "MANARA_LOG_LEVEL": "WARNING"}  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "manara.cli.main", "serve", "--port", str(port)], env=env)  # noqa: S603
    deadline = time.time() + 900
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(1)
    proc.kill()
    raise RuntimeError("server did not become ready")


def passengers(sample: list[dict[str, Any]], count: int) -> str:
    """A CSV passenger list: 2% planted wanted persons, the rest strangers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "names", "birth_date", "nationality"])
    strangers = generate_persons("ES", count, seed=77)
    rng = random.Random(8)  # noqa: S311 - benchmark sampling
    for i, stranger in enumerate(strangers):
        person = rng.choice(sample) if i % 50 == 0 and sample else stranger
        props = person["properties"]
        writer.writerow([f"P{i}", props["name"][0], (props.get("birthDate") or [""])[0],
                         (props.get("nationality") or [""])[0]])  # fmt: skip
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--passengers", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    index, sample, build_s, build_mb = gallery(args.n)
    print(f"# screening: gallery {len(index):,} notices, built in {build_s:.0f} s, +{build_mb:,.0f} MB RSS", flush=True)
    queries = make_queries(sample, args.queries)
    qps, p50, p99 = in_process(index, queries)
    print(f"in-process: {qps:,.0f} queries/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url, actor, token = setup_db(workdir)
        start = time.perf_counter()
        index.save(workdir / "snapshot")
        print(f"snapshot written in {time.perf_counter() - start:.0f} s", flush=True)
        rows = list(csv_rows(io.StringIO(passengers(sample, args.passengers))))
        factory = sessionmaker(bind=make_engine(url), expire_on_commit=False)
        start = time.perf_counter()
        with (workdir / "results.jsonl").open("wb") as out:
            counts = run_batch(factory.begin, actor, index, rows, out)
        batch_s = time.perf_counter() - start
        print(f"batch: {counts.processed:,} passengers in {batch_s:.0f} s ({counts.processed / batch_s:,.0f}/s), "
              f"{counts.matched:,} matched, {counts.hits:,} hits", flush=True)  # fmt: skip
        del index
        proc = serve(url, workdir / "snapshot", workdir, args.port)
        try:
            rps, hp50, hp99, errors = http_load(f"http://127.0.0.1:{args.port}", token, queries, args.clients,
                                                args.seconds)  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(30)
        print(f"HTTP ({args.clients} clients): {rps:,.0f} requests/s, p50 {hp50:.1f} ms, p99 {hp99:.1f} ms, "
              f"{errors} errors", flush=True)  # fmt: skip
    print("| measure | value | floor |\n|---|---|---|")
    print(f"| index build, {args.n:,} persons | {build_s:.0f} s, +{build_mb:,.0f} MB | < 4 GB |")
    print(f"| in-process | {qps:,.0f} q/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms | ≥ 500 q/s, p99 < 20 ms |")
    print(f"| HTTP | {rps:,.0f} req/s, p50 {hp50:.1f} ms, p99 {hp99:.1f} ms | ≥ 200 req/s, p99 < 100 ms |")
    print(f"| batch {counts.processed:,} passengers | {batch_s:.0f} s | < 300 s |")
    median = statistics.median(len(q['names'][0]) for q in queries)
    print(f"peak RSS {rss_mb():,.0f} MB; median query name {median} chars")
    return 0


if __name__ == "__main__":
    sys.exit(main())
