"""Write path of cases: open, invite, accept, link records, close; every write audited with an outbox event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.analysis.access import can_view_link
from manara.analysis.models import SuggestedLink
from manara.audit.actions import AuditAction, record
from manara.case.access import membership
from manara.case.models import Case, CaseEvent, CaseMember
from manara.case.schemas import CaseFromLinkIn, CaseIn
from manara.case.service import hidden_countries, is_pending_invitee
from manara.db.base import utcnow
from manara.entity.access import access_entity_by_id
from manara.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from manara.identity import Actor, Perm
from manara.member.models import Member
from manara.notice.access import access_notice_by_id
from manara.outbox.service import enqueue
from manara.settings import get_settings


def add_event(session: Session, actor: Actor, case: Case, kind: str, data: dict[str, Any]) -> None:
    """Append a timeline event (ids only, never message text) and mark the case as active."""
    session.add(CaseEvent(case_id=case.id, kind=kind, country=actor.country, username=actor.username, data=data))
    case.updated_at = utcnow()


def notify_members(session: Session, case: Case, topic: str, payload: dict[str, Any], *, but: str = "") -> None:
    """Queue one outbox event per member country of the case (except ``but``), each addressed to it."""
    for member in case.members:
        if member.country != but:
            enqueue(session, topic, payload, country=member.country)


def _require_write(actor: Actor) -> None:
    if not actor.can(Perm.CASE_WRITE):
        raise Forbidden("this role or key lacks case:write")


def _check_records(session: Session, actor: Actor, entity_ids: list[str], notice_ids: list[str]) -> None:
    """Refuse records the actor may not see (404, as if they did not exist)."""
    for pk in entity_ids:
        access_entity_by_id(session, actor, pk)
    for nid in notice_ids:
        access_notice_by_id(session, actor, nid)


def _check_countries(session: Session, actor: Actor, countries: list[str]) -> list[str]:
    wanted = sorted(set(countries) - {actor.country})
    known = set(session.scalars(select(Member.code).where(Member.code.in_(wanted), Member.active.is_(True))))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        problem = {"field": "countries", "message": f"not members: {unknown}"}
        raise ValidationFailed("unknown member countries", [problem])
    return wanted


def _invite(session: Session, actor: Actor, case: Case, country: str, *, sealed: bool = False) -> None:
    now = utcnow()
    minutes = get_settings().case_response_minutes.get(case.priority, 1440)
    due = now + timedelta(minutes=minutes)
    case.members.append(CaseMember(country=country, role="invited", sealed=sealed, invited_at=now, due_at=due))
    add_event(session, actor, case, "invited", {"country": country, "sealed": sealed})
    enqueue(
        session,
        "case.invited",
        {
            "case_id": case.id,
            "country": country,
            "priority": case.priority,
            "due_at": due.isoformat(),
            "sealed": sealed,
        },
        country=country,
    )


def _new_case(session: Session, actor: Actor, data: CaseIn | CaseFromLinkIn, **fields: Any) -> Case:
    case = Case(
        title=data.title,
        summary=data.summary,
        tlp=data.tlp.value,
        priority=data.priority.value,
        status="open",
        owner_country=actor.country,
        created_by=actor.user_id,
        **fields,
    )
    case.members = [CaseMember(country=actor.country, role="owner", invited_at=utcnow(), responded_at=utcnow())]
    session.add(case)
    session.flush()
    add_event(session, actor, case, "opened", {"priority": case.priority, "tlp": case.tlp})
    enqueue(
        session,
        "case.opened",
        {
            "case_id": case.id,
            "owner": actor.country,
            "priority": case.priority,
            "tlp": case.tlp,
            "link_id": case.link_id,
        },
        country=actor.country,
    )
    return case


def do_open_case(session: Session, actor: Actor, data: CaseIn) -> Case:
    """Open a case about records the actor may see, and invite member countries."""
    _require_write(actor)
    _check_records(session, actor, data.entity_ids, data.notice_ids)
    countries = _check_countries(session, actor, data.invite)
    case = _new_case(
        session,
        actor,
        data,
        entity_ids=list(dict.fromkeys(data.entity_ids)),
        notice_ids=list(dict.fromkeys(data.notice_ids)),
    )
    for country in countries:
        _invite(session, actor, case, country)
    record(
        session,
        actor,
        AuditAction.CASE_OPENED,
        target_type="case",
        target_ids=[case.id],
        extra={"invited": countries, "entities": case.entity_ids, "notices": case.notice_ids},
    )
    return case


def access_link_for_case(session: Session, actor: Actor, link_id: str) -> SuggestedLink:
    """Return a link one side of which the actor's country owns (it was told the link exists); else NotFound."""
    link = session.get(SuggestedLink, link_id)
    if link is None or not actor.can(Perm.CASE_WRITE) or actor.country not in (link.left_owner, link.right_owner):
        raise NotFound("link", link_id)
    return link


