"""Benchmark: cross-match N new entities against M existing ones (issue 6: 100,000 against 1,000,000).

Existing data: generated persons (``manara.demo.persons``, 10 members, Arabic, Latin and Cyrillic
names) owned by their nationality's member, a fifth of them with a mobile phone, plus 2% crypto
wallets. New data, owned by other members: fresh persons (another seed) and 5% planted true matches:
  - 70% another member's record of an existing person: one other spelling of the name (often another
    script), no aliases, sometimes only the birth year, sometimes no passport;
  - 15% an unrelated-looking person carrying an existing person's phone, written with spaces and dashes;
  - 15% a wallet with an existing wallet's address, written in upper case.
Everything is imported through the real import path into a fresh database (SQLite file by default;
``--postgres`` uses $PG_URL). The existing data is marked as already cross-matched (the state a
previous run leaves), then ``manara xref``'s incremental run is timed: it indexes all entities and
matches the new ones. Prints time, peak RSS, links, precision and recall against the planted pairs.

    .venv/bin/python benchmarks/xref.py --new 10000 --existing 100000 [--db /tmp/x.db] [--postgres] [--cold]
    .venv/bin/python benchmarks/xref.py ... --build-only   # CPU and wall time of index build, snapshot save, load

``--db`` keeps the generated database and reuses it when it exists (set-up takes minutes at full size).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import phonenumbers
from phonenumbers import PhoneNumberFormat
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, aliased, sessionmaker

from manara.analysis import snapshot as xref_snapshot
from manara.analysis.models import SuggestedLink, XrefState
from manara.analysis.parallel import default_workers
from manara.analysis.run import build_index, run_xref
from manara.db.base import utcnow
from manara.db.migrate import upgrade
from manara.db.session import make_engine
from manara.demo.persons import generate_persons, name_variants
from manara.entity.actions import Placement
from manara.entity.importer import import_lines
from manara.entity.models import Entity
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.visibility import Visibility

MEMBERS = ("MA", "DZ", "TN", "EG", "JO", "FR", "ES", "DE", "RU", "IQ")
PHONES = {
    "MA": ("+2126", "06", 8),
    "FR": ("+336", "06", 8),
    "ES": ("+346", "6", 8),
    "DZ": ("+2135", "05", 8),
    "TN": ("+2162", "2", 7),
    "EG": ("+2010", "010", 8),
    "JO": ("+9627", "07", 8),
    "DE": ("+49151", "0151", 8),
    "RU": ("+79", "89", 9),
    "IQ": ("+96477", "077", 8),
}
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
INTERNATIONAL = PhoneNumberFormat.INTERNATIONAL
SYSTEM = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process (or its largest child) so far, in MB."""
    return resource.getrusage(who).ru_maxrss / 1024


def _phone(cc: str, rng: random.Random) -> tuple[str, str]:
    """Return a mobile number as (international, national) strings."""
    intl, national, digits = PHONES[cc]
    while True:  # draw until libphonenumber accepts it (not every block of a range is allocated)
        rest = "".join(str(rng.randrange(10)) for _ in range(digits))
        if phonenumbers.is_valid_number(phonenumbers.parse(intl + rest)):
            return intl + rest, national + rest


def _wallet_address(rng: random.Random) -> str:
    return "bc1q" + "".join(rng.choice(BECH32) for _ in range(38))


def _with_phone(cc: str, person: dict[str, Any]) -> dict[str, Any]:
    """Give a fifth of the persons a mobile phone (decided by the id, so any subset agrees)."""
    rng = random.Random(person["id"])  # noqa: S311 - reproducible benchmark data
    if rng.random() < 0.2:
        person["properties"]["phone"] = [_phone(cc, rng)[0]]
    return person


def _wallet(i: int) -> tuple[str, dict[str, Any]]:
    rng = random.Random(f"wallet-{i}")  # noqa: S311 - reproducible benchmark data
    return MEMBERS[i % len(MEMBERS)], {
        "id": f"wallet-{i}",
        "schema": "CryptoWallet",
        "properties": {"publicKey": [_wallet_address(rng)], "currencySymbol": ["BTC"]},
    }


def _plan(m: int) -> tuple[int, list[int]]:
    wallets = m // 50
    per, extra = divmod(m - wallets, len(MEMBERS))
    return wallets, [per + (i < extra) for i in range(len(MEMBERS))]


