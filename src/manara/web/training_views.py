"""Console pages of training: my training (what to take, enrolments, certificates, the catalogue), a course
(sessions, applying, the e-learning assessment), the training desk of a bureau (approvals, results,
certificates, figures), and the public certificate verification page and status lists (no sign-in).
Same access rules and write path as the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from manara.api.deps import DbSession, attachment_response
from manara.db.base import utcnow
from manara.errors import Conflict, Forbidden, InvalidTransition, ManaraError, NotFound, ValidationFailed
from manara.identity import Actor, Perm, Role
from manara.settings import get_settings
from manara.training import actions, credential, pdf, service
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
from manara.training.models import CRIME_AREAS, LANGUAGES, LEVELS, Certificate, Course
from manara.training.schemas import AnswersIn, CourseIn, EnrolmentIn, ResultIn, SessionIn
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import page

router = APIRouter()
Line = Annotated[str, Form(max_length=500)]
REFUSED = (ValidationFailed, Conflict, InvalidTransition, Forbidden)


def _need(actor: Actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise Forbidden(f"this role lacks {perm.value}")


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(e["msg"]) for e in exc.errors())
    if isinstance(exc, ValidationFailed):
        details = exc.data.get("errors") or []
        return exc.message + (": " + "; ".join(str(d.get("message", "")) for d in details) if details else "")
    return exc.message if isinstance(exc, ManaraError) else str(exc)


@router.get("/training")
def my_training(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    crime_area: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """What the user must take, their enrolments and certificates, and the catalogue."""
    return _my_training(request, session, actor, crime_area if crime_area in CRIME_AREAS else None)


def _my_training(
    request: Request,
    session: DbSession,
    actor: Actor,
    crime_area: str | None = None,
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    _need(actor, Perm.TRAINING_READ)
    now = utcnow()
    enrolments = service.list_enrolments(session, actor, mine=True, status=None, session_id=None, page=1, page_size=200)
    certs = service.list_certificates(session, actor, mine=True, page=1, page_size=200)
    actions.do_log_enrolments_read(session, actor, [e.id for e in enrolments.items], {"console": "mine"})
    actions.do_log_certificate_read(session, actor, [c.id for c in certs.items], "console list")
    catalogue = service.list_courses(session, actor, crime_area=crime_area, owner=None, page=1, page_size=500)
    courses = {c.id: c for c in catalogue.items}
    for e in enrolments.items:
        if e.course_id not in courses:
            found = session.get(Course, e.course_id)
            if found is not None:
                courses[found.id] = found
    positions = {e.id: service.waitlist_position(session, e) for e in enrolments.items}
    return page(
        request,
        "training/index.html",
        status=status,
        requirements=service.requirements(session, actor.user_id, actor.role, now),
        enrolments=enrolments.items,
        positions=positions,
        certificates=certs.items,
        statuses={c.id: service.check_stored(session, c, now)[0] for c in certs.items},
        soon=now + timedelta(days=get_settings().training_expiry_notice_days),
        catalogue=catalogue.items,
        courses=courses,
        crime_area=crime_area,
        crime_areas=CRIME_AREAS,
        error=error,
        now=now,
    )


@router.get("/training/courses/{course_id}")
def course_page(course_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """A course: its description in the user's language, sessions and seats, applying, the assessment."""
    return _course_page(request, session, actor, course_id)


def _course_page(
    request: Request, session: DbSession, actor: Actor, course_id: str, *, error: str = "", status: int = 200
) -> Response:
    _need(actor, Perm.TRAINING_READ)
    course = access_course_by_id(session, actor, course_id)
    runs = service.sessions_of(session, course.id)
    enrolment = service.active_enrolment(session, actor.user_id, course.id)
    return page(
        request,
        "training/course.html",
        status=status,
        course=course,
        runs=runs,
        seats={r.id: service.seat_counts(session, r.id) for r in runs},
        enrolment=enrolment,
        position=service.waitlist_position(session, enrolment) if enrolment is not None else None,
        cert_languages=LANGUAGES,
        error=error,
    )


@router.post("/training/courses/{course_id}/apply", dependencies=[CsrfChecked])
def apply(
    course_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    session_id: Line = "",
    language: Line = "en",
) -> Response:
    """Apply for a session (or enrol in an e-learning course)."""
    _need(actor, Perm.TRAINING_READ)
    course = access_course_by_id(session, actor, course_id)
    try:
        body = EnrolmentIn.model_validate(
            {"course_id": course.id, "session_id": session_id or None, "language": language}
        )
        run = access_session_by_id(session, actor, body.session_id) if body.session_id else None
        with session.begin_nested():
            actions.do_apply(session, actor, course, run, body)
    except (ValidationError, *REFUSED) as exc:
        return _course_page(request, session, actor, course_id, error=_message(exc), status=422)
    return RedirectResponse(f"/console/training/courses/{course.id}", status_code=303)


