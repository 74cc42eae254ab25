"""JSON API of cross-border cases: list, open (also from a suggested link), invite, thread, tasks, timeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile

from manara.api.conditional import IfMatch, UpdatedAfter, require_match, send_location, send_tag
from manara.api.deps import CurrentActor, DbSession, PageParams, attachment_response
from manara.case import actions, thread
from manara.case import service as case_service
from manara.case.access import (
    access_attachment,
    access_case_by_id,
    access_case_for_owner,
    access_case_for_write,
    access_handover,
    access_task,
)
from manara.case.models import CaseMessage, Priority, TaskStatus
from manara.case.schemas import (
    AttachmentOut,
    AwaitingOut,
    CaseFromLinkIn,
    CaseIn,
    CaseOut,
    CaseSummaryOut,
    HandoverIn,
    HandoverOut,
    InviteIn,
    LinkRecordsIn,
    MessageIn,
    MessageOut,
    TaskIn,
    TaskOut,
    TaskUpdateIn,
    TimelineEventOut,
)
from manara.case.storage import attachment_store
from manara.errors import NotFound
from manara.pagination import PageOut
from manara.settings import get_settings

router = APIRouter(prefix="/cases", tags=["cases"])


@router.get("", response_model=PageOut[CaseSummaryOut])
def list_cases(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    status: str | None = None,
    priority: Priority | None = None,
    updated_after: UpdatedAfter = None,
) -> PageOut[CaseSummaryOut]:
    """List the cases your country takes part in, most recently active first (``updated_after``: what changed
    since, oldest first)."""
    page = case_service.list_cases(
        session,
        actor,
        status=status,
        priority=priority,
        page=paging.page,
        page_size=paging.page_size,
        updated_after=updated_after,
    )
    items = [CaseSummaryOut.model_validate(c) for c in page.items]
    actions.do_log_cases_listed(session, actor, [c.id for c in items], {"status": status, "priority": priority})
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.post("", response_model=CaseOut, status_code=201)
def open_case(body: CaseIn, session: DbSession, actor: CurrentActor, request: Request, response: Response) -> CaseOut:
    """Open a case and invite member countries; attached entities and notices must be visible to you (the
    ``Location`` header names the new case)."""
    case = actions.do_open_case(session, actor, body)
    send_location(request, response, case.id)
    return case_service.case_out(session, actor, case)


@router.post("/from-link/{link_id}", response_model=CaseOut, status_code=201)
def open_from_link(link_id: str, body: CaseFromLinkIn, session: DbSession, actor: CurrentActor) -> CaseOut:
    """Open a case on a suggested link involving your data, inviting its other side (sealed if you cannot read it)."""
    link = actions.access_link_for_case(session, actor, link_id)
    return case_service.case_out(session, actor, actions.do_open_case_from_link(session, actor, link, body))


@router.get("/awaiting", response_model=list[AwaitingOut])
def awaiting(session: DbSession, actor: CurrentActor, side: str = "invited") -> list[AwaitingOut]:
    """Cases awaiting a first response: invitations to your country (``side=invited``) or your invitees'."""
    rows = case_service.awaiting_first_response(session, actor, side="owner" if side == "owner" else "invited")
    actions.do_log_cases_listed(session, actor, [r.case_id for r in rows], {"awaiting": side})
    return rows


@router.get("/handover", response_model=list[HandoverOut])
def list_handover(session: DbSession, actor: CurrentActor, pending: bool = False) -> list[HandoverOut]:
    """Your desk's handover notes, newest first (``pending``: not yet acknowledged)."""
    notes = case_service.handover_notes(session, actor, pending=pending)
    actions.do_log_handover_read(session, actor, notes)
    return [HandoverOut.model_validate(n) for n in notes]


@router.post("/handover", response_model=HandoverOut, status_code=201)
def write_handover(body: HandoverIn, session: DbSession, actor: CurrentActor) -> HandoverOut:
    """Write a handover note for the next shift of your desk."""
    return HandoverOut.model_validate(actions.do_write_handover(session, actor, body))


@router.post("/handover/{note_id}/acknowledge", response_model=HandoverOut)
def acknowledge_handover(note_id: str, session: DbSession, actor: CurrentActor) -> HandoverOut:
    """Acknowledge a handover note of your desk (the next shift, not its author)."""
    note = access_handover(session, actor, note_id)
    return HandoverOut.model_validate(actions.do_acknowledge_handover(session, actor, note))


@router.get("/{case_id}", response_model=CaseOut)
def get_case(case_id: str, session: DbSession, actor: CurrentActor) -> CaseOut:
    """Return a case your country takes part in."""
    case = access_case_by_id(session, actor, case_id)
    actions.do_log_case_read(session, actor, case, "detail")
    return case_service.case_out(session, actor, case)


@router.post("/{case_id}/invite", response_model=CaseOut)
def invite(case_id: str, body: InviteIn, session: DbSession, actor: CurrentActor) -> CaseOut:
    """Invite member countries to a case your country opened."""
    case = actions.do_invite(session, actor, access_case_for_owner(session, actor, case_id), body.countries)
    return case_service.case_out(session, actor, case)


