"""JSON API of training: the catalogue, sessions, enrolment with waiting lists, e-learning assessments,
verifiable certificates (credential and PDF), revocation, verification, gated-access requirements, figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response

from manara.api.deps import CurrentActor, DbSession, PageParams, attachment_response, require
from manara.db.base import utcnow
from manara.errors import Forbidden, ValidationFailed
from manara.identity import Actor, Perm
from manara.pagination import PageOut
from manara.schemas_common import CountryCode
from manara.training import actions, pdf, service
from manara.training.access import (
    access_certificate_by_id,
    access_certificate_for_issuer,
    access_course_by_id,
    access_course_for_owner,
    access_enrolment_by_id,
    access_enrolment_for_bureau,
    access_enrolment_for_trainer,
    access_session_by_id,
)
from manara.training.models import ENROLMENT_STATUSES, Certificate, Course, Enrolment, TrainingSession
from manara.training.schemas import (
    AnswersIn,
    CertificateOut,
    CourseIn,
    CourseOut,
    EnrolmentIn,
    EnrolmentOut,
    ReasonIn,
    RequirementOut,
    ResultIn,
    SessionIn,
    SessionOut,
    VerificationOut,
)

router = APIRouter(prefix="/training", tags=["training"])
Manager = Annotated[Actor, Depends(require(Perm.TRAINING_MANAGE))]


def _reader(actor: Actor) -> Actor:
    if not actor.can(Perm.TRAINING_READ):
        raise Forbidden("this role or key lacks training:read")
    return actor


def course_out(course: Course) -> CourseOut:
    """Serialise a course (the assessment's answers stay on the server)."""
    out = CourseOut.model_validate(course)
    out.questions = sum(len(m.get("questions", [])) for m in course.modules)
    return out


def session_out(session: DbSession, run: TrainingSession) -> SessionOut:
    """Serialise a session with its seat counts."""
    out = SessionOut.model_validate(run)
    out.enrolled, out.waitlisted = service.seat_counts(session, run.id)
    return out


def enrolment_out(session: DbSession, enrolment: Enrolment) -> EnrolmentOut:
    """Serialise an enrolment with its waiting-list place and certificate."""
    out = EnrolmentOut.model_validate(enrolment)
    out.waitlist_position = service.waitlist_position(session, enrolment)
    cert = service.certificate_of_enrolment(session, enrolment.id) if enrolment.status == "completed" else None
    out.certificate_id = cert.id if cert is not None else None
    return out


@router.get("/courses", response_model=PageOut[CourseOut])
def list_courses(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    crime_area: Annotated[str | None, Query(max_length=40)] = None,
    owner: Annotated[str | None, Query(min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")] = None,
) -> PageOut[CourseOut]:
    """The catalogue: every member's active courses (filter by crime area or owner)."""
    _reader(actor)
    page = service.list_courses(
        session, actor, crime_area=crime_area, owner=owner, page=paging.page, page_size=paging.page_size
    )
    return PageOut(
        items=[course_out(c) for c in page.items], total=page.total, page=page.page, page_size=page.page_size
    )


@router.post("/courses", response_model=CourseOut, status_code=201)
def create_course(body: CourseIn, session: DbSession, actor: Manager) -> CourseOut:
    """Add a course to your country's catalogue (titles in en, fr, ar, es)."""
    return course_out(actions.do_create_course(session, actor, body))


@router.get("/courses/{course_id}", response_model=CourseOut)
def get_course(course_id: str, session: DbSession, actor: CurrentActor) -> CourseOut:
    """One course of the catalogue."""
    return course_out(access_course_by_id(session, _reader(actor), course_id))


@router.get("/courses/{course_id}/assessment")
def get_assessment(course_id: str, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """The e-learning assessment of a course: modules and questions, without the answers."""
    course = access_course_by_id(session, _reader(actor), course_id)
    modules = [
        {"title": m["title"], "questions": [{"text": q["text"], "options": q["options"]} for q in m["questions"]]}
        for m in course.modules
    ]
    return {"course_id": course.id, "pass_mark": course.pass_mark, "modules": modules}


@router.get("/courses/{course_id}/sessions", response_model=list[SessionOut])
def list_sessions(course_id: str, session: DbSession, actor: CurrentActor) -> list[SessionOut]:
    """The sessions of a course with free seats and waiting lists."""
    course = access_course_by_id(session, _reader(actor), course_id)
    return [session_out(session, r) for r in service.sessions_of(session, course.id)]


@router.post("/courses/{course_id}/sessions", response_model=SessionOut, status_code=201)
def create_session(course_id: str, body: SessionIn, session: DbSession, actor: Manager) -> SessionOut:
    """Schedule a session of one of your country's courses."""
    course = access_course_for_owner(session, actor, course_id)
    return session_out(session, actions.do_create_session(session, actor, course, body))


@router.post("/enrolments", response_model=EnrolmentOut, status_code=201)
def apply(body: EnrolmentIn, session: DbSession, actor: CurrentActor) -> EnrolmentOut:
    """Apply for a course session (your national bureau approves), or enrol in an e-learning course."""
    course = access_course_by_id(session, _reader(actor), body.course_id)
    run = access_session_by_id(session, actor, body.session_id) if body.session_id else None
    return enrolment_out(session, actions.do_apply(session, actor, course, run, body))


@router.get("/enrolments", response_model=PageOut[EnrolmentOut])
def list_enrolments(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    mine: bool = True,
    status: Annotated[str | None, Query(max_length=16)] = None,
    session_id: Annotated[str | None, Query(max_length=36)] = None,
) -> PageOut[EnrolmentOut]:
    """Your enrolments (``mine=false``: also your country's officers' and those in your country's courses)."""
    _reader(actor)
    if status is not None and status not in ENROLMENT_STATUSES:
        raise ValidationFailed("unknown status", [{"field": "status", "message": ", ".join(ENROLMENT_STATUSES)}])
    page = service.list_enrolments(
        session, actor, mine=mine, status=status, session_id=session_id, page=paging.page, page_size=paging.page_size
    )
    actions.do_log_enrolments_read(
        session, actor, [e.id for e in page.items], {"mine": mine, "status": status, "session_id": session_id}
    )
    items = [enrolment_out(session, e) for e in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/enrolments/{enrolment_id}", response_model=EnrolmentOut)
def get_enrolment(enrolment_id: str, session: DbSession, actor: CurrentActor) -> EnrolmentOut:
    """One enrolment (audited)."""
    enrolment, _ = access_enrolment_by_id(session, actor, enrolment_id)
    actions.do_log_enrolments_read(session, actor, [enrolment.id], {"id": enrolment.id})
    return enrolment_out(session, enrolment)


@router.post("/enrolments/{enrolment_id}/approve", response_model=EnrolmentOut)
def approve(enrolment_id: str, session: DbSession, actor: CurrentActor) -> EnrolmentOut:
    """Approve an application of one of your officers: a seat if free, else the waiting list."""
    enrolment, _ = access_enrolment_for_bureau(session, actor, enrolment_id)
    return enrolment_out(session, actions.do_approve(session, actor, enrolment))


@router.post("/enrolments/{enrolment_id}/reject", response_model=EnrolmentOut)
def reject(enrolment_id: str, body: ReasonIn, session: DbSession, actor: CurrentActor) -> EnrolmentOut:
    """Refuse an application of one of your officers."""
    enrolment, _ = access_enrolment_for_bureau(session, actor, enrolment_id)
    return enrolment_out(session, actions.do_reject(session, actor, enrolment, body.reason))


@router.post("/enrolments/{enrolment_id}/cancel", response_model=EnrolmentOut)
def cancel(enrolment_id: str, session: DbSession, actor: CurrentActor) -> EnrolmentOut:
    """Withdraw an application or a seat (yours, or one of your officers'); the waiting list moves up."""
    enrolment, _ = access_enrolment_by_id(session, actor, enrolment_id)
    return enrolment_out(session, actions.do_cancel(session, actor, enrolment))


@router.post("/enrolments/{enrolment_id}/result", response_model=EnrolmentOut)
def record_result(enrolment_id: str, body: ResultIn, session: DbSession, actor: CurrentActor) -> EnrolmentOut:
    """Record attendance and result in your country's course; a pass issues the certificate."""
    enrolment, course = access_enrolment_for_trainer(session, actor, enrolment_id)
    return enrolment_out(session, actions.do_record_result(session, actor, enrolment, course, body))


@router.post("/enrolments/{enrolment_id}/assessment", response_model=EnrolmentOut)
def take_assessment(enrolment_id: str, body: AnswersIn, session: DbSession, actor: CurrentActor) -> EnrolmentOut:
    """Submit your answers to an e-learning assessment; at the pass mark the certificate is issued."""
    enrolment, course = access_enrolment_by_id(session, actor, enrolment_id)
    enrolment, _ = actions.do_take_assessment(session, actor, enrolment, course, body)
    return enrolment_out(session, enrolment)


@router.get("/certificates", response_model=PageOut[CertificateOut])
def list_certificates(
    session: DbSession, actor: CurrentActor, paging: PageParams, mine: bool = True
) -> PageOut[CertificateOut]:
    """Your certificates (``mine=false``: also those your country holds or issued)."""
    page = service.list_certificates(session, _reader(actor), mine=mine, page=paging.page, page_size=paging.page_size)
    actions.do_log_certificate_read(session, actor, [c.id for c in page.items], "list")
    items = [CertificateOut.model_validate(c) for c in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


def _certificate(session: DbSession, actor: Actor, cert_id: str, what: str) -> Certificate:
    cert = access_certificate_by_id(session, actor, cert_id)
    actions.do_log_certificate_read(session, actor, [cert.id], what)
    return cert


@router.get("/certificates/{cert_id}", response_model=CertificateOut)
def get_certificate(cert_id: str, session: DbSession, actor: CurrentActor) -> CertificateOut:
    """One certificate with its signed credential (save it to verify offline)."""
    return CertificateOut.model_validate(_certificate(session, actor, cert_id, "credential"))


@router.get("/certificates/{cert_id}/pdf", response_class=Response)
def certificate_pdf(cert_id: str, session: DbSession, actor: CurrentActor) -> Response:
    """The PDF certificate in the holder's language, with a QR code to the public verification page."""
    cert = _certificate(session, actor, cert_id, "pdf")
    data = pdf.render_pdf(cert.credential, service.verify_url(cert.id), cert.language)
    return attachment_response(data, f"certificate-{cert.course_code}-{cert.id[:8]}.pdf", "application/pdf")


@router.post("/certificates/{cert_id}/revoke", response_model=CertificateOut)
def revoke(cert_id: str, body: ReasonIn, session: DbSession, actor: CurrentActor) -> CertificateOut:
    """Revoke a certificate your country issued: verification fails from the next check on."""
    cert = access_certificate_for_issuer(session, actor, cert_id)
    return CertificateOut.model_validate(actions.do_revoke(session, actor, cert, body.reason))


@router.post("/verify", response_model=VerificationOut)
def verify(session: DbSession, actor: CurrentActor, body: Annotated[dict[str, Any], Body()]) -> VerificationOut:
    """Verify a credential (as issued, JSON): signature, issuer key, validity dates and revocation."""
    _reader(actor)
    status, reason, cert = service.check_credential(session, body)
    issuer = body.get("issuer")
    return VerificationOut(
        status=status,
        reason=reason,
        certificate_id=cert.id if cert is not None else None,
        issuer=str(issuer.get("id")) if isinstance(issuer, dict) else None,
        checked_at=utcnow(),
    )


@router.get("/requirements", response_model=list[RequirementOut])
def my_requirements(session: DbSession, actor: CurrentActor) -> list[RequirementOut]:
    """The courses your role requires (training that gates access) and whether you hold them."""
    _reader(actor)
    return [
        RequirementOut(
            permission=r.permission,
            course_code=r.course_code,
            held=r.certificate is not None,
            expires_at=r.certificate.expires_at if r.certificate is not None else None,
        )
        for r in service.requirements(session, actor.user_id, actor.role)
    ]


@router.get("/figures")
def figures(
    session: DbSession, actor: Manager, country: Annotated[CountryCode | None, Query()] = None
) -> dict[str, Any]:
    """Trained officers per member and crime area, expiring certificates, gaps against role requirements."""
    return service.figures(session, country)


@router.get("/keys/{country}")
def member_keys(country: str, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """A member's certificate-signing public keys (for offline verification); never the private part."""
    _reader(actor)
    keys = service.public_keys(session, country[:2])
    return {
        "country": country[:2].upper(),
        "keys": [{"key_id": k.key_id, "public_key": k.public_key, "active": k.active} for k in keys],
    }
