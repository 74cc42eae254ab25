"""Write path of a case's thread, tasks and the desk handover; audited, with outbox events, never commits."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.case.access import access_case_by_id
from manara.case.actions import add_event, mark_responded, notify_members
from manara.case.models import Case, CaseAttachment, CaseMessage, CaseTask, HandoverNote, TaskStatus
from manara.case.schemas import HandoverIn, MessageIn, TaskIn, TaskUpdateIn
from manara.case.service import visible_member_countries
from manara.case.storage import AttachmentStore, safe_filename, sniff
from manara.db.base import utcnow
from manara.errors import Conflict, Forbidden, InvalidTransition, NotFound, PayloadTooLarge, ValidationFailed
from manara.identity import Actor, Perm
from manara.member.models import User
from manara.outbox.service import enqueue
from manara.settings import get_settings


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


def read_upload(stream: object, limit: int | None = None) -> bytes:
    """Read an uploaded file into memory, refusing it past the configured size."""
    limit = limit or get_settings().case_attachment_max_bytes
    data: bytes = stream.read(limit + 1)  # type: ignore[attr-defined]
    if len(data) > limit:
        raise PayloadTooLarge(f"attachment larger than {limit} bytes", limit=limit)
    return data


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
