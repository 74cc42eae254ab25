"""Benchmark of threat assessments (issue 13), beside anchors measured in the same run.

A fresh SQLite database is filled (bulk inserts) with N notices (default 100,000) and N subject entities across
ten members, 20,000 hits, 2,000 cases and 5,000 cross-match links; phones, document numbers and wallets recur
across countries. An analyst of one member then drafts a regional assessment of every crime area:

1. Compute: the indicator rows, through the author's visibility (records out of view counted, not read).
2. Render: the report's HTML (charts drawn as SVG by matplotlib, the choropleth map) and its tagged PDF
   (WeasyPrint, PDF/UA-1): the 20-page-or-more report with at least 8 charts, 5 tables and a map.
   Anchor: the same report without charts and map (text and tables only), rendered in the same run.

Target: at most 15 s per render and at most 1 GB peak memory (resident set, the whole process).

    .venv/bin/python benchmarks/assessments.py [--quick] [--notices N]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

COUNTRIES = ("MA", "DZ", "TN", "EG", "JO", "LB", "AE", "FR", "ES", "DE")
OFFENCES = (
    ("Drug trafficking", ["drug_trafficking"]),
    ("Migrant smuggling", ["migrant_smuggling"]),
    ("Terrorism", ["terrorism"]),
    ("Money laundering", ["financial_crime"]),
    ("Ransomware extortion", ["cybercrime", "crypto_crime"]),
    ("Firearms trafficking", ["firearms"]),
    ("Trafficking in human beings", ["human_trafficking"]),
    ("Theft of vehicles", ["vehicle_crime"]),
    ("Piracy", ["maritime_crime"]),
    ("Looting of antiquities", ["cultural_property"]),
    ("Counterfeit medicines", ["counterfeit_goods"]),
    ("Wildlife trafficking", ["environmental_crime"]),
    ("Child sexual exploitation", ["child_exploitation"]),
    ("Escape from custody", ["fugitives"]),
    ("Drone smuggling into prisons", ["drones"]),
    ("Armed robbery", []),
)


def peak_mb() -> float:
    """Peak resident set of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(session: Any, n: int, rng: random.Random, today: date) -> None:
    """Bulk-insert the benchmark's records (Core inserts: a benchmark's fixture, not the write path)."""
    from sqlalchemy import insert

    from manara.analysis.models import SuggestedLink
    from manara.case.models import Case, CaseMember
    from manara.entity.models import Entity
    from manara.hit.models import Hit
    from manara.notice.models import Notice

    now = datetime.combine(today, datetime.min.time(), UTC)
    shared_phones = [f"+2126{rng.randrange(10**7, 10**8)}" for _ in range(300)]
    shared_docs = [f"P{rng.randrange(10**6, 10**7)}" for _ in range(300)]
    shared_wallets = [f"0x{rng.getrandbits(160):040x}" for _ in range(200)]
    entities: list[dict[str, Any]] = []
    notices: list[dict[str, Any]] = []
    notice_ids: list[str] = []
    for i in range(n):
        owner = rng.choice(COUNTRIES)
        eid, nid = str(uuid.uuid4()), str(uuid.uuid4())
        offence, areas = rng.choice(OFFENCES)
        created = now - timedelta(days=rng.randrange(0, 360), seconds=rng.randrange(86400))
        wallet = i % 20 == 0
        props: dict[str, list[str]] = (
            {"publicKey": [rng.choice(shared_wallets)], "currency": ["ETH"]}
            if wallet
            else {
                "name": [f"Person {i}"],
                "nationality": [rng.choice(COUNTRIES).lower()],
                "phone": [rng.choice(shared_phones) if i % 7 == 0 else f"+3361{rng.randrange(10**7, 10**8)}"],
                "passportNumber": [rng.choice(shared_docs) if i % 9 == 0 else f"X{i:08d}"],
            }
        )
        entities.append(
            {
                "id": eid, "entity_id": f"bench-{i}", "schema": "CryptoWallet" if wallet else "Person",
                "caption": f"Person {i}", "properties": props, "visibility": "all" if i % 10 else "owner",
                "shared_with": [], "review_date": today + timedelta(days=365), "status": "active",
                "content_hash": f"{i:064d}", "crime_areas": areas, "owner_country": owner,
                "created_at": created, "updated_at": created,
            }
        )  # fmt: skip
        notices.append(
            {
                "id": nid, "reference": f"{owner}/B/{i}", "type": rng.choice(("red", "red", "yellow", "blue", "green")),
                "status": "published", "under_review": False, "subject_id": eid, "title": f"Wanted: Person {i}",
                "summary": "", "details": {"offence": offence}, "visibility": "all" if i % 10 else "owner",
                "shared_with": [], "review_date": today + timedelta(days=365), "checks": {}, "created_by": "bench",
                "published_at": created, "version": 1, "crime_areas": areas, "owner_country": owner,
                "created_at": created, "updated_at": created,
            }
        )  # fmt: skip
        notice_ids.append(nid)
        if len(entities) == 5000:
            session.execute(insert(Entity), entities)
            session.execute(insert(Notice), notices)
            entities, notices = [], []
    if entities:
        session.execute(insert(Entity), entities)
        session.execute(insert(Notice), notices)
    hits = []
    for _ in range(max(n // 5, 100)):
        created = now - timedelta(days=rng.randrange(0, 180))
        hits.append(
            {
                "id": str(uuid.uuid4()), "created_at": created, "querying_country": rng.choice(COUNTRIES),
                "querying_user_id": "bench", "owner_country": rng.choice(COUNTRIES), "target_type": "notice",
                "target_id": rng.choice(notice_ids), "notice_type": "red", "query_fingerprint": "f" * 64,
                "query": {}, "algorithm": "bench", "score": 0.9, "threshold": 0.8, "features": {},
                "explanation": "", "status": "open", "deadline_at": created + timedelta(hours=1),
            }
        )  # fmt: skip
    session.execute(insert(Hit), hits)
    cases, members = [], []
    for i in range(max(n // 50, 20)):
        cid, owner = str(uuid.uuid4()), rng.choice(COUNTRIES)
        created = now - timedelta(days=rng.randrange(0, 180))
        closed = created + timedelta(days=rng.randrange(1, 60)) if i % 3 == 0 else None
        cases.append(
            {
                "id": cid, "title": f"Case {i}", "summary": "", "tlp": "amber", "priority": "normal",
                "status": "closed" if closed else "open", "created_by": "bench", "entity_ids": [], "notice_ids": [],
                "crime_areas": rng.choice(OFFENCES)[1], "closed_at": closed, "owner_country": owner,
                "created_at": created, "updated_at": created,
            }
        )  # fmt: skip
        members.append({"case_id": cid, "country": owner, "role": "owner", "sealed": False, "invited_at": created})
    session.execute(insert(Case), cases)
    session.execute(insert(CaseMember), members)
    entity_ids = session.execute(__import__("sqlalchemy").text("SELECT id, owner_country FROM entity")).all()
    links = []
    for _ in range(max(n // 20, 50)):
        (left, lo), (right, ro) = rng.sample(entity_ids, 2)
        created = now - timedelta(days=rng.randrange(0, 180))
        links.append(
            {
                "id": str(uuid.uuid4()), "left_pk": left, "right_pk": right, "left_owner": lo, "right_owner": ro,
                "kind": "person", "algorithm": "bench", "score": 0.9, "features": {}, "explanation": "",
                "status": "suggested", "created_at": created, "updated_at": created,
            }
        )  # fmt: skip
    session.execute(insert(SuggestedLink), links)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="5,000 notices and entities")
    parser.add_argument("--notices", type=int, default=0)
    args = parser.parse_args()
    n = args.notices or (5_000 if args.quick else 100_000)
    tmp = Path(tempfile.mkdtemp(prefix="manara-assessment-bench-"))
    os.environ["MANARA_DATABASE_URL"] = f"sqlite:///{tmp / 'assessments.db'}"
    os.environ["MANARA_DATA_DIR"] = str(tmp / "var")
    os.environ.setdefault("MANARA_ENV", "test")
    os.environ["MANARA_LOG_LEVEL"] = "WARNING"
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    from sqlalchemy.orm import Session

    from manara.assessment import actions
    from manara.assessment.report import render_html, render_pdf
    from manara.assessment.schemas import AssessmentIn, AssessmentPatch
    from manara.assessment.service import build_snapshot
    from manara.db.migrate import upgrade
    from manara.db.session import make_engine
    from manara.identity import Actor, Role
    from manara.member import actions as member_actions

    upgrade(os.environ["MANARA_DATABASE_URL"])
    engine = make_engine(os.environ["MANARA_DATABASE_URL"])
    rng = random.Random(13)
    today = date(2026, 12, 1)
    admin = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    started = time.perf_counter()
    with Session(engine) as session:
        for code in COUNTRIES:
            member_actions.do_create_member(session, code, acting=admin)
        user = member_actions.do_create_user(session, "ma.analyst", country="MA", role=Role.ANALYST, acting=admin)
        user_id = user.id
        session.commit()
        fill(session, n, rng, today)
        session.commit()
    print(f"data: {n:,} notices + {n:,} entities (+ hits, cases, links) in {time.perf_counter() - started:.1f} s")
    author = Actor(user_id=user_id, username="ma.analyst", country="MA", role=Role.ANALYST)
    with Session(engine) as session:
        draft = actions.do_create_assessment(
            session,
            author,
            AssessmentIn.model_validate(
                {
                    "title": "Regional criminal picture: North Africa, the Middle East and Europe",
                    "language": "en",
                    "tlp": "amber",
                    "period_start": today - timedelta(days=89),
                    "period_end": today,
                    "dissemination": ["FR", "DZ"],
                    "summary": "Benchmark summary.\n\nSecond paragraph.",
                }
            ),
        )
        actions.do_update_assessment(
            session,
            author,
            draft,
            AssessmentPatch.model_validate(
                {
                    "judgements": [
                        {"text": f"Judgement {i}.", "probability": "likely", "confidence": "moderate"} for i in range(6)
                    ],
                    "sources": [{"source": f"Source {i}", "reliability": "B", "credibility": "2"} for i in range(6)],
                    "recommendations": [f"Recommendation {i}." for i in range(5)],
                }
            ),
        )
        t0 = time.perf_counter()
        actions.do_compute_indicators(session, author, draft)
        compute_s = time.perf_counter() - t0
        snapshot = build_snapshot(draft)
        session.commit()
    print(
        f"compute: {len(snapshot['indicators'])} indicator rows in {compute_s:.2f} s "
        f"({sum(snapshot['hidden'].values()):,} records out of the author's view counted)"
    )
    render_pdf(snapshot, with_charts=False)  # warm-up: WeasyPrint and matplotlib imports, fonts
    rounds = 1 if args.quick else 3
    times, anchor, html_times = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        html = render_html(snapshot)
        html_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pdf, pages = render_pdf(snapshot)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        plain, plain_pages = render_pdf(snapshot, with_charts=False)
        anchor.append(time.perf_counter() - t0)
    charts = html.count('class="chart"')
    tables = html.count("<table")
    print(f"report: {pages} pages, {charts} charts (incl. the map), {tables} tables, {len(pdf):,} bytes PDF")
    print(f"render (HTML alone, charts + map): {min(html_times):.2f} s")
    print(f"render (HTML + PDF, full report): best {min(times):.2f} s, worst {max(times):.2f} s   target <= 15 s")
    print(f"anchor (same report without charts/map, {plain_pages} pages): best {min(anchor):.2f} s")
    print(f"peak memory (process RSS): {peak_mb():.0f} MB   target <= 1024 MB")
    (tmp / "report.pdf").write_bytes(pdf)
    print(f"PDF written to {tmp / 'report.pdf'}")


if __name__ == "__main__":
    main()
