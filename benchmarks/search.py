"""Unified search latency over N visible generated persons (realistic Arabic-script and Latin names).

Usage: .venv/bin/python benchmarks/search.py [N] [DATABASE_URL] (default 100,000; a throwaway SQLite file).
Loads N persons of MA (shared with all) through the real write path, builds the search index (the first
catch-up, timed: wall and CPU), then times `manara.search.service.search` as a French bureau officer for
queries in three scripts: p50/p99 of 20 runs each. Then it writes 1,000 more persons and times the search
that indexes them. With an existing database (second argument, e.g. PostgreSQL) nothing is loaded twice:
the persons are loaded only up to N, and `--prepare` loads them and stops (untimed set-up).
Prints the load average next to the numbers.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.demo.persons import generate_persons
from manara.entity.actions import do_upsert_entities, make_placement
from manara.entity.ftm import validate_entity
from manara.entity.models import Entity
from manara.identity import SYSTEM, Actor, Role
from manara.member import actions as member_actions
from manara.member.models import User
from manara.search.index import catch_up
from manara.search.models import SearchDoc, SearchTerm
from manara.search.service import Filters, search
from manara.visibility import Visibility

QUERIES = ("Youssef Idrissi", "يوسف الإدريسي", "Юсеф Идриси", "Fatima Zahra Benali")


def _actor(session: Session, code: str) -> Actor:
    user = session.scalars(select(User).where(User.username == f"{code.lower()}.bo")).first()
    if user is None:
        member_actions.do_create_member(session, code, acting=SYSTEM)
        user = member_actions.do_create_user(
            session, f"{code.lower()}.bo", country=code, role=Role.BUREAU_OFFICER, acting=SYSTEM
        )
    return Actor(user_id=user.id, username=user.username, country=code, role=Role.BUREAU_OFFICER)


def load(session: Session, owner: Actor, n: int, *, seed: int = 7, prefix: str = "") -> None:
    """Write N generated persons of ``owner``'s country, visible to all members, 1,000 a transaction."""
    place = make_placement(session, owner, Visibility.ALL, [], None)
    batch = []
    for person in generate_persons(owner.country, n, seed=seed):
        person["id"] = prefix + person["id"]
        batch.append(validate_entity(person))
        if len(batch) == 1000:
            do_upsert_entities(session, owner, batch, place)
            session.commit()
            batch = []
    if batch:
        do_upsert_entities(session, owner, batch, place)
    session.commit()


def _timed(label: str, fn: object) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    done = fn()  # type: ignore[operator]
    print(f"{label}: {done:,} records in {time.perf_counter() - wall:.1f} s (CPU {time.process_time() - cpu:.1f} s)")


def queries(session: Session, fr: Actor) -> None:
    """Time each query: p50 and p99 of 20 runs (the first run is kept apart)."""
    for q in QUERIES:
        times = []
        for _ in range(21):
            t0 = time.perf_counter()
            result = search(session, fr, q, Filters(), offset=0, limit=25)
            times.append(time.perf_counter() - t0)
        warm = sorted(times[1:])
        print(
            f"{q!r}: {result.total:,} results; first {times[0] * 1000:.0f} ms, "
            f"p50 {statistics.median(warm) * 1000:.1f} ms, p99 {warm[-1] * 1000:.1f} ms"
        )


def run(url: str, n: int, *, prepare_only: bool = False) -> None:
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        ma, fr = _actor(session, "MA"), _actor(session, "FR")
        session.commit()
        have = session.scalar(select(func.count(Entity.id)).where(Entity.owner_country == "MA")) or 0
        if have < n:
            started = time.perf_counter()
            load(session, ma, n - have, prefix=f"b{have}-")
            print(f"loaded {n - have:,} persons in {time.perf_counter() - started:.1f} s")
        if prepare_only:
            return
        session.execute(delete(SearchTerm))  # the index is built from nothing on every run
        session.execute(delete(SearchDoc))
        session.commit()
        _timed("index build (first catch-up)", lambda: catch_up(session))
        session.commit()
        queries(session, fr)
        load(session, ma, 1000, seed=11, prefix=f"new{time.time_ns()}-")
        t0 = time.perf_counter()
        result = search(session, fr, QUERIES[0], Filters(), offset=0, limit=25)
        print(
            f"after 1,000 new persons: {result.total:,} results in {(time.perf_counter() - t0) * 1000:.0f} ms "
            "(indexing them included)"
        )
        session.commit()
    engine.dispose()


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--prepare"]
    n = int(args[0]) if args else 100_000
    if len(args) > 1:
        run(args[1], n, prepare_only="--prepare" in sys.argv)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'bench.db'}", n)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