def existing(m: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (owner, entity) for the existing data: persons, 20% with a phone, and 2% wallets."""
    wallets, counts = _plan(m)
    for cc, count in zip(MEMBERS, counts, strict=True):
        for person in generate_persons(cc, count, seed=0):
            yield cc, _with_phone(cc, person)
    yield from map(_wallet, range(wallets))


def sources(n: int, m: int) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    """Return existing records to plant copies of: a prefix of each member's persons, and wallets."""
    wallets, counts = _plan(m)
    out = []
    for cc, count in zip(MEMBERS, counts, strict=True):
        for person in generate_persons(cc, min(count, n // 20), seed=0):
            out.append(((cc, person["id"]), _with_phone(cc, person)))
    for owner, wallet in map(_wallet, range(min(wallets, n // 20))):
        out.append(((owner, wallet["id"]), wallet))
    return out


def _copy(person: dict[str, Any], rng: random.Random, new_id: str) -> dict[str, Any]:
    """Another member's partial record of the same person, under another spelling of the name."""
    props = person["properties"]
    names = name_variants(person)
    out: dict[str, list[str]] = {"name": [rng.choice(names[1:]) if len(names) > 1 else names[0]]}
    for key in ("gender", "nationality"):
        if key in props:
            out[key] = props[key]
    born = props.get("birthDate", [""])[0]
    out["birthDate"] = [born[:4] if rng.random() < 0.3 else born]
    if rng.random() < 0.5:
        out["passportNumber"] = props["passportNumber"]
    return {"id": new_id, "schema": "Person", "properties": out}


def planted_and_fresh(n: int, m: int) -> Iterator[tuple[str, dict[str, Any], tuple[str, str] | None]]:
    """Yield (owner, entity, planted (owner, entity_id) of the existing record or None) for the new data."""
    rng = random.Random(2)  # noqa: S311 - reproducible benchmark data
    pool = sources(n, m)
    rng.shuffle(pool)
    phones = [(k, e) for k, e in pool if e["schema"] == "Person" and "phone" in e["properties"]]
    wallets = [(k, e) for k, e in pool if e["schema"] == "CryptoWallet"]
    persons = [(k, e) for k, e in pool if e["schema"] == "Person" and "phone" not in e["properties"]]
    planted = n // 20
    counts = {"wallet": min(planted * 15 // 100, len(wallets)), "phone": min(planted * 15 // 100, len(phones))}
    counts["person"] = planted - counts["wallet"] - counts["phone"]
    fresh = generate_persons_cycle(n)
    for i in range(n):
        kind = "person" if i % 20 == 0 else "fresh"
        if kind == "person" and counts["wallet"] and i % 140 == 0:
            kind = "wallet"
        elif kind == "person" and counts["phone"] and i % 140 == 20:
            kind = "phone"
        if kind == "fresh" or not counts[kind]:
            cc, entity = next(fresh)
            yield MEMBERS[(MEMBERS.index(cc) + 1) % len(MEMBERS)], entity, None
            continue
        counts[kind] -= 1
        (src_owner, src_id), src = {"person": persons, "phone": phones, "wallet": wallets}[kind].pop()
        owner = rng.choice([c for c in MEMBERS if c != src_owner])
        if kind == "person":
            entity = _copy(src, rng, f"new-{i}")
        elif kind == "phone":
            _, entity = next(fresh)
            entity["id"] = f"new-{i}"
            number = phonenumbers.parse(src["properties"]["phone"][0])
            entity["properties"]["phone"] = [phonenumbers.format_number(number, INTERNATIONAL)]  # "+212 6…-…"
        else:
            entity = {
                "id": f"new-{i}",
                "schema": "CryptoWallet",
                "properties": {"publicKey": [src["properties"]["publicKey"][0].upper()]},
            }
        yield owner, entity, (src_owner, src_id)


def generate_persons_cycle(n: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield fresh persons (seed 7: others than the existing ones), round-robin over the members."""
    per = n // len(MEMBERS) + 1
    streams = [((cc, p) for p in generate_persons(cc, per, seed=7)) for cc in MEMBERS]
    while True:
        for stream in streams:
            yield next(stream)


def database(args: argparse.Namespace) -> tuple[str, bool]:
    """Return the database URL and whether it already holds the data."""
    if args.postgres:
        base = make_url(os.environ["PG_URL"])
        name = f"manara_xref_{args.existing}_{args.new}"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            ready = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is not None
            if not ready:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return base.set(database=name).render_as_string(hide_password=False), ready
    path = Path(args.db or f"/tmp/manara-xref-{args.existing}-{args.new}.db")  # noqa: S108 - benchmark scratch
    ready = path.exists() and Path(f"{path}.ready").exists()
    if not ready and path.exists():
        path.unlink()
    return f"sqlite:///{path}", ready


def _import(factory: Any, owner: str, lines: list[bytes]) -> None:
    actor = Actor(user_id="bench", username=f"bench.{owner}", country=owner, role=Role.BUREAU_OFFICER)
    place = Placement(Visibility.ALL, (), utcnow().date().replace(year=utcnow().year + 5))
    report = import_lines(factory, actor, lines, place, batch_size=2000)
    if report.errors:
        raise SystemExit(f"import errors: {report.errors[:3]}")


def _import_grouped(factory: Any, rows: Iterator[tuple[str, dict[str, Any]]]) -> int:
    by_owner: dict[str, list[bytes]] = {}
    count = 0
    for owner, entity in rows:
        lines = by_owner.setdefault(owner, [])
        lines.append(orjson.dumps(entity))
        count += 1
        if len(lines) >= 20_000:
            _import(factory, owner, lines)
            lines.clear()
    for owner, lines in by_owner.items():
        if lines:
            _import(factory, owner, lines)
    return count


def set_up(url: str, args: argparse.Namespace) -> dict[tuple[str, str], tuple[str, str]]:
    """Create members, import the existing data, mark it cross-matched, import the new data; return truth."""
    upgrade(url)
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory.begin() as session:
        for cc in MEMBERS:
            member_actions.do_create_member(session, cc, acting=SYSTEM)
    start = time.perf_counter()
    _import_grouped(factory.begin, existing(args.existing))
    with factory.begin() as session:
        session.add(XrefState(scope="*", watermark=utcnow(), entities=args.existing, links=0))
    truth: dict[tuple[str, str], tuple[str, str]] = {}
    new_rows: list[tuple[str, dict[str, Any]]] = []
    for owner, entity, source in planted_and_fresh(args.new, args.existing):
        new_rows.append((owner, entity))
        if source:
            truth[(owner, entity["id"])] = source
    _import_grouped(factory.begin, iter(new_rows))
    print(f"set-up (generate + import {args.existing + args.new:,} entities): {time.perf_counter() - start:.0f} s")
    engine.dispose()
    return truth


def truth_of(args: argparse.Namespace) -> dict[tuple[str, str], tuple[str, str]]:
    """Recompute the planted pairs (deterministic) without importing."""
    return {(o, e["id"]): s for o, e, s in planted_and_fresh(args.new, args.existing) if s}


def score(url: str, truth: dict[tuple[str, str], tuple[str, str]]) -> tuple[int, float, float, dict[str, int]]:
    """Return links involving new entities, precision, recall and links by kind."""
    left, right = aliased(Entity), aliased(Entity)
    stmt = (
        select(left.owner_country, left.entity_id, right.owner_country, right.entity_id, SuggestedLink.kind)
        .join(left, SuggestedLink.left_pk == left.id)
        .join(right, SuggestedLink.right_pk == right.id)
    )
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.execute(stmt).all()
    engine.dispose()
    found, kinds = set(), {}
    for lo, le, ro, re_, kind in rows:
        a, b = (lo, le), (ro, re_)
        if not (a[1].startswith("new-") or b[1].startswith("new-") or a[1].count("-s7-") or b[1].count("-s7-")):
            continue
        found.add(frozenset((a, b)))
        kinds[kind] = kinds.get(kind, 0) + 1
    want = {frozenset((k, v)) for k, v in truth.items()}
    hits = len(found & want)
    return len(found), hits / max(len(found), 1), hits / max(len(want), 1), kinds


def prepare_snapshot(factory: Any, path: Path) -> None:
    """Leave the snapshot a previous run would have left: dated at the state's watermark (untimed).

    Built now from the database, it also holds the new entities; dating it before their import makes
    the timed run re-read and re-index all of them, as it would with a snapshot from before.
    """
    start = time.perf_counter()
    with factory() as session:
        index = build_index(session)
        state = session.get(XrefState, "*")
        xref_snapshot.save(index, path, state.watermark if state else utcnow())
    print(f"snapshot of {len(index):,} entities written in {time.perf_counter() - start:.0f} s (untimed)")


def build_only(factory: Any, path: Path) -> int:
    """Time (CPU and wall) a cold index build, a snapshot save and a warm snapshot load; match nothing."""
    with factory() as session:
        cpu, wall = time.process_time(), time.perf_counter()
        index = build_index(session)
        print(
            f"cold build of {len(index):,}: {time.process_time() - cpu:.1f} s CPU, "
            f"{time.perf_counter() - wall:.1f} s wall, load {os.getloadavg()[0]:.1f}"
        )
    cpu = time.process_time()
    xref_snapshot.save(index, path, utcnow())
    print(f"snapshot save: {time.process_time() - cpu:.1f} s CPU")
    cpu, wall = time.process_time(), time.perf_counter()
    loaded, _ = xref_snapshot.load(path)
    print(
        f"snapshot load of {len(loaded):,}: {time.process_time() - cpu:.1f} s CPU, "
        f"{time.perf_counter() - wall:.1f} s wall, load {os.getloadavg()[0]:.1f}"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--new", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=1_000_000)
    parser.add_argument("--db", help="SQLite file to keep and reuse (default /tmp/manara-xref-M-N.db)")
    parser.add_argument("--postgres", action="store_true", help="use $PG_URL instead of SQLite")
    parser.add_argument("--profile", help="write a cProfile of the run to this file")
    parser.add_argument("--workers", type=int, default=default_workers(), help="matching processes")
    parser.add_argument("--cold", action="store_true", help="build the index from the database, no snapshot")
    parser.add_argument("--build-only", action="store_true", help="time index build, snapshot save and load only")
    args = parser.parse_args()
    url, ready = database(args)
    truth = truth_of(args) if ready else set_up(url, args)
    if not args.postgres:
        Path(f"{make_url(url).database}.ready").touch()
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    if args.build_only:
        return build_only(factory, Path(f"{make_url(url).database or 'pg'}.build-snapshot"))
    with factory.begin() as session:  # a reused database: forget the links of the previous timed run
        session.execute(SuggestedLink.__table__.delete())
    snapshot = None if args.cold else Path(f"{make_url(url).database or 'pg'}.snapshot")
    if snapshot is not None and not snapshot.exists():
        prepare_snapshot(factory, snapshot)
    load = os.getloadavg()
    start = time.perf_counter()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        report = profiler.runcall(run_xref, factory.begin, SYSTEM, workers=args.workers, snapshot=snapshot)
        profiler.dump_stats(args.profile)
    else:
        report = run_xref(factory.begin, SYSTEM, workers=args.workers, snapshot=snapshot)
    seconds = time.perf_counter() - start
    with factory.begin() as session:  # leave the database ready for the next timed run
        state = session.get(XrefState, "*")
        if state is not None:
            state.watermark = report.since or state.watermark
    engine.dispose()
    links, precision, recall, kinds = score(url, truth)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"# xref: {args.new:,} new vs {args.existing:,} existing on {backend}, {platform.machine()} "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {load[0]:.1f}/{load[1]:.1f}, "
        f"{args.workers} workers"
    )
    print(
        "| new | existing | backend | seconds | new/s | peak RSS MB (parent / worker) | links | planted "
        "| precision | recall |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.new:,} | {args.existing:,} | {backend} | {seconds:.0f} | {report.matched / seconds:,.0f} "
        f"| {peak_rss_mb():,.0f} / {peak_rss_mb(resource.RUSAGE_CHILDREN):,.0f} "
        f"| {links:,} | {len(truth):,} | {precision:.3f} | {recall:.3f} |"
    )
    print(
        f"indexed {report.indexed:,} in {report.index_seconds:.0f} s, matched {report.matched:,} in "
        f"{report.match_seconds:.0f} s, links by kind {kinds}"
    )
    return 0 if precision >= 0.9 and recall >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
