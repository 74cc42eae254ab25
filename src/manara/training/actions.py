"""Write path of training: every change with its audit event and outbox event; never commits."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import new_id, utcnow
from manara.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from manara.identity import Actor, Perm, Role
from manara.member.models import Member, User
from manara.outbox.service import enqueue
from manara.training import credential, keys, service
from manara.training.models import Certificate, Course, Enrolment, SigningKey, TrainingSession
from manara.training.schemas import AnswersIn, CourseIn, EnrolmentIn, ResultIn, SessionIn


def _manager(actor: Actor) -> None:
    if not actor.can(Perm.TRAINING_MANAGE):
        raise Forbidden("this role or key lacks training:manage")


def do_create_course(session: Session, actor: Actor, data: CourseIn) -> Course:
    """Add a course to your country's catalogue."""
    _manager(actor)
    if any(c.owner_country == actor.country for c in service.course_by_code(session, data.code)):
        raise Conflict("your country already has a course with this code", code=data.code)
    course = Course(
        owner_country=actor.country,
        code=data.code,
        title=dict(data.title),
        description=dict(data.description),
        crime_areas=sorted(set(data.crime_areas)),
        level=data.level,
        hours=data.hours,
        prerequisites=list(data.prerequisites),
        validity_months=data.validity_months,
        qualifies_roles=[r.value for r in data.qualifies_roles],
        elearning=data.elearning,
        modules=[m.model_dump() for m in data.modules],
        pass_mark=data.pass_mark,
        active=True,
    )
    session.add(course)
    session.flush()
    record(session, actor, AuditAction.TRAINING_COURSE_CREATED, target_type="training_course", target_ids=[course.id])
    enqueue(session, "training.course_created", {"id": course.id, "code": course.code}, country=actor.country)
    return course


def do_create_session(session: Session, actor: Actor, course: Course, data: SessionIn) -> TrainingSession:
    """Schedule a session of one of your country's courses."""
    _manager(actor)
    if course.owner_country != actor.country:
        raise NotFound("course", course.id)
    if course.elearning:
        raise ValidationFailed("e-learning courses have no sessions", [{"field": "course_id", "message": "e-learning"}])
    run = TrainingSession(
        course_id=course.id,
        owner_country=actor.country,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        place=data.place,
        online=data.online,
        seats=data.seats,
        trainers=list(data.trainers),
        status="open",
    )
    session.add(run)
    session.flush()
    record(session, actor, AuditAction.TRAINING_SESSION_CREATED, target_type="training_session", target_ids=[run.id])
    enqueue(session, "training.session_created", {"id": run.id, "course_id": course.id}, country=actor.country)
    return run


def do_apply(
    session: Session, actor: Actor, course: Course, run: TrainingSession | None, data: EnrolmentIn
) -> Enrolment:
    """Apply for a course: to one of its sessions (your national bureau approves), or to an e-learning course
    (enrolled at once). Prerequisites must be held as valid certificates."""
    if not actor.can(Perm.TRAINING_READ):
        raise Forbidden("this role or key lacks training:read")
    if course.elearning and run is not None:
        raise ValidationFailed("e-learning courses have no sessions", [{"field": "session_id", "message": "omit it"}])
    if not course.elearning and (run is None or run.course_id != course.id):
        raise ValidationFailed("choose a session of this course", [{"field": "session_id", "message": "required"}])
    if run is not None and run.status != "open":
        raise InvalidTransition("session", run.status, "apply to")
    if service.active_enrolment(session, actor.user_id, course.id) is not None:
        raise Conflict("you already applied for this course", course_id=course.id)
    held = service.valid_certificates(session, actor.user_id, set(course.prerequisites), utcnow())
    missing = [c for c in course.prerequisites if c not in held]
    if missing:
        raise ValidationFailed(
            "prerequisites missing", [{"field": "course_id", "message": f"complete first: {', '.join(missing)}"}]
        )
    user = session.get(User, actor.user_id)
    now = utcnow()
    enrolment = Enrolment(
        course_id=course.id,
        session_id=run.id if run is not None else None,
        user_id=actor.user_id,
        holder_name=(user.full_name if user is not None and user.full_name else actor.username),
        country=actor.country,
        language=data.language,
        status="enrolled" if course.elearning else "applied",
        approved_at=now if course.elearning else None,
        note=data.note,
    )
    session.add(enrolment)
    session.flush()
    record(session, actor, AuditAction.TRAINING_APPLIED, target_type="training_enrolment", target_ids=[enrolment.id])
    enqueue(
        session,
        "training.applied",
        {"id": enrolment.id, "course_id": course.id, "country": actor.country},
        country=actor.country,
    )
    return enrolment


