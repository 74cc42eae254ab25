"""Access to cases: only the case's member countries see it; everyone else gets 404."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from manara.case.models import Case, CaseAttachment, CaseMember, CaseTask, HandoverNote
from manara.errors import NotFound
from manara.identity import Actor, Perm


def membership(case: Case, country: str) -> CaseMember | None:
    """Return ``country``'s membership row of ``case``, if any."""
    return next((m for m in case.members if m.country == country), None)


def can_view_case(actor: Actor, case: Case) -> bool:
    """Tell whether ``actor`` may see ``case``: a case reader of one of its member countries."""
    return actor.can(Perm.CASE_READ) and membership(case, actor.country) is not None


def case_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of case list queries."""
    if not actor.can(Perm.CASE_READ):
        return false()
    return Case.id.in_(select(CaseMember.case_id).where(CaseMember.country == actor.country))


def access_case_by_id(session: Session, actor: Actor, case_id: str) -> Case:
    """Return the case if the actor may see it; otherwise raise NotFound."""
    case = session.get(Case, case_id)
    if case is None or not can_view_case(actor, case):
        raise NotFound("case", case_id)
    return case


def access_case_for_write(session: Session, actor: Actor, case_id: str) -> Case:
    """Return a case the actor may take part in (member country, case:write); otherwise NotFound."""
    case = access_case_by_id(session, actor, case_id)
    if not actor.can(Perm.CASE_WRITE):
        raise NotFound("case", case_id)
    return case


def access_case_for_owner(session: Session, actor: Actor, case_id: str) -> Case:
    """Return a case the actor's country opened, if the actor may write cases; otherwise NotFound."""
    case = access_case_for_write(session, actor, case_id)
    if case.owner_country != actor.country:
        raise NotFound("case", case_id)
    return case


def access_attachment(session: Session, actor: Actor, case: Case, attachment_id: str) -> CaseAttachment:
    """Return an attachment of a case the actor may see; otherwise NotFound."""
    att = session.get(CaseAttachment, attachment_id)
    if att is None or att.case_id != case.id:
        raise NotFound("attachment", attachment_id)
    return att


def access_task(session: Session, case: Case, task_id: str) -> CaseTask:
    """Return a task of ``case``; otherwise NotFound."""
    task = session.get(CaseTask, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound("task", task_id)
    return task


def access_handover(session: Session, actor: Actor, note_id: str) -> HandoverNote:
    """Return a handover note of the actor's own desk, if the actor keeps the handover; otherwise NotFound."""
    note = session.get(HandoverNote, note_id)
    if note is None or note.country != actor.country or not actor.can(Perm.CASE_HANDOVER):
        raise NotFound("handover_note", note_id)
    return note
