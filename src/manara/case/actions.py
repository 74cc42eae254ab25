"""Write path of cases: open, invite, accept, link records, close; the thread, tasks and desk handover;
audited reads. Every write audited with an outbox event; never commits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.analysis.access import can_view_link
from manara.analysis.models import SuggestedLink
from manara.audit.actions import AuditAction, record
from manara.case.access import access_case_by_id, membership
from manara.case.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseMember,
    CaseMessage,
    CaseTask,
    HandoverNote,
    TaskStatus,
)
from manara.case.schemas import CaseFromLinkIn, CaseIn, HandoverIn, MessageIn, TaskIn, TaskUpdateIn
from manara.case.service import hidden_countries, is_pending_invitee, visible_member_countries
from manara.case.storage import AttachmentStore, safe_filename, sniff
from manara.crime import normalise
from manara.db.base import utcnow
from manara.entity.access import access_entity_by_id
from manara.errors import Conflict, Forbidden, InvalidTransition, NotFound, PayloadTooLarge, ValidationFailed
from manara.identity import Actor, Perm
from manara.member.models import Member, User
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
        crime_areas=normalise(a.value for a in getattr(data, "crime_areas", [])),
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


# The case thread, tasks and the desk handover.


def _open(case: Case, action: str) -> None:
    if case.status != "open":
        raise InvalidTransition("case", case.status, action)


def do_post_message(session: Session, actor: Actor, case: Case, data: MessageIn) -> CaseMessage:
    """Post a message in the case thread (an invitee's first message is its first response)."""
    _open(case, "post in")
    if data.parent_id is not None:
        parent = session.get(CaseMessage, data.parent_id)
        if parent is None or parent.case_id != case.id:
            raise NotFound("message", data.parent_id)
    mark_responded(session, actor, case)
    message = CaseMessage(
        case_id=case.id,
        parent_id=data.parent_id,
        country=actor.country,
        user_id=actor.user_id,
        username=actor.username,
        body=data.body,
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    add_event(session, actor, case, "message", {"message_id": message.id, "parent_id": data.parent_id})
    record(session, actor, AuditAction.CASE_MESSAGE_POSTED, target_type="case", target_ids=[case.id, message.id])
    payload = {"case_id": case.id, "message_id": message.id, "author_country": actor.country}
    notify_members(session, case, "case.message_posted", payload, but=actor.country)
    return message


def do_attach(
    session: Session,
    actor: Actor,
    case: Case,
    message: CaseMessage,
    filename: str,
    data: bytes,
    store: AttachmentStore,
) -> CaseAttachment:
    """Attach a file to one of the actor's own messages: checked name, type and size; bytes to the store."""
    if message.case_id != case.id or message.user_id != actor.user_id:
        raise NotFound("message", message.id)
    limit = get_settings().case_attachment_max_bytes
    if len(data) > limit:
        raise PayloadTooLarge(f"attachment larger than {limit} bytes", limit=limit)
    name = safe_filename(filename)
    att = CaseAttachment(
        case_id=case.id,
        message_id=message.id,
        filename=name,
        content_type=sniff(name, data),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        country=actor.country,
        user_id=actor.user_id,
        created_at=utcnow(),
    )
    session.add(att)
    session.flush()
    store.put(att.id, data)  # a rolled-back transaction leaves an orphan file, never a row without its bytes
    add_event(session, actor, case, "attachment", {"message_id": message.id, "attachment_id": att.id})
    record(
        session,
        actor,
        AuditAction.CASE_ATTACHMENT_ADDED,
        target_type="case_attachment",
        target_ids=[att.id],
        extra={"case_id": case.id, "size": att.size, "content_type": att.content_type, "sha256": att.sha256},
    )
    notify_members(
        session,
        case,
        "case.attachment_added",
        {"case_id": case.id, "message_id": message.id, "attachment_id": att.id},
        but=actor.country,
    )
    return att


def _assignee(session: Session, actor: Actor, case: Case, data: TaskIn) -> tuple[str, str | None]:
    """Return (country, user id) of a task's assignee: a member the actor may know of, or one of its users."""
    members = visible_member_countries(case, actor.country)
    if data.assignee_user_id is not None:
        user = session.get(User, data.assignee_user_id)
        if user is None or user.country not in members or not user.active:
            problem = {"field": "assignee_user_id", "message": "a user of a member country of the case"}
            raise ValidationFailed("unknown assignee", [problem])
        return user.country, user.id
    country = data.assignee_country or actor.country
    if country not in members:
        raise ValidationFailed(
            "unknown assignee", [{"field": "assignee_country", "message": "a member country of the case"}]
        )
    return country, None


def do_create_task(session: Session, actor: Actor, case: Case, data: TaskIn) -> CaseTask:
    """Create a task assigned to a member country of the case or one of its users."""
    _open(case, "add a task to")
    country, user_id = _assignee(session, actor, case, data)
    mark_responded(session, actor, case)
    task = CaseTask(
        case_id=case.id,
        title=data.title,
        description=data.description,
        assignee_country=country,
        assignee_user_id=user_id,
        due_at=data.due_at,
        status=TaskStatus.OPEN.value,
        created_by=actor.user_id,
        created_country=actor.country,
    )
    session.add(task)
    session.flush()
    add_event(session, actor, case, "task_created", {"task_id": task.id, "assignee_country": country})
    record(
        session,
        actor,
        AuditAction.CASE_TASK_ASSIGNED,
        target_type="case_task",
        target_ids=[task.id],
        extra={"case_id": case.id, "assignee_country": country, "assignee_user_id": user_id},
    )
    enqueue(
        session,
        "case.task_assigned",
        {
            "case_id": case.id,
            "task_id": task.id,
            "assignee_country": country,
            "assignee_user_id": user_id,
            "due_at": task.due_at.isoformat() if task.due_at else None,
        },
        country=country,
    )
    return task


def do_update_task(session: Session, actor: Actor, case: Case, task: CaseTask, data: TaskUpdateIn) -> CaseTask:
    """Change a task's status (or due date): the assignee's country or the country that created it."""
    if actor.country not in (task.assignee_country, task.created_country):
        raise NotFound("task", task.id)
    old = task.status
    task.status = data.status.value
    if data.due_at is not None:
        task.due_at = data.due_at
    mark_responded(session, actor, case)
    add_event(session, actor, case, "task_updated", {"task_id": task.id, "old": old, "new": task.status})
    record(
        session,
        actor,
        AuditAction.CASE_TASK_UPDATED,
        target_type="case_task",
        target_ids=[task.id],
        extra={"case_id": case.id, "old": old, "new": task.status},
    )
    notify_members(
        session,
        case,
        "case.task_updated",
        {"case_id": case.id, "task_id": task.id, "status": task.status},
        but=actor.country,
    )
    return task


def do_write_handover(session: Session, actor: Actor, data: HandoverIn) -> HandoverNote:
    """Write a handover note for the next shift of the actor's desk (cases it mentions must be visible)."""
    if not actor.can(Perm.CASE_HANDOVER):
        raise Forbidden("this role or key lacks case:handover")
    for case_id in data.case_ids:
        access_case_by_id(session, actor, case_id)
    note = HandoverNote(
        country=actor.country,
        author_id=actor.user_id,
        author_name=actor.username,
        open_items=data.open_items,
        watch=data.watch,
        case_ids=list(dict.fromkeys(data.case_ids)),
        created_at=utcnow(),
    )
    session.add(note)
    session.flush()
    record(session, actor, AuditAction.HANDOVER_WRITTEN, target_type="handover_note", target_ids=[note.id])
    enqueue(session, "case.handover_written", {"note_id": note.id, "country": actor.country}, country=actor.country)
    return note


def do_acknowledge_handover(session: Session, actor: Actor, note: HandoverNote) -> HandoverNote:
    """Acknowledge a handover note as the next shift (not its author; once)."""
    if note.acknowledged_at is not None:
        raise InvalidTransition("handover note", "acknowledged", "acknowledge")
    if note.author_id == actor.user_id:
        raise Conflict("the next shift acknowledges a handover note, not its author")
    note.acknowledged_at, note.acknowledged_by, note.acknowledged_name = utcnow(), actor.user_id, actor.username
    record(session, actor, AuditAction.HANDOVER_ACKNOWLEDGED, target_type="handover_note", target_ids=[note.id])
    enqueue(
        session, "case.handover_acknowledged", {"note_id": note.id, "country": actor.country}, country=actor.country
    )
    return note


# Audited reads (the API and the console log the same events).


def do_log_cases_listed(session: Session, actor: Actor, case_ids: Iterable[str], query: dict[str, Any]) -> None:
    """Audit a list of cases shown (the list, the cases awaiting a first response)."""
    record(session, actor, AuditAction.CASE_LISTED, target_type="case", target_ids=case_ids, query=query)


def do_log_case_read(session: Session, actor: Actor, case: Case, part: str) -> None:
    """Audit the reading of a case's ``part`` (detail, messages, tasks, timeline; the console's whole page)."""
    record(session, actor, AuditAction.CASE_VIEWED, target_type="case", target_ids=[case.id], extra={"part": part})


def do_log_handover_read(session: Session, actor: Actor, notes: Iterable[HandoverNote]) -> None:
    """Audit the desk's handover notes shown."""
    record(session, actor, AuditAction.HANDOVER_VIEWED, target_type="handover_note", target_ids=[n.id for n in notes])


def do_log_attachment_download(
    session: Session, actor: Actor, case: Case, att: CaseAttachment, *, console: bool = False
) -> None:
    """Audit the download of a case attachment (its digest: what exactly was handed out)."""
    extra: dict[str, Any] = {"case_id": case.id, "sha256": att.sha256}
    if console:
        extra["console"] = True
    record(
        session,
        actor,
        AuditAction.CASE_ATTACHMENT_DOWNLOADED,
        target_type="case_attachment",
        target_ids=[att.id],
        extra=extra,
    )