def do_open_case_from_link(session: Session, actor: Actor, link: SuggestedLink, data: CaseFromLinkIn) -> Case:
    """Open a case on a suggested link, inviting its other side.

    If the actor may not read the link (the other entity is not shared with it), the invitation is sealed:
    the other member is invited without the opener learning who it is or anything of its entity until it
    accepts; the link content stays governed by the link's own visibility rule.
    """
    _require_write(actor)
    existing = session.scalars(select(Case).where(Case.link_id == link.id)).all()
    mine = next((c for c in existing if membership(c, actor.country) is not None), None)
    if mine is not None:
        raise Conflict("a case on this link already exists", case_id=mine.id)
    own_pk, other = (
        (link.left_pk, link.right_owner) if link.left_owner == actor.country else (link.right_pk, link.left_owner)
    )
    sealed = not can_view_link(session, actor, link)
    case = _new_case(session, actor, data, link_id=link.id, entity_ids=[own_pk], notice_ids=[])
    _invite(session, actor, case, other, sealed=sealed)
    record(
        session,
        actor,
        AuditAction.CASE_OPENED,
        target_type="case",
        target_ids=[case.id],
        extra={"link_id": link.id, "sealed": sealed},
    )
    return case


def do_invite(session: Session, actor: Actor, case: Case, countries: list[str]) -> Case:
    """Invite more member countries to a case the actor's country opened (members already in are skipped)."""
    if case.status != "open":
        raise InvalidTransition("case", case.status, "invite to")
    if hidden_countries(case, actor.country):
        raise Conflict("the other side of the suggested link has not accepted yet; invite others after it does")
    new = [c for c in _check_countries(session, actor, countries) if membership(case, c) is None]
    for country in new:
        _invite(session, actor, case, country)
    if new:
        record(
            session, actor, AuditAction.CASE_INVITED, target_type="case", target_ids=[case.id], extra={"countries": new}
        )
    return case


def mark_responded(session: Session, actor: Actor, case: Case) -> bool:
    """Record the actor's country's first response to an invitation (accept, message, task); True if it was."""
    if not is_pending_invitee(case, actor.country):
        return False
    member = membership(case, actor.country)
    assert member is not None  # noqa: S101 - is_pending_invitee checked it
    member.responded_at = utcnow()
    add_event(session, actor, case, "accepted", {"country": actor.country})
    notify_members(session, case, "case.accepted", {"case_id": case.id, "country": actor.country}, but=actor.country)
    return True


def do_accept(session: Session, actor: Actor, case: Case) -> Case:
    """Accept an invitation (the first response; a sealed invitee becomes known to the other members)."""
    if not mark_responded(session, actor, case):
        raise InvalidTransition("case invitation", "answered", "accept")
    record(session, actor, AuditAction.CASE_ACCEPTED, target_type="case", target_ids=[case.id])
    return case


def do_link_records(session: Session, actor: Actor, case: Case, entity_ids: list[str], notice_ids: list[str]) -> Case:
    """Attach entities and notices the actor may see to the case (members see those they may see)."""
    _check_records(session, actor, entity_ids, notice_ids)
    new_e = [pk for pk in dict.fromkeys(entity_ids) if pk not in case.entity_ids]
    new_n = [n for n in dict.fromkeys(notice_ids) if n not in case.notice_ids]
    if not new_e and not new_n:
        return case
    case.entity_ids, case.notice_ids = [*case.entity_ids, *new_e], [*case.notice_ids, *new_n]
    mark_responded(session, actor, case)
    add_event(session, actor, case, "linked", {"entity_ids": new_e, "notice_ids": new_n})
    record(
        session,
        actor,
        AuditAction.CASE_LINKED,
        target_type="case",
        target_ids=[case.id],
        extra={"entities": new_e, "notices": new_n},
    )
    notify_members(session, case, "case.linked", {"case_id": case.id, "country": actor.country}, but=actor.country)
    return case


def do_close_case(session: Session, actor: Actor, case: Case) -> Case:
    """Close a case the actor's country opened."""
    if case.status != "open":
        raise InvalidTransition("case", case.status, "close")
    case.status, case.closed_at = "closed", utcnow()
    add_event(session, actor, case, "closed", {})
    record(session, actor, AuditAction.CASE_CLOSED, target_type="case", target_ids=[case.id])
    notify_members(session, case, "case.closed", {"case_id": case.id}, but="")
    return case
