"""JSON API of the document register."""

from __future__ import annotations

from fastapi import APIRouter

from manara.api.deps import CurrentActor, DbSession, PageParams
from manara.document import actions, service
from manara.document.access import access_report_for_owner
from manara.document.schemas import DocumentReportIn, DocumentReportOut
from manara.pagination import PageOut

router = APIRouter(prefix="/documents", tags=["documents"])


@router.post("", response_model=DocumentReportOut, status_code=201)
def report_document(body: DocumentReportIn, session: DbSession, actor: CurrentActor) -> DocumentReportOut:
    """Report a travel document your country issued as stolen, lost, revoked or invalidated."""
    return DocumentReportOut.model_validate(actions.do_report_document(session, actor, body))


@router.get("", response_model=PageOut[DocumentReportOut])
def list_reports(session: DbSession, actor: CurrentActor, paging: PageParams) -> PageOut[DocumentReportOut]:
    """List your country's own document reports.

    Other members' reports are never listed: they are found one document at a time, by number and issuing
    country, with the audited ``GET /documents/check``."""
    page = service.list_own_reports(session, actor, page=paging.page, page_size=paging.page_size)
    items = [DocumentReportOut.model_validate(r) for r in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.post("/{report_id}/withdraw", response_model=DocumentReportOut)
def withdraw(report_id: str, session: DbSession, actor: CurrentActor) -> DocumentReportOut:
    """Withdraw one of your reports (document recovered or reported in error)."""
    report = access_report_for_owner(session, actor, report_id)
    return DocumentReportOut.model_validate(actions.do_withdraw_document(session, actor, report))
