"""Console audit log: the country's events with filters and pages, and the hash-chain verification.

Restricted as ``GET /api/v1/audit`` (``audit:read``): to anyone else these pages are the 404 page.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from manara.api.deps import DbSession
from manara.audit import service as audit_service
from manara.audit.actions import AuditAction, do_log_audit_read
from manara.audit.chain import verify_chain
from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.web.deps import ConsoleActor, optional_date
from manara.web.render import page

router = APIRouter(prefix="/admin")
PAGE_SIZE = 50
ACTIONS = sorted(a.value for a in AuditAction)
# The verifier's reasons (manara.audit.chain), recognised to show them translated.
REASONS = (("missing", "missing"), ("link", "link"), ("edited", "hash"), ("head", "head"))


def require_auditor(actor: Actor) -> None:
    """Hide the audit log from every role without ``audit:read``."""
    if not actor.can(Perm.AUDIT_READ):
        raise NotFound("page", "audit")


@router.get("/audit")
def audit_log(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    username: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    target: Annotated[str | None, Query(max_length=100)] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """List the country's audit events, newest first; the dates are whole UTC days, both included."""
    require_auditor(actor)
    start, end = optional_date(date_from), optional_date(date_to)
    filters: dict[str, Any] = {
        "username": (username or "").strip() or None,
        "action": action if action in ACTIONS else None,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "target": (target or "").strip() or None,
    }
    result = audit_service.list_events(
        session,
        actor,
        action=filters["action"],
        username=filters["username"],
        target=filters["target"],
        since=datetime.combine(start, time(), UTC) if start else None,
        until=datetime.combine(end + timedelta(days=1), time(), UTC) if end else None,
        page=page_no,
        page_size=PAGE_SIZE,
    )
    do_log_audit_read(session, actor, {**filters, "console": True})
    pages = max((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    links = {k: v for k, v in filters.items() if v}
    return page(request, "audit.html", result=result, filters=filters, links=links, pages=pages, actions=ACTIONS)


@router.get("/audit/verify")
def audit_verify(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Walk the whole hash chain (as ``manara audit verify``) and show the first broken link, if any."""
    require_auditor(actor)
    report = verify_chain(session)
    reason = report.reason or ""
    kind = next((k for k, word in REASONS if word in reason), None)
    return page(request, "audit_verify.html", report=report, reason_kind=kind)
