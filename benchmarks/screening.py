"""Benchmark: screening at network scale, in-process and over HTTP, and a batch of passengers.

Builds a gallery of N generated persons with realistic name distributions (default 1,000,000;
each a published notice: 85 % visible to all members, 10 % shared with three named members, 5 % seen
by their owner only, so the visibility filter is paid as in a real network), then measures:
- index build time and resident memory;
- single-query throughput and p50/p99 latency in-process (ScreeningIndex.search);
- requests/s and p50/p99 over HTTP against `manara serve --workers N` (default one per CPU: the workers
  share one load of the index copy-on-write) loaded from a snapshot of that index, with concurrent
  keep-alive clients on the same 2-core machine, and the server's memory (PSS, shared pages counted once);
- batch screening of P passengers (default 100,000; 2% planted wanted persons) through the real
  batch path (scored in forked workers, one per CPU by default; hits raised and audited in SQLite).

    .venv/bin/python benchmarks/screening.py [--n 1000000] [--queries 2000] [--passengers 100000]
        [--workers 2] [--batch-workers 2] [--workdir /tmp/manara-screening-1000000]
        [--phases inprocess,batch,http]

The gallery is built once per working directory and kept as an index snapshot, with the SQLite
database, so later runs only load it (the build figures printed are those of the first run).
"""

from __future__ import annotations

import argparse
import csv
import gc
import http.client
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

import orjson
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.demo.persons import generate_persons, name_variants
from manara.forked import default_workers
from manara.identity import Actor, Role
from manara.matching import PersonRecord, record_from_ftm
from manara.member import actions as member_actions
from manara.member.models import User
from manara.screening.batch import csv_rows, run_batch
from manara.screening.index import ScreeningIndex, Target, settle