def _allocate(session: Session, enrolment: Enrolment) -> None:
    """Give an approved application a seat, or a place on the waiting list."""
    run = session.get(TrainingSession, enrolment.session_id) if enrolment.session_id else None
    if run is None:
        enrolment.status = "enrolled"
        return
    seated, _ = service.seat_counts(session, run.id)
    enrolment.status = "enrolled" if seated < run.seats else "waitlisted"


def do_approve(session: Session, actor: Actor, enrolment: Enrolment) -> Enrolment:
    """Approve an application of one of your country's officers: a seat if one is free, else the waiting list."""
    _manager(actor)
    if enrolment.country != actor.country:
        raise NotFound("enrolment", enrolment.id)
    if enrolment.status != "applied":
        raise InvalidTransition("enrolment", enrolment.status, "approve")
    enrolment.approved_at = utcnow()
    session.flush()
    _allocate(session, enrolment)
    session.flush()
    record(session, actor, AuditAction.TRAINING_APPROVED, target_type="training_enrolment", target_ids=[enrolment.id])
    enqueue(
        session,
        "training.approved",
        {"id": enrolment.id, "status": enrolment.status, "user_id": enrolment.user_id},
        country=enrolment.country,
    )
    return enrolment


def do_reject(session: Session, actor: Actor, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """Refuse an application of one of your country's officers."""
    _manager(actor)
    if enrolment.country != actor.country:
        raise NotFound("enrolment", enrolment.id)
    if enrolment.status != "applied":
        raise InvalidTransition("enrolment", enrolment.status, "reject")
    enrolment.status, enrolment.note = "rejected", reason[:500] or enrolment.note
    record(session, actor, AuditAction.TRAINING_REJECTED, target_type="training_enrolment", target_ids=[enrolment.id])
    enqueue(session, "training.rejected", {"id": enrolment.id, "user_id": enrolment.user_id}, country=enrolment.country)
    return enrolment


def _promote(session: Session, actor: Actor, session_id: str) -> Enrolment | None:
    run = session.get(TrainingSession, session_id)
    queue = service.waitlist(session, session_id)
    if run is None or not queue or service.seat_counts(session, session_id)[0] >= run.seats:
        return None
    first = queue[0]
    first.status = "enrolled"
    session.flush()
    record(session, actor, AuditAction.TRAINING_PROMOTED, target_type="training_enrolment", target_ids=[first.id])
    enqueue(session, "training.promoted", {"id": first.id, "user_id": first.user_id}, country=first.country)
    return first


def do_cancel(session: Session, actor: Actor, enrolment: Enrolment) -> Enrolment:
    """Withdraw an application or a seat (the officer, or their bureau); the waiting list moves up."""
    own = enrolment.user_id == actor.user_id
    if not own and not (actor.can(Perm.TRAINING_MANAGE) and enrolment.country == actor.country):
        raise NotFound("enrolment", enrolment.id)
    if enrolment.status not in ("applied", "enrolled", "waitlisted"):
        raise InvalidTransition("enrolment", enrolment.status, "cancel")
    held_seat = enrolment.status == "enrolled"
    enrolment.status = "cancelled"
    session.flush()
    record(session, actor, AuditAction.TRAINING_CANCELLED, target_type="training_enrolment", target_ids=[enrolment.id])
    enqueue(
        session, "training.cancelled", {"id": enrolment.id, "user_id": enrolment.user_id}, country=enrolment.country
    )
    if held_seat and enrolment.session_id:
        _promote(session, actor, enrolment.session_id)
    return enrolment


def do_record_result(session: Session, actor: Actor, enrolment: Enrolment, course: Course, data: ResultIn) -> Enrolment:
    """Record attendance and result of an officer seated in a session of your country's course; a pass issues
    the certificate, signed with your country's key."""
    _manager(actor)
    if course.owner_country != actor.country or enrolment.course_id != course.id:
        raise NotFound("enrolment", enrolment.id)
    if enrolment.status != "enrolled":
        raise InvalidTransition("enrolment", enrolment.status, "record a result of")
    passed = data.passed and data.attended
    enrolment.attended, enrolment.score = data.attended, data.score
    enrolment.status = "completed" if passed else "failed"
    enrolment.completed_at = utcnow()
    record(
        session,
        actor,
        AuditAction.TRAINING_RESULT_RECORDED,
        target_type="training_enrolment",
        target_ids=[enrolment.id],
        extra={"attended": data.attended, "passed": passed},
    )
    enqueue(
        session, "training.result_recorded", {"id": enrolment.id, "status": enrolment.status}, country=enrolment.country
    )
    if passed:
        _issue(session, actor, enrolment, course)
    return enrolment


def do_take_assessment(
    session: Session, actor: Actor, enrolment: Enrolment, course: Course, data: AnswersIn
) -> tuple[Enrolment, Certificate | None]:
    """Submit answers to an e-learning course's assessment; at the pass mark the course is completed and the
    certificate issued by the course's owner. A failed attempt may be retaken."""
    if enrolment.user_id != actor.user_id or enrolment.course_id != course.id:
        raise NotFound("enrolment", enrolment.id)
    if not course.elearning:
        raise ValidationFailed("this course has no e-learning assessment", [{"field": "answers", "message": "-"}])
    if enrolment.status != "enrolled":
        raise InvalidTransition("enrolment", enrolment.status, "take the assessment of")
    score = service.score_answers(course, data.answers)
    enrolment.attempts += 1
    enrolment.score = score
    passed = score >= course.pass_mark
    record(
        session,
        actor,
        AuditAction.TRAINING_ASSESSMENT_TAKEN,
        target_type="training_enrolment",
        target_ids=[enrolment.id],
        extra={"score": score, "passed": passed, "attempt": enrolment.attempts},
    )
    cert = None
    if passed:
        enrolment.status, enrolment.attended, enrolment.completed_at = "completed", True, utcnow()
        cert = _issue(session, actor, enrolment, course)
    enqueue(session, "training.assessment_taken", {"id": enrolment.id, "passed": passed}, country=enrolment.country)
    return enrolment, cert


def do_create_key(session: Session, actor: Actor, country: str) -> SigningKey:
    """Create the member's signing key, retiring the previous one (its public part stays for verification)."""
    if actor.country not in (country, "ZZ") or not actor.can(Perm.TRAINING_MANAGE):
        raise Forbidden("only the member's own training managers may create its signing key")
    for old in service.public_keys(session, country):
        old.active = False
    _, public, encrypted = keys.new_key()
    key = SigningKey(country=country, key_id=keys.key_id(country, public), public_key=public)
    key.private_key_encrypted = encrypted
    session.add(key)
    session.flush()
    # the audit event names the key by its public id only: never the private part
    record(
        session, actor, AuditAction.TRAINING_KEY_CREATED, target_type="training_signing_key", target_ids=[key.key_id]
    )
    enqueue(session, "training.key_created", {"key_id": key.key_id, "public_key": public}, country=country)
    return key


def _issue(session: Session, actor: Actor, enrolment: Enrolment, course: Course) -> Certificate:
    key_row = service.active_key(session, course.owner_country)
    if key_row is None:
        key_row = do_create_key(session, _as_member(actor, course.owner_country), course.owner_country)
    private = keys.decrypt(key_row.private_key_encrypted)
    member = session.get(Member, course.owner_country)
    issued = utcnow().replace(microsecond=0)
    expires = service.add_months(issued, course.validity_months)
    cert_id = new_id()
    index = service.next_status_index(session, course.owner_country)
    unsigned = service.build_credential(
        cert_id=cert_id,
        course=course,
        holder=enrolment,
        language=enrolment.language,
        issued=issued,
        expires=expires,
        status_index=index,
        issuer_name=f"{member.name if member is not None else course.owner_country} ({course.owner_country})",
    )
    signed = credential.sign(unsigned, private, key_row.key_id, issued)
    cert = Certificate(
        id=cert_id,
        course_id=course.id,
        course_code=course.code,
        enrolment_id=enrolment.id,
        user_id=enrolment.user_id,
        holder_country=enrolment.country,
        issuer_country=course.owner_country,
        language=enrolment.language,
        issued_at=issued,
        expires_at=expires,
        status_index=index,
        credential=signed,
    )
    session.add(cert)
    session.flush()
    record(
        session,
        actor,
        AuditAction.TRAINING_CERTIFICATE_ISSUED,
        target_type="training_certificate",
        target_ids=[cert.id],
    )
    payload: dict[str, Any] = {"id": cert.id, "user_id": cert.user_id, "course_code": cert.course_code}
    enqueue(session, "training.certificate_issued", payload, country=cert.holder_country)
    return cert


def _as_member(actor: Actor, country: str) -> Actor:
    """The course owner acts through the issuing of its certificates, whoever completed the course."""
    return replace(actor, country=country, role=Role.ADMINISTRATOR, scopes=frozenset({Perm.TRAINING_MANAGE.value}))


def do_revoke(session: Session, actor: Actor, cert: Certificate, reason: str) -> Certificate:
    """Revoke a certificate your country issued: published in the status list at once."""
    _manager(actor)
    if cert.issuer_country != actor.country:
        raise NotFound("certificate", cert.id)
    if cert.revoked_at is not None:
        raise InvalidTransition("certificate", "revoked", "revoke")
    cert.revoked_at, cert.revocation_reason = utcnow(), reason[:500]
    record(
        session,
        actor,
        AuditAction.TRAINING_CERTIFICATE_REVOKED,
        target_type="training_certificate",
        target_ids=[cert.id],
    )
    enqueue(
        session, "training.certificate_revoked", {"id": cert.id, "user_id": cert.user_id}, country=cert.holder_country
    )
    return cert


def do_log_certificate_read(session: Session, actor: Actor, cert_ids: list[str], what: str) -> None:
    """Audit a read of certificates (personal data): the credential, its PDF or a list."""
    record(
        session,
        actor,
        AuditAction.TRAINING_CERTIFICATE_VIEWED,
        target_type="training_certificate",
        target_ids=cert_ids,
        query={"what": what},
    )


def do_log_enrolments_read(session: Session, actor: Actor, enrolment_ids: list[str], query: dict[str, Any]) -> None:
    """Audit a read of enrolments (personal data)."""
    record(
        session,
        actor,
        AuditAction.TRAINING_ENROLMENTS_VIEWED,
        target_type="training_enrolment",
        target_ids=enrolment_ids,
        query=query,
    )


def do_notify_expiring(session: Session, actor: Actor, *, within_days: int, now: datetime | None = None) -> int:
    """Tell holders and their bureaus of certificates expiring within ``within_days`` (once per certificate):
    one outbox event per certificate to the holder's country, for the live feed and notifications."""
    certs = service.expiring(session, within_days=within_days, now=now)
    at = utcnow()
    for cert in certs:
        cert.expiry_notified_at = at
        enqueue(
            session,
            "training.certificate_expiring",
            {
                "id": cert.id,
                "user_id": cert.user_id,
                "course_code": cert.course_code,
                "expires_at": service.iso(cert.expires_at),
            },
            country=cert.holder_country,
        )
    if certs:
        record(
            session,
            actor,
            AuditAction.TRAINING_EXPIRY_NOTIFIED,
            target_type="training_certificate",
            target_ids=[c.id for c in certs],
        )
    return len(certs)


def do_reencrypt_signing_keys(session: Session, *, acting: Actor) -> int:
    """Re-encrypt every member's signing key under the newest server key (``manara keys rotate``); audited."""
    rows = list(session.scalars(select(SigningKey)))
    for row in rows:
        row.private_key_encrypted = keys.reencrypt(row.private_key_encrypted)
    record(
        session, acting, AuditAction.SECRETS_REENCRYPTED, target_type="training_signing_key", extra={"count": len(rows)}
    )
    return len(rows)
