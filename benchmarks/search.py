"""Unified search latency: one query over N visible generated persons (realistic Arabic-script and Latin names).

Usage: .venv/bin/python benchmarks/search.py [N] (default 20,000, the default MANARA_SEARCH_SCAN_LIMIT).
Builds a throwaway SQLite database, loads N persons of MA (shared with all) through the real write path,
then times `manara.search.service.search` as a French bureau officer for queries in three scripts: the
first (cold) run and p50/p99 of 20 warm runs. Prints the load average next to the numbers.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.demo.persons import generate_persons
from manara.entity.actions import do_upsert_entities, make_placement
from manara.entity.ftm import validate_entity
from manara.member import actions as member_actions
from manara.member.roles import SYSTEM, Actor, Role
from manara.search.service import Filters, search
from manara.visibility import Visibility

QUERIES = ("Youssef Idrissi", "يوسف الإدريسي", "Юсеф Идриси", "Fatima Zahra Benali")


def load(session: Session, n: int) -> tuple[Actor, Actor]:
    """Create MA and FR with a bureau officer each, and N MA persons visible to all members."""
    actors = []
    for code in ("MA", "FR"):
        member_actions.do_create_member(session, code, acting=SYSTEM)
        user = member_actions.do_create_user(session, f"{code.lower()}.bo", country=code, role=Role.BUREAU_OFFICER,
                                             acting=SYSTEM)  # fmt: skip
        actors.append(Actor(user_id=user.id, username=user.username, country=code, role=Role.BUREAU_OFFICER))
    place = make_placement(session, actors[0], Visibility.ALL, [], None)
    batch = []
    for person in generate_persons("MA", n, seed=7):
        batch.append(validate_entity(person))
        if len(batch) == 1000:
            do_upsert_entities(session, actors[0], batch, place)
            session.commit()
            batch = []
    if batch:
        do_upsert_entities(session, actors[0], batch, place)
    session.commit()
    return actors[0], actors[1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            started = time.perf_counter()
            _, fr = load(session, n)
            print(f"loaded {n:,} persons in {time.perf_counter() - started:.1f} s")
            for q in QUERIES:
                times = []
                for _ in range(21):
                    t0 = time.perf_counter()
                    result = search(session, fr, q, Filters(), scan_limit=n, offset=0, limit=25)
                    times.append(time.perf_counter() - t0)
                warm = sorted(times[1:])
                print(f"{q!r}: {result.total:,} results; cold {times[0] * 1000:.0f} ms, "
                      f"p50 {statistics.median(warm) * 1000:.0f} ms, p99 {warm[-1] * 1000:.0f} ms")  # fmt: skip
        engine.dispose()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
