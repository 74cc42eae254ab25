"""Demo of training: a network catalogue (FR notices and cybercrime, MA counter-terrorism, EG data-protection
e-learning, ES drones, DE crypto tracing) in the four languages, dated sessions, officers of every member
applying and approved by their own bureaus (a full session with its waiting list, an application still
awaiting approval, one refused), results recorded by the course owners, signed certificates in each holder's
language, a passed e-learning assessment, and one revoked certificate. Built only through the actions."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.db.session import unit_of_work
from manara.identity import Actor, Role
from manara.member.service import get_user_by_username
from manara.training import actions
from manara.training.models import Certificate, Course, Enrolment, TrainingSession
from manara.training.schemas import AnswersIn, CourseIn, EnrolmentIn, ResultIn, SessionIn

LANG = {"MA": "fr", "DZ": "ar", "TN": "fr", "EG": "ar", "JO": "ar", "LB": "ar", "AE": "ar", "FR": "fr", "ES": "es"}
OFFICERS = (Role.FRONTLINE_OFFICER, Role.ANALYST, Role.DUTY_OFFICER)

COURSES: list[tuple[str, dict[str, Any]]] = [
    (
        "FR",
        {
            "code": "NOT-101",
            "title": {
                "en": "Notices and diffusions: the basics",
                "fr": "Notices et diffusions : les fondamentaux",
                "ar": "النشرات والتعاميم: الأساسيات",
                "es": "Notificaciones y difusiones: lo esencial",
            },
            "description": {
                "en": "Types of notices, conditions of publication, reading and screening against them.",
                "fr": "Types de notices, conditions de publication, consultation et contrôle.",
                "ar": "أنواع النشرات وشروط نشرها والاطلاع عليها والتحقق منها.",
                "es": "Tipos de notificaciones, condiciones de publicación, consulta y control.",
            },
            "crime_areas": ["notices", "databases"],
            "level": "basic",
            "hours": 12,
            "validity_months": 36,
            "qualifies_roles": ["frontline_officer", "bureau_officer"],
        },
    ),
    (
        "FR",
        {
            "code": "CYB-201",
            "title": {
                "en": "Investigating cybercrime across borders",
                "fr": "Enquêter sur la cybercriminalité transfrontalière",
                "ar": "التحقيق في الجرائم السيبرانية العابرة للحدود",
                "es": "Investigar la ciberdelincuencia transfronteriza",
            },
            "crime_areas": ["cybercrime", "forensics"],
            "level": "intermediate",
            "hours": 30,
            "prerequisites": ["NOT-101"],
            "validity_months": 24,
        },
    ),
    (
        "MA",
        {
            "code": "CT-301",
            "title": {
                "en": "Counter-terrorism screening at borders",
                "fr": "Contrôle antiterroriste aux frontières",
                "ar": "التحقق في مكافحة الإرهاب على الحدود",
                "es": "Control antiterrorista en las fronteras",
            },
            "crime_areas": ["counter_terrorism", "notices"],
            "level": "advanced",
            "hours": 24,
            "validity_months": 24,
        },
    ),
    (
        "ES",
        {
            "code": "DRN-110",
            "title": {
                "en": "Drone incidents: first response and evidence",
                "fr": "Incidents de drones : première intervention et preuves",
                "ar": "حوادث الطائرات المسيّرة: الاستجابة الأولى والأدلة",
                "es": "Incidentes con drones: primera intervención y pruebas",
            },
            "crime_areas": ["drones", "forensics"],
            "level": "intermediate",
            "hours": 16,
            "validity_months": 24,
        },
    ),
    (
        "DE",
        {
            "code": "CRY-210",
            "title": {
                "en": "Tracing cryptocurrency flows",
                "fr": "Tracer les flux de cryptomonnaies",
                "ar": "تتبّع تدفقات العملات المشفّرة",
                "es": "Rastrear flujos de criptomonedas",
            },
            "crime_areas": ["crypto", "financial_crime"],
            "level": "advanced",
            "hours": 20,
            "validity_months": 24,
        },
    ),
    (
        "EG",
        {
            "code": "DP-100",
            "title": {
                "en": "Data protection in police cooperation",
                "fr": "Protection des données dans la coopération policière",
                "ar": "حماية البيانات في التعاون الشرطي",
                "es": "Protección de datos en la cooperación policial",
            },
            "crime_areas": ["data_protection"],
            "level": "basic",
            "hours": 2,
            "validity_months": 12,
            "elearning": True,
            "pass_mark": 75,
            "modules": [
                {
                    "title": "Ownership and purpose",
                    "questions": [
                        {
                            "text": "Who decides who may see a record?",
                            "options": ["Its owner", "Any member"],
                            "answer": 0,
                        },
                        {"text": "Is every read of personal data audited?", "options": ["Yes", "No"], "answer": 0},
                    ],
                },
                {
                    "title": "Retention",
                    "questions": [
                        {
                            "text": "What happens at the review date?",
                            "options": ["Nothing", "Review or expiry"],
                            "answer": 1,
                        },
                        {"text": "May data be kept for other purposes?", "options": ["No", "Yes"], "answer": 0},
                    ],
                },
            ],
        },
    ),
]


def _actor(session: Session, country: str, role: Role) -> Actor:
    user = get_user_by_username(session, f"{country.lower()}.{role.value}")
    assert user is not None
    return Actor(user_id=user.id, username=user.username, country=user.country, role=role)


def _schedule(session: Session, owner: Actor, course: Course, starts: Any, place: str, seats: int) -> TrainingSession:
    body = SessionIn(
        starts_on=starts,
        ends_on=starts + timedelta(days=max(course.hours // 8, 1) - 1),
        place=place if place != "online" else "",
        online=place == "online",
        seats=seats,
        trainers=[f"{owner.country} training unit"],
    )
    return actions.do_create_session(session, owner, course, body)


def _apply(session: Session, officer: Actor, course: Course, run: TrainingSession | None) -> Enrolment:
    language = LANG.get(officer.country, "en")
    body = EnrolmentIn.model_validate(
        {"course_id": course.id, "session_id": run.id if run else None, "language": language}
    )
    return actions.do_apply(session, officer, course, run, body)


def load(seed: int) -> str:
    """Load the training demo; return its summary."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = utcnow().date()
    certificates = enrolments = 0
    with unit_of_work() as session:
        courses: dict[str, Course] = {}
        for owner_country, body in COURSES:
            owner = _actor(session, owner_country, Role.BUREAU_OFFICER)
            courses[str(body["code"])] = actions.do_create_course(session, owner, CourseIn.model_validate(body))
        owners = {code: _actor(session, c.owner_country, Role.BUREAU_OFFICER) for code, c in courses.items()}
        past = _schedule(session, owners["NOT-101"], courses["NOT-101"], today - timedelta(days=60), "Lyon", 12)
        upcoming = _schedule(session, owners["NOT-101"], courses["NOT-101"], today + timedelta(days=30), "online", 20)
        ct = _schedule(session, owners["CT-301"], courses["CT-301"], today + timedelta(days=45), "Rabat", 3)
        drn = _schedule(session, owners["DRN-110"], courses["DRN-110"], today + timedelta(days=20), "Madrid", 8)
        cry = _schedule(session, owners["CRY-210"], courses["CRY-210"], today + timedelta(days=75), "online", 10)
        cyb = _schedule(session, owners["CYB-201"], courses["CYB-201"], today + timedelta(days=90), "Lyon", 6)

        passed = _notices_basics(session, rng, courses, owners, past)
        enrolments += len(passed[1])
        certificates += len(passed[0])
        passed_officers = passed[0]
        # counter-terrorism in Rabat: more approved applicants than seats, a waiting list
        for country in ("DZ", "TN", "EG", "JO", "FR", "ES"):
            enrolment = _apply(session, _actor(session, country, Role.ANALYST), courses["CT-301"], ct)
            actions.do_approve(session, _actor(session, country, Role.BUREAU_OFFICER), enrolment)
            enrolments += 1
        # drones in Madrid and crypto online: some approved, one awaiting approval, one refused
        for country, decision in (("MA", "approve"), ("FR", "approve"), ("LB", "pending"), ("AE", "reject")):
            enrolment = _apply(session, _actor(session, country, Role.DUTY_OFFICER), courses["DRN-110"], drn)
            bureau = _actor(session, country, Role.BUREAU_OFFICER)
            if decision == "approve":
                actions.do_approve(session, bureau, enrolment)
            elif decision == "reject":
                actions.do_reject(session, bureau, enrolment, "operational needs: next session")
            enrolments += 1
        for country in ("EG", "MA", "ES"):
            enrolment = _apply(session, _actor(session, country, Role.ANALYST), courses["CRY-210"], cry)
            actions.do_approve(session, _actor(session, country, Role.BUREAU_OFFICER), enrolment)
            enrolments += 1
        # cybercrime requires the notices basics: those who passed may apply
        for officer in passed_officers[:3]:
            _apply(session, officer, courses["CYB-201"], cyb)
            enrolments += 1
        for country in ("ES", "DE"):
            _apply(session, _actor(session, country, Role.FRONTLINE_OFFICER), courses["NOT-101"], upcoming)
            enrolments += 1
        # data-protection e-learning, taken in the console: one retake, then passes
        dp = courses["DP-100"]
        for country in ("MA", "EG", "FR", "TN", "JO"):
            officer = _actor(session, country, Role.FRONTLINE_OFFICER)
            enrolment = _apply(session, officer, dp, None)
            if country == "TN":
                actions.do_take_assessment(session, officer, enrolment, dp, AnswersIn(answers=[[1, 1], [0, 1]]))
            actions.do_take_assessment(session, officer, enrolment, dp, AnswersIn(answers=[[0, 0], [1, 0]]))
            enrolments += 1
            certificates += 1
        # one certificate revoked by its issuer (results annulled)
        revoked = next(c for c in _certificates(session, "FR"))
        actions.do_revoke(session, owners["NOT-101"], revoked, "result annulled after review")
    return f"{len(COURSES)} courses, 6 sessions, {enrolments} enrolments, {certificates} certificates (1 revoked)"


def _certificates(session: Session, issuer: str) -> list[Certificate]:
    stmt = select(Certificate).where(Certificate.issuer_country == issuer).order_by(Certificate.issued_at)
    return list(session.scalars(stmt))


def _notices_basics(
    session: Session, rng: random.Random, courses: dict[str, Course], owners: dict[str, Actor], past: TrainingSession
) -> tuple[list[Actor], list[Enrolment]]:
    """The notices basics, held two months ago: officers of nine members, each approved by their own bureau."""
    passed: list[Actor] = []
    taken: list[Enrolment] = []
    for country in LANG:
        bureau = _actor(session, country, Role.BUREAU_OFFICER)
        for role in OFFICERS[: 1 + rng.randrange(2)]:
            officer = _actor(session, country, role)
            enrolment = _apply(session, officer, courses["NOT-101"], past)
            actions.do_approve(session, bureau, enrolment)
            ok = rng.random() > 0.15
            score = rng.randrange(75, 99) if ok else rng.randrange(30, 60)
            result = ResultIn(attended=True, score=score, passed=ok)
            actions.do_record_result(session, owners["NOT-101"], enrolment, courses["NOT-101"], result)
            taken.append(enrolment)
            if ok:
                passed.append(officer)
    return passed, taken