@router.post("/training/enrolments/{enrolment_id}/assessment", dependencies=[CsrfChecked])
async def assessment(enrolment_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Submit the e-learning assessment (one radio group per question)."""
    enrolment, course = access_enrolment_by_id(session, actor, enrolment_id)
    form = await request.form()
    answers: list[list[int]] = []
    for m, module in enumerate(course.modules):
        row = []
        for q in range(len(module.get("questions", []))):
            value = form.get(f"q-{m}-{q}")
            row.append(int(value) if isinstance(value, str) and value.isdigit() and len(value) < 3 else -1)
        answers.append(row)
    try:
        with session.begin_nested():
            actions.do_take_assessment(session, actor, enrolment, course, AnswersIn(answers=answers))
    except REFUSED as exc:
        return _course_page(request, session, actor, course.id, error=_message(exc), status=422)
    return RedirectResponse(f"/console/training/courses/{course.id}", status_code=303)


@router.post("/training/enrolments/{enrolment_id}/cancel", dependencies=[CsrfChecked])
def cancel(enrolment_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Withdraw an application or a seat."""
    enrolment, _ = access_enrolment_by_id(session, actor, enrolment_id)
    actions.do_cancel(session, actor, enrolment)
    back = "/console/training/desk" if enrolment.user_id != actor.user_id else "/console/training"
    return RedirectResponse(back, status_code=303)


@router.get("/training/certificates/{cert_id}/pdf")
def certificate_pdf(cert_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Download the PDF certificate (holder's language, QR code to the verification page)."""
    cert = access_certificate_by_id(session, actor, cert_id)
    actions.do_log_certificate_read(session, actor, [cert.id], "pdf")
    data = pdf.render_pdf(cert.credential, service.verify_url(cert.id), cert.language)
    return attachment_response(data, f"certificate-{cert.course_code}-{cert.id[:8]}.pdf", "application/pdf")


@router.get("/training/certificates/{cert_id}/credential")
def certificate_json(cert_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Download the signed credential (JSON) for offline verification."""
    cert = access_certificate_by_id(session, actor, cert_id)
    actions.do_log_certificate_read(session, actor, [cert.id], "credential")
    data = credential.canonical(cert.credential)
    return attachment_response(data, f"certificate-{cert.course_code}-{cert.id[:8]}.json", "application/json")


# --- the training desk of a bureau ----------------------------------------------------------------------


@router.get("/training/desk")
def desk(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Applications awaiting approval, sessions of the country's courses, certificates, figures."""
    return _desk(request, session, actor)


def _desk(request: Request, session: DbSession, actor: Actor, *, error: str = "", status: int = 200) -> Response:
    _need(actor, Perm.TRAINING_MANAGE)
    pending = service.list_enrolments(
        session, actor, mine=False, status="applied", session_id=None, page=1, page_size=200
    )
    pending_items = [e for e in pending.items if e.country == actor.country]
    own = service.list_courses(session, actor, crime_area=None, owner=actor.country, page=1, page_size=500).items
    runs = {c.id: service.sessions_of(session, c.id) for c in own}
    seated: dict[str, list[Any]] = {}
    for course_runs in runs.values():
        for r in course_runs:
            listed = service.list_enrolments(
                session, actor, mine=False, status=None, session_id=r.id, page=1, page_size=500
            )
            seated[r.id] = [e for e in listed.items if e.status in ("enrolled", "waitlisted", "completed", "failed")]
    issued = service.list_certificates(session, actor, mine=False, page=1, page_size=200).items
    issued = [c for c in issued if c.issuer_country == actor.country]
    shown = [e.id for e in pending_items] + [e.id for es in seated.values() for e in es]
    actions.do_log_enrolments_read(session, actor, shown, {"console": "desk"})
    actions.do_log_certificate_read(session, actor, [c.id for c in issued], "console desk")
    courses = {c.id: c for c in own}
    for e in pending_items:
        if e.course_id not in courses and (found := session.get(Course, e.course_id)) is not None:
            courses[found.id] = found
    return page(
        request,
        "training/desk.html",
        status=status,
        pending=pending_items,
        own=own,
        runs=runs,
        seated=seated,
        issued=issued,
        courses=courses,
        figures=service.figures(session, actor.country),
        crime_areas=CRIME_AREAS,
        levels=LEVELS,
        roles=[r.value for r in Role],
        error=error,
    )


def _desk_action(request: Request, session: DbSession, actor: Actor, work: Any) -> Response:
    try:
        with session.begin_nested():
            work()
    except (ValidationError, *REFUSED) as exc:
        return _desk(request, session, actor, error=_message(exc), status=422)
    return RedirectResponse("/console/training/desk", status_code=303)


@router.post("/training/desk/enrolments/{enrolment_id}/approve", dependencies=[CsrfChecked])
def approve(enrolment_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Approve an officer's application: a seat if free, else the waiting list."""
    enrolment, _ = access_enrolment_for_bureau(session, actor, enrolment_id)
    return _desk_action(request, session, actor, lambda: actions.do_approve(session, actor, enrolment))


@router.post("/training/desk/enrolments/{enrolment_id}/reject", dependencies=[CsrfChecked])
def reject(enrolment_id: str, request: Request, session: DbSession, actor: ConsoleActor, reason: Line = "") -> Response:
    """Refuse an officer's application."""
    enrolment, _ = access_enrolment_for_bureau(session, actor, enrolment_id)
    return _desk_action(request, session, actor, lambda: actions.do_reject(session, actor, enrolment, reason))


@router.post("/training/desk/enrolments/{enrolment_id}/result", dependencies=[CsrfChecked])
def result(
    enrolment_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    outcome: Line = "",
    score: Line = "",
) -> Response:
    """Record attendance and result; a pass issues the certificate."""
    enrolment, course = access_enrolment_for_trainer(session, actor, enrolment_id)

    def work() -> None:
        body = ResultIn.model_validate(
            {
                "attended": outcome != "absent",
                "passed": outcome == "passed",
                "score": int(score) if score.isdigit() else None,
            }
        )
        actions.do_record_result(session, actor, enrolment, course, body)

    return _desk_action(request, session, actor, work)


@router.post("/training/desk/certificates/{cert_id}/revoke", dependencies=[CsrfChecked])
def revoke(cert_id: str, request: Request, session: DbSession, actor: ConsoleActor, reason: Line = "") -> Response:
    """Revoke a certificate the country issued."""
    cert = access_certificate_for_issuer(session, actor, cert_id)

    def work() -> None:
        if not reason.strip():
            raise ValidationFailed("give the reason of the revocation", [{"field": "reason", "message": "required"}])
        actions.do_revoke(session, actor, cert, reason)

    return _desk_action(request, session, actor, work)


@router.post("/training/desk/courses", dependencies=[CsrfChecked])
async def create_course(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Add a course to the country's catalogue (titles and descriptions in the four languages)."""
    _need(actor, Perm.TRAINING_MANAGE)
    form = await request.form()

    def text(name: str) -> str:
        value = form.get(name)
        return value[:10_000] if isinstance(value, str) else ""

    def work() -> None:
        body = CourseIn.model_validate(
            {
                "code": text("code"),
                "title": {lang: text(f"title-{lang}") for lang in LANGUAGES},
                "description": {lang: text(f"description-{lang}") for lang in LANGUAGES if text(f"description-{lang}")},
                "crime_areas": [v for v in form.getlist("crime_areas") if isinstance(v, str)],
                "level": text("level") or "basic",
                "hours": text("hours") or "0",
                "validity_months": text("validity_months") or "24",
                "prerequisites": [c.strip() for c in text("prerequisites").split(",") if c.strip()],
                "qualifies_roles": [v for v in form.getlist("qualifies_roles") if isinstance(v, str)],
            }
        )
        actions.do_create_course(session, actor, body)

    return _desk_action(request, session, actor, work)


@router.post("/training/desk/courses/{course_id}/sessions", dependencies=[CsrfChecked])
def create_session(
    course_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    starts_on: Line = "",
    ends_on: Line = "",
    place: Line = "",
    online: Line = "",
    seats: Line = "",
    trainers: Line = "",
) -> Response:
    """Schedule a session of one of the country's courses."""
    course = access_course_for_owner(session, actor, course_id)

    def work() -> None:
        body = SessionIn.model_validate(
            {
                "starts_on": starts_on,
                "ends_on": ends_on,
                "place": place,
                "online": online == "on",
                "seats": seats or "0",
                "trainers": [t.strip() for t in trainers.split(",") if t.strip()],
            }
        )
        actions.do_create_session(session, actor, course, body)

    return _desk_action(request, session, actor, work)


# --- public: no sign-in ---------------------------------------------------------------------------------


@router.get("/training/verify/{cert_id}")
def verify_page(cert_id: str, request: Request, session: DbSession) -> Response:
    """The public verification page of a certificate: every field of the credential as issued, and whether it
    is valid, revoked, expired or tampered. Shows nothing but the certificate's own fields."""
    cert = session.get(Certificate, cert_id[:36])
    if cert is None:
        raise NotFound("certificate", cert_id[:36])
    status, reason = service.check_stored(session, cert)
    vc = cert.credential
    subject = vc.get("credentialSubject", {}) if isinstance(vc, dict) else {}
    return page(
        request,
        "training/verify.html",
        vc=vc,
        subject=subject,
        achievement=subject.get("achievement", {}) if isinstance(subject, dict) else {},
        verdict=status,
        reason=reason,
        revoked_reason=cert.revocation_reason if status == "revoked" else "",
        raw=credential.canonical(vc).decode() if isinstance(vc, dict) else "",
    )


@router.get("/training/status/{country}")
def status_list(country: str, session: DbSession) -> Response:
    """A member's published revocation status list (Bitstring Status List), read fresh on every request."""
    code = country[:2].upper()
    if not code.isalpha() or not service.public_keys(session, code):
        raise NotFound("status list", code)
    return JSONResponse(service.status_list(session, code), headers={"Cache-Control": "no-store"})
