"""Training workflow through the actions: catalogue, approval, seats and waiting list, results, e-learning,
certificates (signed, verifiable), revocation, expiry notices, figures; each write audited with its event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.models import AuditEvent
from manara.db.base import utcnow
from manara.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from manara.identity import Role
from manara.outbox.models import OutboxEvent
from manara.training import actions, credential, keys, pdf, service
from manara.training.access import access_enrolment_for_bureau, access_enrolment_for_trainer
from manara.training.models import Certificate, SigningKey
from manara.training.schemas import AnswersIn, ResultIn
from training.helpers import apply, complete, make_course, make_run


def _audits(session: Session, action: str) -> int:
    return len(session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all())


def _events(session: Session, topic: str) -> int:
    return len(session.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic)).all())


def test_seats_then_waiting_list_then_promotion(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr)
    run = make_run(session, fr, course, seats=2)
    ma_bureau = net.user("MA", Role.BUREAU_OFFICER).actor
    officers = [
        net.user(c, r).actor for c in ("MA",) for r in (Role.FRONTLINE_OFFICER, Role.ANALYST, Role.DUTY_OFFICER)
    ]
    enrolments = [apply(session, o, course, run) for o in officers]
    assert [e.status for e in enrolments] == ["applied"] * 3
    for e in enrolments:
        actions.do_approve(session, ma_bureau, e)
    assert [e.status for e in enrolments] == ["enrolled", "enrolled", "waitlisted"]
    assert service.waitlist_position(session, enrolments[2]) == 1
    assert service.seat_counts(session, run.id) == (2, 1)
    actions.do_cancel(session, officers[0], enrolments[0])
    assert enrolments[2].status == "enrolled"  # the waiting list moved up
    assert service.seat_counts(session, run.id) == (2, 0)
    assert _audits(session, "training.promoted") == 1 and _events(session, "training.promoted") == 1
    assert _audits(session, "training.approved") == 3


def test_only_the_officers_bureau_approves_and_only_the_owner_records_results(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr)
    run = make_run(session, fr, course)
    enrolment = apply(session, net.user("MA", Role.FRONTLINE_OFFICER).actor, course, run)
    with pytest.raises(NotFound):
        access_enrolment_for_bureau(session, fr, enrolment.id)  # FR runs the course but is not MA's bureau
    with pytest.raises(NotFound):
        access_enrolment_for_bureau(session, net.user("EG", Role.BUREAU_OFFICER).actor, enrolment.id)
    with pytest.raises(NotFound):
        actions.do_approve(session, fr, enrolment)
    with pytest.raises(Forbidden):
        actions.do_approve(session, net.user("MA", Role.ANALYST).actor, enrolment)
    actions.do_approve(session, net.user("MA", Role.BUREAU_OFFICER).actor, enrolment)
    with pytest.raises(InvalidTransition):
        actions.do_approve(session, net.user("MA", Role.BUREAU_OFFICER).actor, enrolment)
    with pytest.raises(NotFound):
        access_enrolment_for_trainer(session, net.user("MA", Role.BUREAU_OFFICER).actor, enrolment.id)
    _, owned = access_enrolment_for_trainer(session, fr, enrolment.id)
    actions.do_record_result(session, fr, enrolment, owned, ResultIn(attended=False, score=None, passed=True))
    assert enrolment.status == "failed"  # absent: no pass whatever the flag
    assert session.scalars(select(Certificate)).all() == []


def test_duplicate_course_code_and_duplicate_application_refused(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr)
    make_course(session, net.user("MA", Role.BUREAU_OFFICER).actor)  # same code, another owner: fine
    with pytest.raises(Conflict):
        make_course(session, fr)
    run = make_run(session, fr, course)
    officer = net.user("EG", Role.ANALYST).actor
    apply(session, officer, course, run)
    with pytest.raises(Conflict):
        apply(session, officer, course, run)
    with pytest.raises(Forbidden):
        make_course(session, net.user("FR", Role.FRONTLINE_OFFICER).actor, "X-1")


def test_prerequisites_must_be_held(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    basics = make_course(session, fr, "NOT-101")
    advanced = make_course(session, fr, "NOT-201", prerequisites=["NOT-101"], level="advanced")
    run_b, run_a = make_run(session, fr, basics), make_run(session, fr, advanced)
    officer = net.user("MA", Role.ANALYST).actor
    with pytest.raises(ValidationFailed):
        apply(session, officer, advanced, run_a)
    complete(session, officer, net.user("MA", Role.BUREAU_OFFICER).actor, fr, basics, run_b)
    assert apply(session, officer, advanced, run_a).status == "applied"


def test_certificate_is_signed_by_the_issuer_and_verifies(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr)
    run = make_run(session, fr, course)
    cert = complete(
        session, net.user("MA", Role.ANALYST).actor, net.user("MA", Role.BUREAU_OFFICER).actor, fr, course, run, "ar"
    )
    vc = cert.credential
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["id"] == "urn:manara:member:FR"
    assert vc["credentialSubject"]["achievement"]["name"] == "أساسيات النشرات"
    assert vc["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert cert.expires_at == service.add_months(cert.issued_at, 24)
    key = session.scalars(select(SigningKey).where(SigningKey.country == "FR")).one()
    assert vc["proof"]["verificationMethod"] == key.key_id
    assert credential.verify_signature(vc, credential.load_public(key.public_key)).ok
    assert service.check_stored(session, cert) == ("valid", "")
    assert _audits(session, "training.certificate_issued") == 1
    assert _events(session, "training.certificate_issued") == 1
    # the private key is stored encrypted only, and never in an audit event or outbox event
    private = keys.decrypt(key.private_key_encrypted)
    raw = private.private_bytes_raw().hex()
    assert raw not in key.private_key_encrypted
    for ev in session.scalars(select(AuditEvent)):
        assert key.private_key_encrypted not in str(ev.extra) + str(ev.query) + str(ev.target_ids)
    for ob in session.scalars(select(OutboxEvent)):
        assert key.private_key_encrypted not in str(ob.payload) and raw not in str(ob.payload)


def test_pdf_in_the_holders_language(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr)
    run = make_run(session, fr, course)
    cert = complete(
        session, net.user("EG", Role.ANALYST).actor, net.user("EG", Role.BUREAU_OFFICER).actor, fr, course, run, "ar"
    )
    html = pdf.render_html(cert.credential, service.verify_url(cert.id), cert.language)
    assert 'dir="rtl"' in html and "شهادة تدريب" in html and cert.id in html
    assert "data:image/svg+xml;base64," in html  # the QR code
    data = pdf.render_pdf(cert.credential, service.verify_url(cert.id), cert.language)
    assert data.startswith(b"%PDF") and len(data) > 2000


def test_revocation_and_expiry(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr, validity_months=1)
    run = make_run(session, fr, course)
    cert = complete(
        session, net.user("MA", Role.ANALYST).actor, net.user("MA", Role.BUREAU_OFFICER).actor, fr, course, run
    )
    assert service.check_stored(session, cert, utcnow() + timedelta(days=40))[0] == "expired"
    with pytest.raises(NotFound):
        actions.do_revoke(session, net.user("MA", Role.BUREAU_OFFICER).actor, cert, "not the issuer")
    actions.do_revoke(session, fr, cert, "exam fraud")
    status, reason = service.check_stored(session, cert)
    assert status == "revoked" and "revoked on" in reason
    listed = service.status_list(session, "FR")
    assert credential.status_bit(listed["credentialSubject"]["encodedList"], cert.status_index)
    with pytest.raises(InvalidTransition):
        actions.do_revoke(session, fr, cert, "again")


def test_tampered_database_record_is_detected(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr)
    run = make_run(session, fr, course)
    cert = complete(
        session, net.user("MA", Role.ANALYST).actor, net.user("MA", Role.BUREAU_OFFICER).actor, fr, course, run
    )
    vc = dict(cert.credential)
    vc["validUntil"] = "2099-01-01T00:00:00Z"
    cert.credential = vc
    assert service.check_stored(session, cert)[0] == "tampered"


def test_elearning_assessment_pass_and_retry(session: Session, net: Net) -> None:
    from manara.training.schemas import CourseIn
    from training.helpers import elearning_body

    eg = net.user("EG", Role.BUREAU_OFFICER).actor
    course = actions.do_create_course(session, eg, CourseIn.model_validate(elearning_body()))
    officer = net.user("FR", Role.FRONTLINE_OFFICER).actor
    enrolment = apply(session, officer, course, None, "fr")
    assert enrolment.status == "enrolled"  # e-learning: no approval
    _, cert = actions.do_take_assessment(session, officer, enrolment, course, AnswersIn(answers=[[0, 0]]))
    assert cert is None and enrolment.status == "enrolled" and enrolment.score == 50
    with pytest.raises(NotFound):
        actions.do_take_assessment(
            session, net.user("FR", Role.ANALYST).actor, enrolment, course, AnswersIn(answers=[[1, 0]])
        )
    _, cert = actions.do_take_assessment(session, officer, enrolment, course, AnswersIn(answers=[[1, 0]]))
    assert cert is not None and enrolment.status == "completed" and enrolment.attempts == 2
    assert cert.issuer_country == "EG" and cert.language == "fr"
    assert _audits(session, "training.assessment_taken") == 2


def test_expiry_notice_once_and_figures(session: Session, net: Net) -> None:
    fr = net.user("FR", Role.BUREAU_OFFICER).actor
    course = make_course(session, fr, validity_months=1, crime_areas=["notices", "cybercrime"])
    run = make_run(session, fr, course, seats=5)
    complete(session, net.user("MA", Role.ANALYST).actor, net.user("MA", Role.BUREAU_OFFICER).actor, fr, course, run)
    assert actions.do_notify_expiring(session, fr, within_days=40) == 1
    assert actions.do_notify_expiring(session, fr, within_days=40) == 0
    assert _events(session, "training.certificate_expiring") == 1
    figures = service.figures(session, now=utcnow() + timedelta(days=5))
    ma = next(m for m in figures["members"] if m["country"] == "MA")
    assert ma["trained_officers"] == 1 and ma["by_crime_area"] == {"cybercrime": 1, "notices": 1}
    assert ma["expiring_certificates"] == 1
