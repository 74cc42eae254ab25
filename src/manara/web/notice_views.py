"""Console pages of notices: the filtered list and the detail page (same access rules as the API)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from manara.api.deps import DbSession
from manara.audit.actions import AuditAction, record
from manara.notice import service as notice_service
from manara.notice.access import access_notice_by_id
from manara.notice.models import NoticeStatus, NoticeType
from manara.notice.router import notice_out
from manara.web.deps import ConsoleActor
from manara.web.render import page

router = APIRouter()
PAGE_SIZE = 25
TYPES = [t.value for t in NoticeType]
STATUSES = [s.value for s in NoticeStatus]


def _choice(value: str | None, allowed: list[str]) -> str | None:
    """Return ``value`` if it is one of ``allowed``; an empty or unknown filter means 'any'."""
    return value if value in allowed else None


@router.get("/notices")
def notices(
    request: Request, session: DbSession, actor: ConsoleActor,
    type: Annotated[str | None, Query(max_length=20)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    owner: Annotated[str | None, Query(max_length=2)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:  # fmt: skip
    """List the notices the user may see, with filters and pages."""
    filters = {"type": _choice(type, TYPES), "status": _choice(status, STATUSES),
               "owner": owner.upper() if owner and len(owner) == 2 and owner.isalpha() else None,
               "q": (q or "").strip() or None}  # fmt: skip
    result = notice_service.list_notices(session, actor, type_=filters["type"], status=filters["status"],
                                         owner=filters["owner"], q=filters["q"], page=page_no,
                                         page_size=PAGE_SIZE)  # fmt: skip
    record(session, actor, AuditAction.NOTICE_SEARCHED, target_type="notice",
           target_ids=[n.id for n in result.items], query={**filters, "console": True})  # fmt: skip
    pages = max((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return page(request, "notices.html", result=result, filters=filters, pages=pages, types=TYPES,
                statuses=STATUSES)  # fmt: skip


@router.get("/notices/{notice_id}")
def notice_detail(notice_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Show a notice the user may see, with its subject; anything else is the 404 page."""
    notice = access_notice_by_id(session, actor, notice_id)
    record(session, actor, AuditAction.NOTICE_VIEWED, target_type="notice",
           target_ids=[notice.id, *([notice.subject_id] if notice.subject_id else [])])  # fmt: skip
    return page(request, "notice.html", notice=notice_out(notice))
