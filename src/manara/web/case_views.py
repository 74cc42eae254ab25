"""Console pages of cross-border cases: list and queue, open (also from a link), detail with thread, tasks and
timeline, and the desk handover. Same access rules and write path as the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from manara.api.deps import DbSession, attachment_response
from manara.case import actions as case_actions
from manara.case import service as case_service
from manara.case import thread
from manara.case.access import (
    access_attachment,
    access_case_by_id,
    access_case_for_owner,
    access_case_for_write,
    access_handover,
    access_task,
)
from manara.case.models import Case, Priority, TaskStatus
from manara.case.schemas import CaseFromLinkIn, CaseIn, HandoverIn, MessageIn, TaskIn, TaskUpdateIn
from manara.case.storage import attachment_store
from manara.db.base import utcnow
from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.settings import get_settings
from manara.tlp import Tlp
from manara.web import case_forms
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.forms import parse_form, split_codes
from manara.web.render import gettext, page

router = APIRouter()
PAGE_SIZE = 25
Text = Annotated[str, Form(max_length=20_000)]
Line = Annotated[str, Form(max_length=500)]


def _to(case_id: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/console/cases/{case_id}{anchor}", status_code=303)


@router.get("/cases")
def cases(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """List the user's country's cases, with the invitations awaiting its first response."""
    return _cases_page(request, session, actor, page_no)


def _cases_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    page_no: int = 1,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    result = case_service.list_cases(session, actor, status=None, priority=None, page=page_no, page_size=PAGE_SIZE)
    awaiting = case_service.awaiting_first_response(session, actor)
    shown = sorted({c.id for c in result.items} | {a.case_id for a in awaiting})
    case_actions.do_log_cases_listed(session, actor, shown, {"console": True})
    pages = max((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return page(
        request,
        "cases.html",
        status=status,
        result=result,
        awaiting=awaiting,
        pages=pages,
        now=utcnow(),
        tlps=[t.value for t in Tlp],
        priorities=[p.value for p in Priority],
        errors=errors or {},
        form=form or {},
    )


@router.post("/cases", dependencies=[CsrfChecked])
def open_case(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    title: Line = "",
    summary: Text = "",
    tlp: Line = "amber",
    priority: Line = "normal",
    invite: Line = "",
) -> Response:
    """Open a case from the form and go to it; a refused form comes back with its messages beside the fields."""
    form = {"c-title": title, "c-summary": summary, "c-tlp": tlp, "c-priority": priority, "c-invite": invite}
    try:
        body = CaseIn.model_validate(
            {"title": title, "summary": summary, "tlp": tlp, "priority": priority, "invite": split_codes(invite)}
        )
        with session.begin_nested():
            case = case_actions.do_open_case(session, actor, body)
    except case_forms.REFUSED as exc:
        errors = case_forms.form_errors(request, "open", exc)
        return _cases_page(request, session, actor, status=422, errors=errors, form=form)
    return _to(case.id)


@router.get("/cases/from-link/{link_id}")
def from_link_form(link_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Offer to open a case on a suggested link involving the user's country's data."""
    link = case_actions.access_link_for_case(session, actor, link_id)
    return page(
        request,
        "case_from_link.html",
        link_id=link.id,
        tlps=[t.value for t in Tlp],
        priorities=[p.value for p in Priority],
    )


@router.post("/cases/from-link/{link_id}", dependencies=[CsrfChecked])
def from_link(
    link_id: str,
    session: DbSession,
    actor: ConsoleActor,
    title: Line,
    summary: Text = "",
    tlp: Line = "amber",
    priority: Line = "normal",
) -> Response:
    """Open a case on a suggested link, inviting its other side."""
    link = case_actions.access_link_for_case(session, actor, link_id)
    body = parse_form(CaseFromLinkIn, {"title": title, "summary": summary, "tlp": tlp, "priority": priority})
    return _to(case_actions.do_open_case_from_link(session, actor, link, body).id)


