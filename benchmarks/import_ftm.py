"""Benchmark: import N generated FtM persons (default 100,000) through the real import path.

Measures entities/s and peak memory for a first import and an idempotent re-import, against a
baseline measured in the same run: a bare SQLAlchemy bulk INSERT of the same rows without validation,
audit or outbox. SQLite by default; ``--postgres`` uses $PG_URL (see scripts/with-postgres.sh).

    .venv/bin/python benchmarks/import_ftm.py [--n 100000] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import orjson
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from manara.db.base import new_id, utcnow
from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.demo.persons import generate_persons
from manara.entity.actions import Placement
from manara.entity.importer import import_lines
from manara.entity.models import Entity
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.visibility import Visibility


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_database(postgres: bool, workdir: Path) -> str:
    """Create an empty, migrated database and return its URL."""
    if not postgres:
        url = f"sqlite:///{workdir / 'bench.db'}"
    else:
        base = make_url(os.environ["PG_URL"])
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "manara_bench" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "manara_bench"'))
        admin.dispose()
        url = base.set(database="manara_bench").render_as_string(hide_password=False)
    upgrade(url)
    return url


def write_file(path: Path, n: int) -> float:
    """Write n generated persons as FtM JSON lines; return seconds taken."""
    start = time.perf_counter()
    countries = ["MA", "DZ", "TN", "EG", "JO", "FR", "ES", "DE"]
    per = n // len(countries)
    with path.open("wb") as out:
        written = 0
        for i, code in enumerate(countries):
            count = per if i < len(countries) - 1 else n - written
            for person in generate_persons(code, count, seed=1, start=0):
                out.write(orjson.dumps(person) + b"\n")
            written += count
    return time.perf_counter() - start


def setup_actor(url: str) -> Actor:
    """Create the importing member and user."""
    engine = make_engine(url)
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    with Session(engine) as session, session.begin():
        member_actions.do_create_member(session, "MA", acting=system)
        user = member_actions.do_create_user(session, "bench.bo", country="MA", role=Role.BUREAU_OFFICER, acting=system)
        actor = Actor(user_id=user.id, username=user.username, country="MA", role=Role.BUREAU_OFFICER)
    engine.dispose()
    return actor


def run_import(url: str, actor: Actor, path: Path) -> tuple[float, dict[str, int]]:
    """Import the file; return seconds and the counts."""
    engine = make_engine(url)
    place = Placement(Visibility.ALL, (), utcnow().date().replace(year=utcnow().year + 5))
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    start = time.perf_counter()
    with path.open("rb") as handle:
        report = import_lines(factory.begin, actor, handle, place)
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, {"created": report.created, "unchanged": report.unchanged, "errors": len(report.errors)}


def run_baseline(url: str, path: Path) -> float:
    """Bulk INSERT the raw lines without validation, audit or outbox; return seconds."""
    engine = make_engine(url)
    now = utcnow()
    start = time.perf_counter()
    with Session(engine) as session, path.open("rb") as handle:
        rows = []
        for line in handle:
            d = orjson.loads(line)
            rows.append(
                {
                    "id": new_id(),
                    "owner_country": "MA",
                    "entity_id": "b-" + d["id"],
                    "schema": d["schema"],
                    "caption": d["properties"]["name"][0],
                    "properties": d["properties"],
                    "visibility": "all",
                    "shared_with": [],
                    "review_date": now.date(),
                    "status": "active",
                    "content_hash": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(rows) == 1000:
                session.execute(insert(Entity), rows)
                session.commit()
                rows.clear()
        if rows:
            session.execute(insert(Entity), rows)
            session.commit()
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="use $PG_URL instead of SQLite")
    args = parser.parse_args()
    if args.postgres and "PG_URL" not in os.environ:
        print("--postgres needs PG_URL (run through scripts/with-postgres.sh)")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        data = workdir / "persons.jsonl"
        gen_s = write_file(data, args.n)
        url = fresh_database(args.postgres, workdir)
        actor = setup_actor(url)
        first_s, first = run_import(url, actor, data)
        again_s, again = run_import(url, actor, data)
        base_s = run_baseline(url, data)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"# import_ftm: {args.n:,} persons on {backend}, {platform.machine()} {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]} (generation {args.n / gen_s:,.0f}/s)"
    )
    print("| backend | run | seconds | entities/s | vs bare INSERT | result |")
    print("|---|---|---|---|---|---|")
    for label, secs, result in (("first import", first_s, first), ("re-import (idempotent)", again_s, again)):
        print(f"| {backend} | {label} | {secs:.1f} | {args.n / secs:,.0f} | {base_s / secs:.2f}x | {result} |")
    print(f"| {backend} | baseline: bare bulk INSERT | {base_s:.1f} | {args.n / base_s:,.0f} | 1.00x | - |")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    ok = first["created"] == args.n and again["unchanged"] == args.n and first["errors"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
