"""Document register queries; never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.document.access import can_view_report
from manara.document.models import DocumentReport
from manara.identity import Actor
from manara.pagination import Page, paginate


def find_reports(session: Session, key: str, issuing_country: str) -> Sequence[DocumentReport]:
    """Return every report (any owner, any state) of the document with this normalised number."""
    stmt = select(DocumentReport).where(
        DocumentReport.number_key == key, DocumentReport.issuing_country == issuing_country
    )
    return session.scalars(stmt).all()


def visible_reports(session: Session, actor: Actor, key: str, issuing_country: str) -> list[DocumentReport]:
    """Return the active reports of a document that the actor may see."""
    return [r for r in find_reports(session, key, issuing_country) if can_view_report(actor, r) and r.active]


def list_own_reports(session: Session, actor: Actor, *, page: int, page_size: int) -> Page[DocumentReport]:
    """Return a page of the actor's country's own reports.

    There is deliberately no listing of other members' reports (a bulk read of the register): those are
    found by number only, each check audited (``screening/actions.py: do_check_document``)."""
    stmt = select(DocumentReport).where(DocumentReport.owner_country == actor.country)
    return paginate(
        session, stmt.order_by(DocumentReport.created_at.desc(), DocumentReport.id), page=page, page_size=page_size
    )
