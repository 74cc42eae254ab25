"""Benchmark of training certificates (issue 17), each part beside an anchor measured in the same run:

1. Issuing: a job records passed results for N officers (default 10,000) into a fresh SQLite database; each
   result issues the certificate (Open Badges 3.0 credential, JCS + Ed25519 Data Integrity proof, status-list
   bit, audit and outbox events) and renders its PDF (WeasyPrint, QR code) to disk; commits every 200.
   Anchors: the bare Ed25519 signature of the same canonical bytes, and WeasyPrint rendering a one-line page.
   Target: 10,000 in at most 10 minutes.
2. Verification: the public verification page (signature check against the issuer's key, revocation and
   expiry read fresh from the database, every field rendered) requested at a steady 100 requests/s through the
   ASGI app; latency p50/p95/p99. Anchor: the app's ``/health`` at the same pace. Target: p95 at most 20 ms.

    .venv/bin/python benchmarks/training.py [--quick] [--certificates N] [--requests N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def pct(values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="300 certificates, 300 requests")
    parser.add_argument("--certificates", type=int, default=0)
    parser.add_argument("--requests", type=int, default=0)
    args = parser.parse_args()
    total = args.certificates or (300 if args.quick else 10_000)
    requests = args.requests or (300 if args.quick else 3_000)
    tmp = Path(tempfile.mkdtemp(prefix="manara-training-bench-"))
    os.environ["MANARA_DATABASE_URL"] = f"sqlite:///{tmp / 'training.db'}"
    os.environ["MANARA_DATA_DIR"] = str(tmp / "var")
    os.environ.setdefault("MANARA_ENV", "test")
    os.environ["MANARA_LOG_LEVEL"] = "WARNING"
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)

    from sqlalchemy.orm import Session

    from manara.db.migrate import upgrade
    from manara.db.session import make_engine
    from manara.identity import Actor, Role
    from manara.member import actions as member_actions
    from manara.settings import get_settings
    from manara.training import actions, credential, keys, pdf, service
    from manara.training.models import Certificate, Course, Enrolment
    from manara.training.schemas import CourseIn, EnrolmentIn, ResultIn, SessionIn

    get_settings.cache_clear()
    url = os.environ["MANARA_DATABASE_URL"]
    upgrade(url)
    engine = make_engine(url)
    system = Actor(user_id="bench", username="bench", country="ZZ", role=Role.ADMINISTRATOR)
    per_course = 100
    titles = {
        "en": "Notices basics",
        "fr": "Bases des notices",
        "ar": "أساسيات النشرات",
        "es": "Bases de notificaciones",
    }
    langs = ("en", "fr", "ar", "es")

    print(f"## 1. issuing {total:,} certificates (credential + PDF), one job")
    t_setup = time.perf_counter()
    with Session(engine) as session, session.begin():
        for code in ("FR", "MA"):
            member_actions.do_create_member(session, code, acting=system)
        fr_user = member_actions.do_create_user(
            session, "fr.bureau", country="FR", role=Role.BUREAU_OFFICER, acting=system
        )
        ma_user = member_actions.do_create_user(
            session, "ma.bureau", country="MA", role=Role.BUREAU_OFFICER, acting=system
        )
        fr = Actor(user_id=fr_user.id, username=fr_user.username, country="FR", role=Role.BUREAU_OFFICER)
        ma = Actor(user_id=ma_user.id, username=ma_user.username, country="MA", role=Role.BUREAU_OFFICER)
        officers = []
        for i in range(min(per_course, total)):
            u = member_actions.do_create_user(session, f"ma.officer{i}", country="MA", role=Role.ANALYST, acting=system)
            officers.append(Actor(user_id=u.id, username=u.username, country="MA", role=Role.ANALYST))
        enrolment_ids: list[str] = []
        for k in range((total + per_course - 1) // per_course):
            body = {"code": f"NOT-{k:04d}", "title": titles, "crime_areas": ["notices"], "hours": 8}
            course = actions.do_create_course(session, fr, CourseIn.model_validate(body))
            run = actions.do_create_session(
                session,
                fr,
                course,
                SessionIn.model_validate(
                    {"starts_on": "2026-11-02", "ends_on": "2026-11-03", "place": "Lyon", "seats": per_course}
                ),
            )
            for i, officer in enumerate(officers[: min(per_course, total - k * per_course)]):
                e = actions.do_apply(
                    session,
                    officer,
                    course,
                    run,
                    EnrolmentIn.model_validate(
                        {"course_id": course.id, "session_id": run.id, "language": langs[i % 4]}
                    ),
                )
                actions.do_approve(session, ma, e)
                enrolment_ids.append(e.id)
        actions.do_create_key(session, fr, "FR")
    print(f"setup (members, {len(officers)} officers, courses, seats approved): {time.perf_counter() - t_setup:.1f} s")

    out = tmp / "pdf"
    out.mkdir()
    workers = os.cpu_count() or 1
    t0 = time.perf_counter()
    issued: list[str] = []
    jobs = []
    for start in range(0, len(enrolment_ids), 200):
        with Session(engine) as session, session.begin():
            for eid in enrolment_ids[start : start + 200]:
                e = session.get(Enrolment, eid)
                assert e is not None
                course = session.get(Course, e.course_id)
                assert course is not None
                actions.do_record_result(session, fr, e, course, ResultIn(attended=True, score=90, passed=True))
                cert = service.certificate_of_enrolment(session, e.id)
                assert cert is not None
                issued.append(cert.id)
                jobs.append((cert.id, cert.credential, service.verify_url(cert.id), cert.language))
    t_signed = time.perf_counter() - t0
    pdf.render_many(jobs, str(out), workers)
    elapsed = time.perf_counter() - t0
    assert len(list(out.glob("*.pdf"))) == len(issued)
    rate = len(issued) / elapsed
    each = elapsed / len(issued) * 1000
    print(f"credentials signed and stored: {t_signed:.1f} s ({t_signed / len(issued) * 1000:.1f} ms each)")
    print(f"+ PDFs in {workers} processes: total {elapsed:.1f} s, {rate:,.1f} certificates/s ({each:.1f} ms each)")
    print(f"projected for 10,000: {10_000 / rate / 60:.1f} min (target <= 10 min)")

    # anchors
    with Session(engine) as session:
        sample = session.get(Certificate, issued[0])
        assert sample is not None
        vc = sample.credential
        key_row = service.active_key(session, "FR")
        assert key_row is not None
        private = keys.decrypt(key_row.private_key_encrypted)
    data = credential.canonical({k: v for k, v in vc.items() if k != "proof"})
    n = 2000
    a0 = time.perf_counter()
    for _ in range(n):
        private.sign(data)
    sign_ms = (time.perf_counter() - a0) / n * 1000
    from manara.pdf import weasyprint_html

    html = weasyprint_html()  # the project's one way in (it leaves Pillow's truncated-image check on)
    a0 = time.perf_counter()
    for _ in range(20):
        html(string="<p>certificate</p>").write_pdf()
    bare_pdf_ms = (time.perf_counter() - a0) / 20 * 1000
    print(f"anchor: bare Ed25519 signature {sign_ms:.3f} ms; WeasyPrint one-line page {bare_pdf_ms:.1f} ms")

    verify_part(engine, fr, issued, requests)


def verify_part(engine: Any, fr: Any, issued: list[str], requests: int) -> None:
    """Part 2: the public verification page at a steady 100 requests/s, beside /health."""
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from manara.app import create_app
    from manara.training import actions
    from manara.training.models import Certificate

    print(f"\n## 2. verification page at 100 requests/s, {requests:,} requests")
    with Session(engine) as session, session.begin():
        revoked = session.get(Certificate, issued[1])
        assert revoked is not None
        actions.do_revoke(session, fr, revoked, "bench")
    app = create_app(workers=False)
    rng = random.Random(17)  # noqa: S311
    with TestClient(app) as client:
        assert "Revoked" in client.get(f"/console/training/verify/{issued[1]}").text
        for _ in range(20):
            client.get(f"/console/training/verify/{rng.choice(issued)}")

        def paced(path_of: object) -> list[float]:
            latencies = []
            next_at = time.perf_counter()
            for _ in range(requests):
                now = time.perf_counter()
                if now < next_at:
                    time.sleep(next_at - now)
                next_at += 0.01  # 100 requests/s
                r0 = time.perf_counter()
                response = client.get(path_of())  # type: ignore[operator]
                latencies.append((time.perf_counter() - r0) * 1000)
                assert response.status_code == 200
            return latencies

        page = paced(lambda: f"/console/training/verify/{rng.choice(issued)}")
        health = paced(lambda: "/health")
    for name, lat in (("verification page", page), ("anchor /health", health)):
        print(
            f"{name}: p50 {statistics.median(lat):.1f} ms, p95 {pct(lat, 0.95):.1f} ms, p99 {pct(lat, 0.99):.1f} ms"
            + (" (target p95 <= 20 ms)" if name.startswith("verification") else "")
        )


if __name__ == "__main__":
    main()
