"""Soak: minutes of mixed API traffic from several roles against a real server holding the demo network.

    python benchmarks/soak.py [--minutes 10] [--clients 6] [--workers 1] [--persons 600] [--quick]

A fresh SQLite database in a temporary folder gets the demo network (``manara demo load``), then
``manara serve`` answers on loopback while ``--clients`` threads, each with the API key of a demo user of
another role or country, send a realistic mix: reading notices and entities, screening names, checking
travel documents, searching, listing hits and cases, creating draft notices, reading the audit log. Every
answer must be the expected 2xx: a 5xx, a connection error or an unexpected status counts as an error.

Every 10 s the resident memory (RSS, and PSS which shares forked pages fairly) of the server's processes is
sampled. The run passes when there were 0 errors and the memory is flat: the mean of the last minute's
samples within 10 % of the first minute's (the sample taken before the first request is left out), after
a warm-up of 30 s of the same mix that is not counted.
The anchor printed beside the soak's rate is the rate of ``GET /health`` measured in the same run by the
same clients (the cost of a request that does no work), before the soak starts.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from _server import free_port

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_EVERY = 10.0
# (country, role) of the soak's clients: officers of the bureau and the front line, a duty officer, an
# analyst, a reviewer and an administrator, of several members.
CLIENTS = (
    ("MA", "bureau_officer"),
    ("FR", "frontline_officer"),
    ("DZ", "duty_officer"),
    ("TN", "analyst"),
    ("EG", "reviewer"),
    ("MA", "administrator"),
    ("FR", "bureau_officer"),
    ("MA", "frontline_officer"),
)
NAMES = ("Karim Benali", "Samir Haddad", "Mohamed Amrani", "Yasmine Touati", "Jean Dupont", "Ahmed Salah")


def environment(tmp: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "MANARA_ENV": "test",
        "MANARA_DATABASE_URL": f"sqlite:///{tmp}/soak.db",
        "MANARA_DATA_DIR": str(tmp / "data"),
        "MANARA_SECRET_KEY": secrets.token_urlsafe(32),
        "MANARA_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    return env


def manara(*args: str, env: dict[str, str], cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "manara.cli.main", *args], env=env, cwd=cwd, check=True)


@dataclass
class Tally:
    """Answers of one client."""

    requests: int = 0
    errors: list[str] = field(default_factory=list)
    by_route: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)


class Soaker:
    """One client: a demo user's API key and the mix of requests its role makes."""

    def __init__(self, base: str, username: str, country: str, role: str, token: str, seed: int) -> None:
        self.http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        self.username, self.country, self.role = username, country, role
        self.random = random.Random(seed)
        self.tally = Tally()
        self.notice_ids: list[str] = []
        self.entity_ids: list[str] = []
        self.subject_id: str | None = None

    def call(self, route: str, method: str, url: str, expect: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.tally.errors.append(f"{route}: {type(exc).__name__}: {exc}")
            return None
        finally:
            self.tally.seconds.append(time.perf_counter() - started)
            self.tally.requests += 1
            self.tally.by_route[route] += 1
        if response.status_code not in expect:
            self.tally.errors.append(f"{route}: {response.status_code} {response.text[:200]}")
            return None
        return response.json() if response.content and "json" in response.headers.get("content-type", "") else None

    def warm(self) -> None:
        """Learn some ids this user may read."""
        if self.role == "administrator":
            return
        page = self.call("notices", "GET", "/api/v1/notices", params={"page_size": 50})
        self.notice_ids = [n["id"] for n in (page or {}).get("items", [])]
        page = self.call("entities", "GET", "/api/v1/entities", params={"page_size": 50})
        self.entity_ids = [e["id"] for e in (page or {}).get("items", [])]
        own = self.call("entities", "GET", "/api/v1/entities", params={"page_size": 20, "owner": self.country})
        owned = [e["id"] for e in (own or {}).get("items", []) if e.get("owner_country") == self.country]
        self.subject_id = owned[0] if owned else None

    def actions(self) -> list[tuple[int, Callable[[], Any]]]:
        """(weight, request) pairs this role may make."""
        r = self.random
        mix: list[tuple[int, Callable[[], Any]]] = [
            (3, lambda: self.call("me", "GET", "/api/v1/me")),
            (2, lambda: self.call("members", "GET", "/api/v1/members")),
        ]
        if self.role == "administrator":
            mix += [
                (4, lambda: self.call("users", "GET", "/api/v1/users")),
                (4, lambda: self.call("audit", "GET", "/api/v1/audit", params={"page_size": 50})),
                (1, lambda: self.call("xref-runs", "GET", "/api/v1/xref/runs")),
            ]
            return mix
        mix += [
            (5, lambda: self.call("notices", "GET", "/api/v1/notices", params={"page_size": r.choice((10, 50))})),
            (
                3,
                lambda: self.call(
                    "entities", "GET", "/api/v1/entities", params={"q": r.choice(NAMES), "page_size": 20}
                ),
            ),
            (2, lambda: self.call("search", "GET", "/api/v1/search", params={"q": r.choice(NAMES)})),
        ]
        if self.role != "reviewer":  # every other officer screens and answers or follows hits
            mix += [
                (
                    6,
                    lambda: self.call(
                        "screen",
                        "POST",
                        "/api/v1/screen",
                        json={"names": [r.choice(NAMES)], "birth_date": "1985-04-12"},
                    ),
                ),
                (
                    2,
                    lambda: self.call(
                        "documents/check",
                        "GET",
                        "/api/v1/documents/check",
                        params={"number": f"X{r.randrange(10**7):07d}", "country": r.choice(("MA", "FR", "DZ"))},
                    ),
                ),
                (2, lambda: self.call("hits", "GET", "/api/v1/hits", params={"page_size": 20})),
            ]
        if self.notice_ids:
            mix.append((4, lambda: self.call("notice", "GET", f"/api/v1/notices/{r.choice(self.notice_ids)}")))
        if self.entity_ids:
            mix.append((3, lambda: self.call("entity", "GET", f"/api/v1/entities/{r.choice(self.entity_ids)}")))
        if self.role in ("bureau_officer", "duty_officer", "analyst"):
            mix.append((2, lambda: self.call("cases", "GET", "/api/v1/cases")))
        if self.role == "bureau_officer" and self.subject_id:
            mix.append((1, self.create_notice))
        return mix

    def create_notice(self) -> Any:
        body = {
            "type": "blue",
            "subject_id": self.subject_id,
            "title": f"Whereabouts sought {self.random.randrange(10**6)}",
            "summary": "Soak test draft.",
            "details": {},
            "visibility": "owner",
            "shared_with": [],
        }
        return self.call("create notice", "POST", "/api/v1/notices", expect=(201,), json=body)

    def run(self, until: float) -> None:
        mix = self.actions()
        weights = [w for w, _ in mix]
        calls = [c for _, c in mix]
        while time.monotonic() < until:
            self.random.choices(calls, weights)[0]()


def server_memory(pid: int) -> tuple[float, float]:
    """RSS and PSS (MiB) of the server and its children."""
    rss = pss = 0
    try:
        tree = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0, 0.0
    for proc in tree:
        try:
            info = proc.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss / 2**20, pss / 2**20


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server was not ready in time")


def anchor_rate(soakers: list[Soaker], seconds: float) -> float:
    """Requests per second of GET /health by the same clients, concurrently."""
    counts = [0] * len(soakers)

    def hammer(i: int) -> None:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            soakers[i].http.get("/health")
            counts[i] += 1

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(len(soakers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def main() -> None:  # noqa: C901 - one linear script: set up, soak, sample, report
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--persons", type=int, default=600, help="demo persons")
    parser.add_argument("--quick", action="store_true", help="1.5 minutes, 300 demo persons")
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.persons = 1.5, 300
    window = 60.0 if args.minutes >= 3 else args.minutes * 60 / 3  # the first and the last minute compared
    print(f"load average before: {os.getloadavg()}; CPUs: {os.cpu_count()}")

    with tempfile.TemporaryDirectory(prefix="manara-soak-") as tmp_name:
        tmp = Path(tmp_name)
        env = environment(tmp)
        started = time.perf_counter()
        manara("db", "upgrade", env=env, cwd=tmp)
        manara("demo", "load", "--persons", str(args.persons), env=env, cwd=tmp)
        print(f"demo network loaded in {time.perf_counter() - started:.0f} s")
        keys = {}
        for line in (tmp / "data" / "demo-keys.txt").read_text().splitlines():
            username, country, role, token = line.split("\t")
            keys[(country, role)] = (username, token)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (tmp / "server.log").open("wb")
        command = ["manara.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers"]
        proc = subprocess.Popen(
            [sys.executable, "-m", *command, str(args.workers)], env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_ready(base, proc)
            chosen = [c for c in CLIENTS if c in keys][: args.clients]
            soakers = [Soaker(base, *keys[c][:1], c[0], c[1], keys[c][1], seed=i) for i, c in enumerate(chosen)]
            for soaker in soakers:
                soaker.warm()
            health = anchor_rate(soakers, 10.0)
            warm_up = 10.0 if args.quick else 30.0  # the same mix, not counted: caches and pools filled first
            threads = [threading.Thread(target=s.run, args=(time.monotonic() + warm_up,)) for s in soakers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for soaker in soakers:
                soaker.tally = Tally()
            print(f"anchor: GET /health by {len(soakers)} clients: {health:.0f} requests/s; warmed up {warm_up:g} s")
            print(f"soaking {args.minutes:g} min with {len(soakers)} clients: {', '.join(s.username for s in soakers)}")

            begin = time.monotonic()
            until = begin + args.minutes * 60
            threads = [threading.Thread(target=s.run, args=(until,)) for s in soakers]
            for t in threads:
                t.start()
            samples: list[tuple[float, float, float]] = []
            while time.monotonic() < until:
                at = time.monotonic() - begin
                rss, pss = server_memory(proc.pid)
                samples.append((at, rss, pss))
                done = sum(s.tally.requests for s in soakers)
                print(f"  {at:6.0f} s  {done:7d} requests  RSS {rss:7.1f} MiB  PSS {pss:7.1f} MiB", flush=True)
                time.sleep(min(SAMPLE_EVERY, max(0.0, until - time.monotonic())))
            for t in threads:
                t.join()
            samples.append((time.monotonic() - begin, *server_memory(proc.pid)))
            alive = proc.poll() is None
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()

    elapsed = args.minutes * 60
    requests = sum(s.tally.requests for s in soakers)
    errors = [e for s in soakers for e in s.tally.errors]
    latencies = sorted(x for s in soakers for x in s.tally.seconds)
    routes: Counter[str] = Counter()
    for s in soakers:
        routes.update(s.tally.by_route)
    total = args.minutes * 60
    # the first minute of traffic (the sample taken before the first request is left out) against the last
    first = [p for at, _, p in samples if 0 < at <= window] or [samples[0][2]]
    last = [p for at, _, p in samples if at >= total - window]
    first_rss = [r for at, r, _ in samples if 0 < at <= window] or [samples[0][1]]
    last_rss = [r for at, r, _ in samples if at >= total - window]
    growth = (statistics.mean(last) - statistics.mean(first)) / statistics.mean(first)
    growth_rss = (statistics.mean(last_rss) - statistics.mean(first_rss)) / statistics.mean(first_rss)
    print()
    print(f"requests: {requests} in {elapsed:.0f} s = {requests / elapsed:.0f}/s (anchor GET /health: {health:.0f}/s)")
    print(
        f"latency: median {statistics.median(latencies) * 1000:.1f} ms, p99 "
        f"{latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    print(f"by route: {dict(routes.most_common())}")
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:20]))
    print(
        f"memory (PSS) first minute {statistics.mean(first):.1f} MiB, last minute "
        f"{statistics.mean(last):.1f} MiB: {growth:+.1%}; RSS {statistics.mean(first_rss):.1f} -> "
        f"{statistics.mean(last_rss):.1f} MiB ({growth_rss:+.1%})"
    )
    print(f"server alive at the end: {alive}; load average after: {os.getloadavg()}")
    flat = abs(growth) <= 0.10
    verdict = "PASS" if not errors and flat and alive else "FAIL"
    print(f"soak {verdict}: {len(errors)} errors, memory {'flat' if flat else 'NOT flat'}")
    if verdict != "PASS":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
