"""Audit log queries; never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from manara.audit.models import AuditEvent
from manara.identity import Actor
from manara.pagination import Page, paginate


def list_events(
    session: Session,
    actor: Actor,
    *,
    action: str | None = None,
    user_id: str | None = None,
    username: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    target: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[AuditEvent]:
    """Return a page of the actor's country's audit events, newest first.

    ``since`` is inclusive and ``until`` exclusive; ``target`` matches a target type exactly or is
    looked for inside the target ids (an id or a part of one).
    """
    stmt = select(AuditEvent).where(AuditEvent.country == actor.country)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if user_id:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if username:
        stmt = stmt.where(AuditEvent.username == username)
    if since:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    if until:
        stmt = stmt.where(AuditEvent.occurred_at < until)
    if target:
        ids_text = cast(AuditEvent.target_ids, String)  # JSON text on SQLite, jsonb::text on PostgreSQL
        stmt = stmt.where((AuditEvent.target_type == target) | ids_text.contains(target, autoescape=True))
    return paginate(session, stmt.order_by(AuditEvent.seq.desc()), page=page, page_size=page_size)