GALLERY = 2  # the gallery's recipe: a working directory made by another one is rebuilt
COUNTRIES = ["MA", "DZ", "TN", "EG", "JO", "LB", "AE", "FR", "ES", "DE"]


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_now_mb() -> float:
    """Resident memory of this process now, in MB (Linux; the peak elsewhere)."""
    status = Path("/proc/self/status")
    if not status.exists():
        return rss_mb()
    line = next(x for x in status.read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def scope(code: str, rng: random.Random) -> tuple[str, frozenset[str]]:
    """A notice's visibility as owners choose it: mostly all members, some shared, a few kept."""
    draw = rng.random()
    if draw < 0.85:
        return "all", frozenset()
    if draw < 0.95:
        return "countries", frozenset(rng.sample([c for c in COUNTRIES if c != code], 3))
    return "owner", frozenset()


def gallery(n: int) -> tuple[ScreeningIndex, list[dict[str, Any]], float, float]:
    """Build the index of n generated persons; return it, a sample of persons, seconds and MB added."""
    index = ScreeningIndex()
    sample: list[dict[str, Any]] = []
    before, start = rss_mb(), time.perf_counter()
    per = n // len(COUNTRIES)
    rng, scopes = random.Random(3), random.Random(17)  # noqa: S311 - benchmark sampling
    for code in COUNTRIES:
        for person in generate_persons(code, per, seed=11):
            nid = f"n-{person['id']}"
            visibility, shared = scope(code, scopes)
            target = Target(
                notice_id=nid,
                owner=code,
                visibility=visibility,
                shared_with=shared,
                notice_type="red",
                reference=nid,
                title="Wanted",
                subject_pk=str(person["id"]),
            )
            index.put(target, record_from_ftm({**person, "id": nid}))
            if rng.random() < 0.002 and visibility == "all":  # planted queries: notices the searcher may see
                sample.append(person)
    index.built = True
    return index, sample, time.perf_counter() - start, rss_mb() - before


def make_queries(sample: list[dict[str, Any]], count: int, planted: float, seed: int = 99) -> list[dict[str, Any]]:
    """Mostly travellers who are not in the gallery; a fraction ``planted`` are gallery persons under another
    spelling of their name (same birth date), as a border post meets them: rarely. Another ``seed`` gives
    other travellers (the warm-up)."""
    rng = random.Random(seed - 94)  # noqa: S311 - benchmark sampling
    strangers = list(generate_persons("FR", count, seed=seed)) + list(generate_persons("EG", count, seed=seed))
    rng.shuffle(strangers)
    queries = []
    for i in range(count):
        if rng.random() < planted and sample:
            person = rng.choice(sample)
            dob = (person["properties"].get("birthDate") or [None])[0]
            queries.append({"names": [rng.choice(name_variants(person))], "birth_date": dob})
        else:
            person = strangers[i]
            queries.append(
                {
                    "names": person["properties"]["name"][:1],
                    "birth_date": (person["properties"].get("birthDate") or [None])[0],
                }
            )
    return queries


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """Return p50 and p99 in milliseconds."""
    ordered = sorted(latencies)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def in_process(
    index: ScreeningIndex, queries: list[dict[str, Any]], warm_up: list[dict[str, Any]]
) -> tuple[float, float, float, float]:
    """Return queries/s, p50 ms and p99 ms of single searches, and the CPU ms per query (which the load of
    a shared machine does not inflate), after searching for other travellers (``warm_up``) first, as a
    server has before it meets these: its caches of common name parts are then warm, not of these queries."""

    def records_of(batch: list[dict[str, Any]]) -> list[PersonRecord]:
        return [
            PersonRecord(id="q", names=tuple(q["names"]), birth_dates=(q["birth_date"],) if q["birth_date"] else ())
            for q in batch
        ]

    for record in records_of(warm_up):
        index.search("FR", record, 10)
    records = records_of(queries)
    latencies = []
    start, cpu = time.perf_counter(), time.process_time()
    for record in records:
        t = time.perf_counter()
        index.search("FR", record, 10)
        latencies.append(time.perf_counter() - t)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    return len(records) / total, *percentiles(latencies), cpu / len(records) * 1000


def tree(pid: int) -> list[int]:
    """Process ``pid`` and its children (a server's supervisor and workers), from /proc."""
    return [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def pss_mb(pid: int) -> float:
    """Proportional set size of ``pid`` and its children: memory shared copy-on-write counted once."""
    total = 0
    for each in tree(pid):
        for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU seconds used by process ``pid`` and its children (a server's workers), from /proc."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for each in tree(pid):
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def setup_db(workdir: Path) -> tuple[str, Actor]:
    """Create (or reuse) the SQLite database with the members and a frontline officer."""
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    with sessionmaker(bind=engine).begin() as session:
        user = session.scalar(select(User).where(User.username == "fr.fo"))
        if user is None:
            for code in COUNTRIES:
                member_actions.do_create_member(session, code, acting=system)
            user = member_actions.do_create_user(
                session, "fr.fo", country="FR", role=Role.FRONTLINE_OFFICER, acting=system
            )
        actor = Actor(user_id=user.id, username=user.username, country="FR", role=Role.FRONTLINE_OFFICER)
    engine.dispose()
    return url, actor


def new_token(url: str) -> str:
    """Issue a fresh API key to the officer (never written to disk)."""
    engine = make_engine(url)
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    with sessionmaker(bind=engine).begin() as session:
        user = session.scalars(select(User).where(User.username == "fr.fo")).one()
        _, token = member_actions.do_create_api_key(session, user, acting=system)
    engine.dispose()
    return token


def http_load(
    port: int, token: str, queries: list[dict[str, Any]], clients: int, seconds: float
) -> tuple[float, float, float, int, int]:
    """Run concurrent keep-alive clients (plain http.client: cheap, as they share the cores with the server)
    for a fixed time after a short warm-up; return req/s, p50, p99, the number of failed requests and of all
    requests sent (warm-up included)."""
    bodies = [orjson.dumps(q) for q in queries]
    latencies: list[float] = []
    errors, sent = [0], [0]
    warm = time.perf_counter() + 2
    stop = warm + seconds
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed, i = 0, offset
        while (t := time.perf_counter()) < stop:
            try:
                conn.request("POST", "/api/v1/screen", body=bodies[i % len(bodies)], headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            if t >= warm:
                if ok:
                    mine.append(time.perf_counter() - t)
                else:
                    failed += 1
            i += clients
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed
            sent[0] += (i - offset) // clients

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / seconds, *percentiles(latencies), errors[0], sent[0]


def serve(url: str, snapshot: Path, workdir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """Start `manara serve` on the bench database with the snapshot; wait until every worker is ready."""
    env = {
        **os.environ,
        "MANARA_DATABASE_URL": url,
        "MANARA_SCREENING_SNAPSHOT": str(snapshot),
        "MANARA_DATA_DIR": str(workdir / "var"),
        "MANARA_LOG_LEVEL": "WARNING",
        "MANARA_RATE_LIMITS_ENABLED": "false",  # the benchmark measures the server, not its rate limits
    }
    command = [sys.executable, "-m", "manara.cli.main", "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(command, env=env)  # noqa: S603
    deadline, ready = time.time() + 1800, 0
    while time.time() < deadline and ready < 4 * workers:  # several answers in a row: each worker has loaded
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/ready")
            ok = conn.getresponse().status == 200
            conn.close()
            ready = ready + 1 if ok else 0
        except OSError:
            ready = 0
        time.sleep(0.2 if ready else 2)
    if ready < 4 * workers:
        proc.kill()
        raise RuntimeError("server did not become ready")
    return proc


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
        writer.writerow(
            [f"P{i}", props["name"][0], (props.get("birthDate") or [""])[0], (props.get("nationality") or [""])[0]]
        )
    return out.getvalue()


def alerts(results: Path) -> tuple[int, int]:
    """Return how many planted passengers (every 50th row) and how many strangers alerted in a batch."""
    planted = strangers = 0
    with results.open("rb") as lines:
        for line in lines:
            row = orjson.loads(line)
            if row.get("match"):
                if int(row["id"][1:]) % 50 == 0:
                    planted += 1
                else:
                    strangers += 1
    return planted, strangers


def prepared(workdir: Path, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Build the gallery and its snapshot once per working directory; return the build figures and sample."""
    meta_path = workdir / "gallery.json"
    if meta_path.exists() and (workdir / "snapshot" / "targets.json").exists():
        meta = orjson.loads(meta_path.read_bytes())
        if meta["n"] == n and meta.get("gallery") == GALLERY:
            return meta, meta.pop("sample")
    index, sample, build_s, build_mb = gallery(n)
    start = time.perf_counter()
    index.save(workdir / "snapshot")
    meta = {
        "n": len(index),
        "gallery": GALLERY,
        "build_s": build_s,
        "build_mb": build_mb,
        "save_s": time.perf_counter() - start,
        "load": os.getloadavg()[0],
    }
    meta_path.write_bytes(orjson.dumps({**meta, "sample": sample}))
    return meta, sample


def load_index(workdir: Path) -> tuple[ScreeningIndex, float, float, float]:
    """Load the snapshot; return the index, seconds, MB added at the peak and MB held once loaded."""
    index = ScreeningIndex()
    before, now, start = rss_mb(), rss_now_mb(), time.perf_counter()
    index.load(workdir / "snapshot")
    gc.collect()
    held = rss_now_mb() - now
    settle()  # as a server or `manara screen` does once its index is loaded
    return index, time.perf_counter() - start, rss_mb() - before, held


def load() -> str:
    """The 1-minute load average, to print next to every number."""
    return f"load {os.getloadavg()[0]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--planted", type=float, default=0.05, help="share of queries that are gallery persons")
    parser.add_argument("--passengers", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="server worker processes (`manara serve --workers`; default one per CPU)",
    )
    parser.add_argument("--batch-workers", type=int, default=default_workers(), help="batch scoring processes")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--workdir", type=Path, help="keeps the snapshot and database between runs (default /tmp/manara-screening-<n>)"
    )
    parser.add_argument("--phases", default="inprocess,batch,http", help="comma-separated subset to run")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    workdir: Path = args.workdir or Path(tempfile.gettempdir()) / f"manara-screening-{args.n}"
    workdir.mkdir(parents=True, exist_ok=True)
    meta, sample = prepared(workdir, args.n)
    rows = [
        f"| index build, {meta['n']:,} persons | {meta['build_s']:.0f} s, +{meta['build_mb']:,.0f} MB RSS "
        f"(load {meta['load']:.1f}) | < 4 GB |"
    ]
    print(
        f"# screening: gallery {meta['n']:,} notices, built in {meta['build_s']:.0f} s, "
        f"+{meta['build_mb']:,.0f} MB RSS, snapshot {meta['save_s']:.0f} s (workdir {workdir})",
        flush=True,
    )
    queries = make_queries(sample, args.queries, args.planted)
    url, actor = setup_db(workdir)
    if phases & {"inprocess", "batch"}:
        index, load_s, load_mb, held_mb = load_index(workdir)
        line = f"{load_s:.0f} s, +{held_mb:,.0f} MB RSS held (+{load_mb:,.0f} MB at the peak) ({load()})"
        print(f"snapshot loaded in {line}", flush=True)
        rows.append(f"| snapshot load, {len(index):,} notices | {line} | < 4 GB |")
        if "inprocess" in phases:
            qps, p50, p99, cpu_ms = in_process(index, queries, make_queries(sample, 1000, 0.0, seed=98))
            line = f"{qps:,.0f} q/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, CPU {cpu_ms:.2f} ms/query ({load()})"
            print(f"in-process: {line}", flush=True)
            rows.append(f"| in-process, {args.planted:.0%} planted | {line} | ≥ 500 q/s, p99 < 20 ms |")
        if "batch" in phases:
            batch_rows = list(csv_rows(io.StringIO(passengers(sample, args.passengers))))
            factory = sessionmaker(bind=make_engine(url), expire_on_commit=False)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            start, cpu = time.perf_counter(), time.process_time()
            with (workdir / "results.jsonl").open("wb") as out:
                counts = run_batch(factory.begin, actor, index, batch_rows, out, workers=args.batch_workers)
            batch_s, cpu = time.perf_counter() - start, time.process_time() - cpu
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            worker_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
            found, strangers = alerts(workdir / "results.jsonl")
            line = (
                f"{batch_s:.0f} s ({counts.processed / batch_s:,.0f}/s; {args.batch_workers} scoring worker(s), "
                f"CPU {cpu:.0f} s writing + {worker_cpu:.0f} s scoring), {counts.hits:,} hits; alerts: "
                f"{found:,} of {-(-counts.processed // 50):,} planted, {strangers:,} strangers "
                f"({load()})"
            )
            print(f"batch {counts.processed:,} passengers: {line}", flush=True)
            rows.append(f"| batch, {counts.processed:,} passengers | {line} | < 300 s |")
        del index
    if "http" in phases:
        token = new_token(url)
        proc = serve(url, workdir / "snapshot", workdir, args.port, args.workers)
        try:
            cpu, ready_mb = cpu_seconds(proc.pid), pss_mb(proc.pid)
            rps, hp50, hp99, errors, sent = http_load(args.port, token, queries, args.clients, args.seconds)
            server_ms = (cpu_seconds(proc.pid) - cpu) / max(1, sent) * 1000
            line = (
                f"{rps:,.0f} req/s, p50 {hp50:.1f} ms, p99 {hp99:.1f} ms, {errors} errors, "
                f"{args.workers} worker(s), {args.clients} clients, server CPU ≈ {server_ms:.1f} ms/request, "
                f"server memory (PSS) {ready_mb:,.0f} MB ready → {pss_mb(proc.pid):,.0f} MB after ({load()})"
            )
        finally:
            proc.terminate()
            proc.wait(60)
        print(f"HTTP: {line}", flush=True)
        rows.append(f"| HTTP `POST /api/v1/screen` | {line} | ≥ 200 req/s, p99 < 100 ms |")
    print("| measure | value | floor |\n|---|---|---|")
    print("\n".join(rows))
    median = statistics.median(len(q["names"][0]) for q in queries)
    print(f"peak RSS of the benchmark process {rss_mb():,.0f} MB; median query name {median} chars")
    return 0


if __name__ == "__main__":
    sys.exit(main())
