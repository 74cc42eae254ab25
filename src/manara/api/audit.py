"""JSON API of the audit log: your country's events, and the chain verification."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from manara.api.deps import DbSession, PageParams, require
from manara.audit import service
from manara.audit.actions import do_log_audit_read
from manara.audit.chain import verify_chain
from manara.audit.schemas import AuditEventOut, VerifyOut
from manara.identity import Actor, Perm
from manara.pagination import PageOut

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[Actor, Depends(require(Perm.AUDIT_READ))]


@router.get("", response_model=PageOut[AuditEventOut])
def list_events(
    session: DbSession,
    actor: Auditor,
    paging: PageParams,
    action: Annotated[str | None, Query(max_length=60)] = None,
    user_id: Annotated[str | None, Query(max_length=36)] = None,
    username: Annotated[str | None, Query(max_length=100)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    target: Annotated[str | None, Query(max_length=100, description="target type, or (part of) a target id")] = None,
) -> PageOut[AuditEventOut]:
    """List audit events of your country's users, newest first (``since`` inclusive, ``until`` exclusive)."""
    page = service.list_events(
        session,
        actor,
        action=action,
        user_id=user_id,
        username=username,
        since=since,
        until=until,
        target=target,
        page=paging.page,
        page_size=paging.page_size,
    )
    items = [AuditEventOut.model_validate(e) for e in page.items]
    do_log_audit_read(
        session,
        actor,
        {
            "action": action,
            "user_id": user_id,
            "username": username,
            "target": target,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        },
    )
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/verify", response_model=VerifyOut)
def verify(session: DbSession, actor: Auditor) -> VerifyOut:
    """Walk the whole hash chain and report the first broken link."""
    report = verify_chain(session)
    return VerifyOut(ok=report.ok, checked=report.checked, broken_seq=report.broken_seq, reason=report.reason)
