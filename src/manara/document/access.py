"""Access to document reports: owner always; others while active and within the report's visibility."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.orm import Session

from manara.document.models import DocumentReport
from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.visibility import may_see, reaches


def can_view_report(actor: Actor, report: DocumentReport) -> bool:
    """Tell whether ``actor`` may see ``report``."""
    if not actor.can(Perm.NOTICE_READ):
        return False
    if report.owner_country == actor.country:
        return True
    return report.active and may_see(
        owner=report.owner_country, visibility=report.visibility, shared_with=report.shared_with, country=actor.country
    )


def report_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of document report queries."""
    if not actor.can(Perm.NOTICE_READ):
        return false()
    return or_(
        DocumentReport.owner_country == actor.country,
        and_(DocumentReport.active.is_(True), reaches(DocumentReport, actor.country)),
    )


def access_report_for_owner(session: Session, actor: Actor, report_id: str) -> DocumentReport:
    """Return a report the actor's country owns, if the actor may change it; otherwise NotFound."""
    report = session.get(DocumentReport, report_id)
    if report is None or report.owner_country != actor.country or not actor.can(Perm.DOCUMENT_WRITE):
        raise NotFound("document_report", report_id)
    return report
