"""Who may see and change what in training.

The catalogue (active courses and their sessions) is open to every member's users with ``training:read``;
an inactive course only to its owner. An enrolment is personal data: seen by the officer it belongs to, and
by the training managers of the officer's country (the national bureau that approves) and of the course's
owner (who runs the session and records results). A certificate likewise: holder, holder's bureau, issuer.
Anything else is NotFound, identical to a missing record.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.training.models import Certificate, Course, Enrolment, TrainingSession


def can_view_course(actor: Actor, course: Course) -> bool:
    """Tell whether ``actor`` may see ``course``."""
    return actor.can(Perm.TRAINING_READ) and (course.active or course.owner_country == actor.country)


def course_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of course queries."""
    if not actor.can(Perm.TRAINING_READ):
        return false()
    return or_(Course.active.is_(True), Course.owner_country == actor.country)


def access_course_by_id(session: Session, actor: Actor, course_id: str) -> Course:
    """Return a course the actor may see, or NotFound."""
    course = session.get(Course, course_id)
    if course is None or not can_view_course(actor, course):
        raise NotFound("course", course_id)
    return course


def access_course_for_owner(session: Session, actor: Actor, course_id: str) -> Course:
    """Return a course of the actor's country that the actor may manage, or NotFound."""
    course = session.get(Course, course_id)
    if course is None or course.owner_country != actor.country or not actor.can(Perm.TRAINING_MANAGE):
        raise NotFound("course", course_id)
    return course


def access_session_by_id(session: Session, actor: Actor, session_id: str) -> TrainingSession:
    """Return a session of a course the actor may see, or NotFound."""
    run = session.get(TrainingSession, session_id)
    if run is None:
        raise NotFound("session", session_id)
    course = session.get(Course, run.course_id)
    if course is None or not can_view_course(actor, course):
        raise NotFound("session", session_id)
    return run


def can_view_enrolment(actor: Actor, enrolment: Enrolment, course_owner: str) -> bool:
    """Tell whether ``actor`` may see ``enrolment`` (of a course owned by ``course_owner``)."""
    if not actor.can(Perm.TRAINING_READ):
        return False
    if enrolment.user_id == actor.user_id:
        return True
    return actor.can(Perm.TRAINING_MANAGE) and actor.country in (enrolment.country, course_owner)


def enrolment_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of enrolment queries."""
    if not actor.can(Perm.TRAINING_READ):
        return false()
    if not actor.can(Perm.TRAINING_MANAGE):
        return Enrolment.user_id == actor.user_id
    owned = select(Course.id).where(Course.owner_country == actor.country)
    return or_(Enrolment.user_id == actor.user_id, Enrolment.country == actor.country, Enrolment.course_id.in_(owned))


def access_enrolment_by_id(session: Session, actor: Actor, enrolment_id: str) -> tuple[Enrolment, Course]:
    """Return an enrolment the actor may see and its course, or NotFound."""
    enrolment = session.get(Enrolment, enrolment_id)
    course = session.get(Course, enrolment.course_id) if enrolment is not None else None
    if enrolment is None or course is None or not can_view_enrolment(actor, enrolment, course.owner_country):
        raise NotFound("enrolment", enrolment_id)
    return enrolment, course


def access_enrolment_for_bureau(session: Session, actor: Actor, enrolment_id: str) -> tuple[Enrolment, Course]:
    """Return an enrolment of an officer of the actor's country, for its national bureau to decide; NotFound."""
    enrolment, course = access_enrolment_by_id(session, actor, enrolment_id)
    if enrolment.country != actor.country or not actor.can(Perm.TRAINING_MANAGE):
        raise NotFound("enrolment", enrolment_id)
    return enrolment, course


def access_enrolment_for_trainer(session: Session, actor: Actor, enrolment_id: str) -> tuple[Enrolment, Course]:
    """Return an enrolment in a course of the actor's country, for its owner to record results; NotFound."""
    enrolment, course = access_enrolment_by_id(session, actor, enrolment_id)
    if course.owner_country != actor.country or not actor.can(Perm.TRAINING_MANAGE):
        raise NotFound("enrolment", enrolment_id)
    return enrolment, course


def can_view_certificate(actor: Actor, cert: Certificate) -> bool:
    """Tell whether ``actor`` may see ``cert`` through the authenticated interfaces."""
    if not actor.can(Perm.TRAINING_READ):
        return False
    if cert.user_id == actor.user_id:
        return True
    return actor.can(Perm.TRAINING_MANAGE) and actor.country in (cert.holder_country, cert.issuer_country)


def certificate_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of certificate queries."""
    if not actor.can(Perm.TRAINING_READ):
        return false()
    if not actor.can(Perm.TRAINING_MANAGE):
        return Certificate.user_id == actor.user_id
    return or_(
        Certificate.user_id == actor.user_id,
        Certificate.holder_country == actor.country,
        Certificate.issuer_country == actor.country,
    )


def access_certificate_by_id(session: Session, actor: Actor, cert_id: str) -> Certificate:
    """Return a certificate the actor may see, or NotFound."""
    cert = session.get(Certificate, cert_id)
    if cert is None or not can_view_certificate(actor, cert):
        raise NotFound("certificate", cert_id)
    return cert


def access_certificate_for_issuer(session: Session, actor: Actor, cert_id: str) -> Certificate:
    """Return a certificate the actor's country issued, for its managers to revoke; NotFound otherwise."""
    cert = access_certificate_by_id(session, actor, cert_id)
    if cert.issuer_country != actor.country or not actor.can(Perm.TRAINING_MANAGE):
        raise NotFound("certificate", cert_id)
    return cert