@router.get("/cases/{case_id}")
def case_detail(case_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Show a case: members, records, thread with attachments, tasks and timeline."""
    return _case_page(request, session, actor, access_case_by_id(session, actor, case_id))


def _case_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    case: Case,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    case_actions.do_log_case_read(session, actor, case, "console")
    out = case_service.case_out(session, actor, case)
    return page(
        request,
        "case.html",
        status=status,
        errors=errors or {},
        form=form or {},
        case=out,
        messages=case_service.messages(session, case),
        tasks=case_service.tasks(session, case),
        timeline=case_service.timeline(session, actor, case),
        pending=case_service.is_pending_invitee(case, actor.country),
        now=utcnow(),
        members=sorted(case_service.visible_member_countries(case, actor.country)),
        statuses=[s.value for s in TaskStatus],
        max_bytes=get_settings().case_attachment_max_bytes,
    )


@router.post("/cases/{case_id}/accept", dependencies=[CsrfChecked])
def accept(case_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Accept the user's country's invitation."""
    case_actions.do_accept(session, actor, access_case_for_write(session, actor, case_id))
    return _to(case_id)


def _refused(
    request: Request, session: DbSession, actor: Actor, case: Case, name: str, exc: Exception, form: dict[str, str]
) -> Response:
    """Show the case again with a refused form's messages beside its fields and what was typed."""
    errors = case_forms.form_errors(request, name, exc)
    return _case_page(request, session, actor, case, status=422, errors=errors, form=form)


@router.post("/cases/{case_id}/invite", dependencies=[CsrfChecked])
def invite(case_id: str, request: Request, session: DbSession, actor: ConsoleActor, countries: Line = "") -> Response:
    """Invite member countries (comma-separated codes)."""
    case = access_case_for_owner(session, actor, case_id)
    wanted = split_codes(countries)
    if not wanted:
        errors = {"inv": gettext(request, case_forms.REQUIRED)}
        return _case_page(request, session, actor, case, status=422, errors=errors, form={"inv": countries})
    try:
        with session.begin_nested():
            case_actions.do_invite(session, actor, case, wanted)
    except case_forms.REFUSED as exc:
        return _refused(request, session, actor, case, "invite", exc, {"inv": countries})
    return _to(case_id)


@router.post("/cases/{case_id}/close", dependencies=[CsrfChecked])
def close(case_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Close a case the user's country opened."""
    case_actions.do_close_case(session, actor, access_case_for_owner(session, actor, case_id))
    return _to(case_id)


@router.post("/cases/{case_id}/messages", dependencies=[CsrfChecked])
def post_message(
    case_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    body: Text = "",
    parent_id: Line = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Post a message, with an optional attachment, in one step: both or neither."""
    case = access_case_for_write(session, actor, case_id)
    try:
        data = thread.read_upload(file.file) if file is not None and file.filename else None
        parsed = MessageIn.model_validate({"body": body, "parent_id": parent_id or None})
        with session.begin_nested():
            message = case_actions.do_post_message(session, actor, case, parsed)
            if file is not None and file.filename and data is not None:
                case_actions.do_attach(
                    session, actor, case, message, file.filename, data, attachment_store(get_settings().data_dir)
                )
    except case_forms.REFUSED as exc:
        return _refused(request, session, actor, case, "message", exc, {"msg-body": body, "msg-parent": parent_id})
    return _to(case_id, f"#m-{message.id}")


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def download(case_id: str, attachment_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Download an attachment (audited)."""
    case = access_case_by_id(session, actor, case_id)
    att = access_attachment(session, actor, case, attachment_id)
    case_actions.do_log_attachment_download(session, actor, case, att, console=True)
    return attachment_response(attachment_store(get_settings().data_dir).get(att.id), att.filename, att.content_type)


@router.post("/cases/{case_id}/tasks", dependencies=[CsrfChecked])
def create_task(
    case_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    title: Line = "",
    assignee_country: Line = "",
    due_date: Line = "",
    description: Text = "",
) -> Response:
    """Create a task for a member country of the case, due at the end of the given day (UTC)."""
    case = access_case_for_write(session, actor, case_id)
    due = f"{due_date}T23:59:59Z" if due_date else None
    try:
        body = TaskIn.model_validate(
            {
                "title": title,
                "description": description,
                "due_at": due,
                "assignee_country": assignee_country.strip().upper() or None,
            }
        )
        with session.begin_nested():
            case_actions.do_create_task(session, actor, case, body)
    except case_forms.REFUSED as exc:
        form = {"t-title": title, "t-country": assignee_country, "t-due": due_date}
        return _refused(request, session, actor, case, "task", exc, form)
    return _to(case_id, "#tasks")


@router.post("/cases/{case_id}/tasks/{task_id}", dependencies=[CsrfChecked])
def update_task(case_id: str, task_id: str, session: DbSession, actor: ConsoleActor, status: Line) -> Response:
    """Change a task's status."""
    case = access_case_for_write(session, actor, case_id)
    task = access_task(session, case, task_id)
    case_actions.do_update_task(session, actor, case, task, parse_form(TaskUpdateIn, {"status": status}))
    return _to(case_id, "#tasks")


@router.get("/handover")
def handover(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Show the desk's handover notes (unacknowledged first) and the form for the next one."""
    notes = sorted(case_service.handover_notes(session, actor), key=lambda n: n.acknowledged_at is not None)
    if not actor.can(Perm.CASE_HANDOVER):
        raise NotFound("page", "handover")
    case_actions.do_log_handover_read(session, actor, notes)
    open_cases = case_service.list_cases(session, actor, status="open", priority=None, page=1, page_size=100)
    return page(
        request,
        "handover.html",
        notes=notes,
        open_cases=open_cases.items,
        awaiting=case_service.awaiting_first_response(session, actor),
        now=utcnow(),
    )


@router.post("/handover", dependencies=[CsrfChecked])
def write_handover(session: DbSession, actor: ConsoleActor, open_items: Text, watch: Text = "") -> Response:
    """Write a handover note for the next shift."""
    case_actions.do_write_handover(session, actor, parse_form(HandoverIn, {"open_items": open_items, "watch": watch}))
    return RedirectResponse("/console/handover", status_code=303)


@router.post("/handover/{note_id}/acknowledge", dependencies=[CsrfChecked])
def acknowledge(note_id: str, session: DbSession, actor: ConsoleActor) -> Response:
    """Acknowledge a handover note as the next shift."""
    case_actions.do_acknowledge_handover(session, actor, access_handover(session, actor, note_id))
    return RedirectResponse("/console/handover", status_code=303)
