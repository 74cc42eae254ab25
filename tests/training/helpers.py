"""Builders shared by the training tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from manara.identity import Actor
from manara.training import actions
from manara.training.models import Certificate, Course, Enrolment, TrainingSession
from manara.training.schemas import CourseIn, EnrolmentIn, ResultIn, SessionIn

FOUR = {"en": "Notices basics", "fr": "Bases des notices", "ar": "أساسيات النشرات", "es": "Bases de las notificaciones"}


def course_body(code: str = "NOT-101", **over: Any) -> dict[str, Any]:
    """Return a valid course body."""
    body: dict[str, Any] = {
        "code": code,
        "title": dict(FOUR),
        "description": {"en": "What notices are and how to use them."},
        "crime_areas": ["notices"],
        "level": "basic",
        "hours": 8,
        "validity_months": 24,
    }
    body.update(over)
    return body


def elearning_body(code: str = "DP-100", **over: Any) -> dict[str, Any]:
    """Return a valid e-learning course body with a two-question assessment (answers 1 and 0)."""
    body = course_body(
        code,
        elearning=True,
        crime_areas=["data_protection"],
        pass_mark=100,
        modules=[
            {
                "title": "Rules",
                "questions": [
                    {"text": "Who owns a notice's data?", "options": ["The network", "The member"], "answer": 1},
                    {"text": "Must reads be audited?", "options": ["Yes", "No"], "answer": 0},
                ],
            }
        ],
    )
    body.update(over)
    return body


def make_course(session: Session, actor: Actor, code: str = "NOT-101", **over: Any) -> Course:
    """Create a course of the actor's country."""
    return actions.do_create_course(session, actor, CourseIn.model_validate(course_body(code, **over)))


def make_run(session: Session, actor: Actor, course: Course, seats: int = 2) -> TrainingSession:
    """Schedule a session of a course."""
    body = SessionIn.model_validate(
        {"starts_on": "2027-01-10", "ends_on": "2027-01-12", "place": "Rabat", "seats": seats}
    )
    return actions.do_create_session(session, actor, course, body)


def apply(session: Session, officer: Actor, course: Course, run: TrainingSession | None, lang: str = "en") -> Enrolment:
    """Apply an officer to a session."""
    body = EnrolmentIn.model_validate({"course_id": course.id, "session_id": run.id if run else None, "language": lang})
    return actions.do_apply(session, officer, course, run, body)


def complete(
    session: Session,
    officer: Actor,
    bureau: Actor,
    trainer: Actor,
    course: Course,
    run: TrainingSession,
    lang: str = "en",
) -> Certificate:
    """Drive an officer from application to certificate."""
    enrolment = apply(session, officer, course, run, lang)
    actions.do_approve(session, bureau, enrolment)
    actions.do_record_result(session, trainer, enrolment, course, ResultIn(attended=True, score=88, passed=True))
    cert = session.query(Certificate).filter_by(enrolment_id=enrolment.id).one()
    return cert
