"""Case reads: lists, detail as the viewer may see it, thread, tasks, timeline, queue, handover; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import ColumnElement, and_, func, not_, select
from sqlalchemy.orm import Session

from manara.analysis import service as analysis_service
from manara.analysis.access import can_view_link
from manara.analysis.models import SuggestedLink
from manara.analysis.schemas import EntityRef
from manara.case.access import case_visibility_filter, membership
from manara.case.models import Case, CaseEvent, CaseMember, CaseMessage, CaseTask, HandoverNote
from manara.case.schemas import AwaitingOut, CaseOut, LinkRef, MemberOut, NoticeRef, TimelineEventOut
from manara.db.base import utcnow
from manara.identity import Actor, Perm
from manara.notice.access import notice_visibility_filter
from manara.notice.models import Notice
from manara.pagination import Page, paginate


def hidden_countries(case: Case, viewer_country: str) -> set[str]:
    """Return the sealed invitees the viewer may not learn yet (not accepted, and not the viewer itself)."""
    return {m.country for m in case.members if m.sealed and m.responded_at is None and m.country != viewer_country}


def known_member_filter(viewer_country: str) -> ColumnElement[bool]:
    """Return the WHERE clause of the ``CaseMember`` rows the viewer may know of (``hidden_countries`` in SQL)."""
    return not_(and_(CaseMember.sealed, CaseMember.responded_at.is_(None), CaseMember.country != viewer_country))


def open_cases_by_member_country(session: Session, actor: Actor) -> dict[str, int]:
    """Return, per member country the actor may know of, the number of open cases the actor may see."""
    stmt = (
        select(CaseMember.country, func.count())
        .join(Case, Case.id == CaseMember.case_id)
        .where(case_visibility_filter(actor), Case.status == "open", known_member_filter(actor.country))
        .group_by(CaseMember.country)
    )
    return {row[0]: row[1] for row in session.execute(stmt)}


def visible_member_countries(case: Case, viewer_country: str) -> set[str]:
    """Return the member countries of a case the viewer may know of."""
    return {m.country for m in case.members} - hidden_countries(case, viewer_country)


def list_cases(
    session: Session,
    actor: Actor,
    *,
    status: str | None,
    priority: str | None,
    page: int,
    page_size: int,
    updated_after: datetime | None = None,
) -> Page[Case]:
    """Return a page of the cases the actor's country takes part in, most recently active first (oldest first
    from ``updated_after`` on, for incremental sync: cases updated at or after that time)."""
    stmt = select(Case).where(case_visibility_filter(actor))
    if status:
        stmt = stmt.where(Case.status == status)
    if priority:
        stmt = stmt.where(Case.priority == priority)
    if updated_after is not None:
        since = updated_after if updated_after.tzinfo else updated_after.replace(tzinfo=UTC)  # naive: UTC
        stmt = stmt.where(Case.updated_at >= since).order_by(Case.updated_at, Case.id)
        return paginate(session, stmt, page=page, page_size=page_size)
    return paginate(session, stmt.order_by(Case.updated_at.desc(), Case.id), page=page, page_size=page_size)


def _members_out(case: Case, viewer_country: str) -> list[MemberOut]:
    hidden = hidden_countries(case, viewer_country)
    return [
        MemberOut(
            country=None if m.country in hidden else m.country,
            role=m.role,
            sealed=m.sealed,
            invited_at=m.invited_at,
            due_at=m.due_at,
            responded_at=m.responded_at,
        )
        for m in case.members
    ]


def _link_ref(session: Session, actor: Actor, case: Case) -> LinkRef | None:
    link = session.get(SuggestedLink, case.link_id) if case.link_id else None
    if link is None:
        return None
    own_pk = {link.left_owner: link.left_pk, link.right_owner: link.right_pk}.get(actor.country)
    own = analysis_service.refs(session, actor, {own_pk}) if own_pk else {}
    own_ref = EntityRef.model_validate(own[own_pk]) if own_pk in own else None
    if not can_view_link(session, actor, link):
        return LinkRef(id=link.id, visible=False, own_entity=own_ref)
    return LinkRef(id=link.id, visible=True, status=link.status, score=link.score, own_entity=own_ref)


def case_out(session: Session, actor: Actor, case: Case) -> CaseOut:
    """Serialise a case as ``actor`` may see it: hidden invitees and invisible records are left out."""
    entities = analysis_service.refs(session, actor, set(case.entity_ids))
    notices = list(
        session.scalars(select(Notice).where(Notice.id.in_(case.notice_ids), notice_visibility_filter(actor)))
    )
    return CaseOut(
        id=case.id,
        title=case.title,
        tlp=case.tlp,
        priority=case.priority,
        status=case.status,
        owner_country=case.owner_country,
        crime_areas=list(case.crime_areas or []),
        created_at=case.created_at,
        updated_at=case.updated_at,
        summary=case.summary,
        closed_at=case.closed_at,
        members=_members_out(case, actor.country),
        entities=[EntityRef.model_validate(entities[pk]) for pk in case.entity_ids if pk in entities],
        notices=[NoticeRef.model_validate(n) for n in notices],
        link=_link_ref(session, actor, case),
    )


def messages(session: Session, case: Case) -> Sequence[CaseMessage]:
    """Return the case's messages, oldest first."""
    stmt = select(CaseMessage).where(CaseMessage.case_id == case.id)
    return session.scalars(stmt.order_by(CaseMessage.created_at, CaseMessage.id)).all()


