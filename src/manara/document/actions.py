"""Write path of the document register."""

from __future__ import annotations

from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.document.models import DocumentReport
from manara.document.schemas import DocumentReportIn
from manara.document.service import find_reports
from manara.entity.actions import make_placement
from manara.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from manara.identity import Actor, Perm
from manara.matching.identifiers import normalize_document
from manara.outbox.service import enqueue
from manara.visibility import share_key


def number_key(number: str) -> str:
    """Return the normalised form documents are compared by, or raise if it is too short."""
    key = normalize_document(number)
    if key is None:
        raise ValidationFailed("invalid document number", [{"field": "number", "message": "4 to 64 letters/digits"}])
    return key


def do_report_document(session: Session, actor: Actor, data: DocumentReportIn) -> DocumentReport:
    """Report a document your country issued as stolen, lost or revoked."""
    if not actor.can(Perm.DOCUMENT_WRITE):
        raise Forbidden("this role may not report documents")
    if data.issuing_country != actor.country:
        raise ValidationFailed(
            "not your document", [{"field": "issuing_country", "message": "members report documents they issued"}]
        )
    key = number_key(data.number)
    if any(r.owner_country == actor.country for r in find_reports(session, key, data.issuing_country)):
        raise Conflict("document already reported", number=data.number)
    place = make_placement(session, actor, data.visibility, list(data.shared_with), data.review_date)
    report = DocumentReport(
        number=data.number,
        number_key=key,
        issuing_country=data.issuing_country,
        doc_type=data.doc_type,
        status=data.status,
        reported_on=data.reported_on or utcnow().date(),
        note=data.note,
        owner_country=actor.country,
        visibility=place.visibility.value,
        shared_with=list(place.shared_with),
        review_date=place.review_date,
        active=True,
        share_key=share_key(place.shared_with),
    )
    session.add(report)
    session.flush()
    record(session, actor, AuditAction.DOCUMENT_REPORTED, target_type="document_report", target_ids=[report.id])
    enqueue(session, "document.reported", {"id": report.id, "owner": actor.country}, country=actor.country)
    return report


def do_withdraw_document(session: Session, actor: Actor, report: DocumentReport) -> DocumentReport:
    """Withdraw a report (the document was recovered or reported in error)."""
    if not report.active:
        raise InvalidTransition("document report", "withdrawn", "withdraw")
    report.active, report.withdrawn_at = False, utcnow()
    record(session, actor, AuditAction.DOCUMENT_WITHDRAWN, target_type="document_report", target_ids=[report.id])
    enqueue(session, "document.withdrawn", {"id": report.id, "owner": actor.country}, country=actor.country)
    return report
