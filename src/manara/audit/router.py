"""JSON API of the audit log: your country's events, and the chain verification."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from manara.api.deps import DbSession, PageParams, require
from manara.audit import service
from manara.audit.actions import AuditAction, record
from manara.audit.chain import verify_chain
from manara.member.roles import Actor, Perm
from manara.pagination import PageOut

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[Actor, Depends(require(Perm.AUDIT_READ))]


class AuditEventOut(BaseModel):
    """An audit event."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    occurred_at: datetime
    request_id: str
    user_id: str
    username: str
    country: str
    role: str
    purpose: str | None
    action: str
    target_type: str | None
    target_ids: list[str]
    query: dict[str, Any] | None
    extra: dict[str, Any] | None
    hash: str


class VerifyOut(BaseModel):
    """Result of walking the hash chain."""

    ok: bool
    checked: int
    broken_seq: int | None
    reason: str | None


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
    record(
        session,
        actor,
        AuditAction.AUDIT_VIEWED,
        target_type="audit",
        query={
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