def tasks(session: Session, case: Case, *, status: str | None = None) -> Sequence[CaseTask]:
    """Return the case's tasks, earliest due first (undated last)."""
    stmt = select(CaseTask).where(CaseTask.case_id == case.id)
    if status:
        stmt = stmt.where(CaseTask.status == status)
    return session.scalars(stmt.order_by(CaseTask.due_at.is_(None), CaseTask.due_at, CaseTask.created_at)).all()


def _judgement(session: Session, actor: Actor, case: Case) -> TimelineEventOut | None:
    """Return the judgement of the case's link as a timeline event, if the viewer may see the link."""
    link = session.get(SuggestedLink, case.link_id) if case.link_id else None
    if link is None or link.judged_at is None or not can_view_link(session, actor, link):
        return None
    return TimelineEventOut(
        seq=0,
        kind="link_judged",
        at=link.judged_at,
        country=link.judged_country,
        username=None,
        data={"link_id": link.id, "status": link.status},
    )


def _visible_linked(session: Session, actor: Actor, events: Sequence[CaseEvent]) -> tuple[set[str], set[str]]:
    """Return the ids of the entities and notices named by ``events`` that the actor may see."""
    entity_ids = {pk for ev in events for pk in ev.data.get("entity_ids") or []}
    notice_ids = {pk for ev in events for pk in ev.data.get("notice_ids") or []}
    entities = set(analysis_service.refs(session, actor, entity_ids)) if entity_ids else set()
    notices = (
        set(session.scalars(select(Notice.id).where(Notice.id.in_(notice_ids), notice_visibility_filter(actor))))
        if notice_ids
        else set()
    )
    return entities, notices


def timeline(session: Session, actor: Actor, case: Case) -> list[TimelineEventOut]:
    """Return the case's events in order; a sealed invitee stays anonymous to the others until it accepts."""
    hidden = hidden_countries(case, actor.country)
    rows = list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)))
    entities, notices = _visible_linked(session, actor, rows)
    out = []
    for ev in rows:
        if ev.country in hidden:
            continue  # only the sealed invitee's own acts; it has not answered yet, so there are none to show
        data = dict(ev.data)
        if data.get("country") in hidden:
            data["country"] = None
        if "entity_ids" in data:  # only the records the viewer may see (404 elsewhere), as `case_out`
            data["entity_ids"] = [pk for pk in data["entity_ids"] or [] if pk in entities]
        if "notice_ids" in data:
            data["notice_ids"] = [pk for pk in data["notice_ids"] or [] if pk in notices]
        out.append(
            TimelineEventOut(seq=ev.seq, kind=ev.kind, at=ev.at, country=ev.country, username=ev.username, data=data)
        )
    judged = _judgement(session, actor, case)
    if judged is not None:
        out.append(judged)
        out.sort(key=lambda e: (e.at, e.seq))
    return out


def awaiting_first_response(
    session: Session,
    actor: Actor,
    *,
    side: Literal["invited", "owner"] = "invited",
    now: datetime | None = None,
    limit: int = 500,
) -> list[AwaitingOut]:
    """Return open cases awaiting an invited member's first response, earliest deadline first.

    ``side="invited"``: invitations to the actor's country it has not answered; ``side="owner"``: the actor's
    country's cases still waiting for an invitee. Empty without ``case:read``. Callers audit the read.
    """
    if not actor.can(Perm.CASE_READ):
        return []
    now = now or utcnow()
    pending = and_(CaseMember.role == "invited", CaseMember.responded_at.is_(None), Case.status == "open")
    mine = CaseMember.country == actor.country if side == "invited" else Case.owner_country == actor.country
    stmt = (
        select(Case, CaseMember)
        .join(CaseMember, CaseMember.case_id == Case.id)
        .where(pending, mine)
        .order_by(CaseMember.due_at, Case.id)
        .limit(limit)
    )
    out = []
    for case, member in session.execute(stmt).all():
        due = member.due_at or member.invited_at
        shown = None if member.country in hidden_countries(case, actor.country) else member.country
        out.append(
            AwaitingOut(
                case_id=case.id,
                title=case.title,
                priority=case.priority,
                tlp=case.tlp,
                owner_country=case.owner_country,
                country=shown,
                invited_at=member.invited_at,
                due_at=due,
                overdue=due <= now,
            )
        )
    return out


def handover_notes(session: Session, actor: Actor, *, pending: bool = False, limit: int = 50) -> Sequence[HandoverNote]:
    """Return the handover notes of the actor's desk, newest first (``pending``: not yet acknowledged)."""
    if not actor.can(Perm.CASE_HANDOVER):
        return []
    stmt = select(HandoverNote).where(HandoverNote.country == actor.country)
    if pending:
        stmt = stmt.where(HandoverNote.acknowledged_at.is_(None))
    return session.scalars(stmt.order_by(HandoverNote.created_at.desc(), HandoverNote.id).limit(limit)).all()


def is_pending_invitee(case: Case, country: str) -> bool:
    """Tell whether ``country`` is invited to ``case`` and has not answered yet."""
    member = membership(case, country)
    return member is not None and member.role == "invited" and member.responded_at is None


def count_opened(session: Session, actor: Actor, since: datetime, until: datetime) -> int:
    """Return how many cases the actor may see were opened in ``[since, until)`` (the operations wall's trend)."""
    stmt = (
        select(func.count())
        .select_from(Case)
        .where(case_visibility_filter(actor), Case.created_at >= since, Case.created_at < until)
    )
    return session.scalar(stmt) or 0