@router.post("/{case_id}/accept", response_model=CaseOut)
def accept(case_id: str, session: DbSession, actor: CurrentActor) -> CaseOut:
    """Accept your country's invitation to a case (its first response)."""
    case = actions.do_accept(session, actor, access_case_for_write(session, actor, case_id))
    return case_service.case_out(session, actor, case)


@router.post("/{case_id}/links", response_model=CaseOut)
def link_records(case_id: str, body: LinkRecordsIn, session: DbSession, actor: CurrentActor) -> CaseOut:
    """Attach entities and notices you may see to the case."""
    case = access_case_for_write(session, actor, case_id)
    case = actions.do_link_records(session, actor, case, body.entity_ids, body.notice_ids)
    return case_service.case_out(session, actor, case)


@router.post("/{case_id}/close", response_model=CaseOut)
def close(case_id: str, session: DbSession, actor: CurrentActor) -> CaseOut:
    """Close a case your country opened."""
    case = actions.do_close_case(session, actor, access_case_for_owner(session, actor, case_id))
    return case_service.case_out(session, actor, case)


@router.get("/{case_id}/messages", response_model=list[MessageOut])
def list_messages(case_id: str, session: DbSession, actor: CurrentActor) -> list[MessageOut]:
    """The case's thread, oldest first, with attachment metadata."""
    case = access_case_by_id(session, actor, case_id)
    actions.do_log_case_read(session, actor, case, "messages")
    return [MessageOut.model_validate(m) for m in case_service.messages(session, case)]


@router.post("/{case_id}/messages", response_model=MessageOut, status_code=201)
def post_message(case_id: str, body: MessageIn, session: DbSession, actor: CurrentActor) -> MessageOut:
    """Post a message in the case thread (``parent_id`` answers another message)."""
    case = access_case_for_write(session, actor, case_id)
    return MessageOut.model_validate(actions.do_post_message(session, actor, case, body))


@router.post("/{case_id}/messages/{message_id}/attachments", response_model=AttachmentOut, status_code=201)
def attach(
    case_id: str,
    message_id: str,
    session: DbSession,
    actor: CurrentActor,
    file: Annotated[UploadFile, File()],
) -> AttachmentOut:
    """Attach a file (PDF, image, text, CSV, JSON, office document; size-limited) to one of your messages."""
    case = access_case_for_write(session, actor, case_id)
    message = session.get(CaseMessage, message_id)
    if message is None:
        raise NotFound("message", message_id)
    data = thread.read_upload(file.file)
    store = attachment_store(get_settings().data_dir)
    att = actions.do_attach(session, actor, case, message, file.filename or "", data, store)
    return AttachmentOut.model_validate(att)


@router.get("/{case_id}/attachments/{attachment_id}")
def download(case_id: str, attachment_id: str, session: DbSession, actor: CurrentActor) -> Response:
    """Download an attachment (audited)."""
    case = access_case_by_id(session, actor, case_id)
    att = access_attachment(session, actor, case, attachment_id)
    actions.do_log_attachment_download(session, actor, case, att)
    data = attachment_store(get_settings().data_dir).get(att.id)
    return attachment_response(data, att.filename, att.content_type)


@router.get("/{case_id}/tasks", response_model=list[TaskOut])
def list_tasks(
    case_id: str, session: DbSession, actor: CurrentActor, status: TaskStatus | None = None
) -> list[TaskOut]:
    """The case's tasks, earliest due first."""
    case = access_case_by_id(session, actor, case_id)
    actions.do_log_case_read(session, actor, case, "tasks")
    return [TaskOut.model_validate(t) for t in case_service.tasks(session, case, status=status)]


@router.post("/{case_id}/tasks", response_model=TaskOut, status_code=201)
def create_task(case_id: str, body: TaskIn, session: DbSession, actor: CurrentActor) -> TaskOut:
    """Create a task assigned to a member country of the case (default: yours) or one of its users."""
    case = access_case_for_write(session, actor, case_id)
    return TaskOut.model_validate(actions.do_create_task(session, actor, case, body))


@router.patch("/{case_id}/tasks/{task_id}", response_model=TaskOut)
def update_task(
    case_id: str,
    task_id: str,
    body: TaskUpdateIn,
    session: DbSession,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> TaskOut:
    """Change a task's status: the assignee's country or the country that created it; with ``If-Match`` (the
    ``ETag`` of the task's creation or last change), only if nobody changed it since (412 otherwise)."""
    case = access_case_for_write(session, actor, case_id)
    task = access_task(session, case, task_id)
    require_match(if_match, task)
    updated = actions.do_update_task(session, actor, case, task, body)
    session.flush()
    send_tag(response, updated)
    return TaskOut.model_validate(updated)


@router.get("/{case_id}/timeline", response_model=list[TimelineEventOut])
def get_timeline(case_id: str, session: DbSession, actor: CurrentActor) -> list[TimelineEventOut]:
    """The case's events in order: opened, invited, accepted, messages, attachments, tasks, links, judgements."""
    case = access_case_by_id(session, actor, case_id)
    actions.do_log_case_read(session, actor, case, "timeline")
    return case_service.timeline(session, actor, case)
