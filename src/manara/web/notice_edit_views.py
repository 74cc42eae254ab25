"""Console notice form: create a draft and edit a draft or refused notice, with its subject.

The writes are the API's actions (``do_create_notice_once``, ``do_update_notice``, ``do_upsert_entities``)
inside one SAVEPOINT: a form that fails any rule writes nothing and comes back with messages beside
its fields. A hidden per-form token is the ``Idempotency-Key`` of the creation, so a double click or a
resubmitted page creates one notice.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from manara.api.deps import DbSession
from manara.crime import CrimeArea
from manara.crime import label as crime_label
from manara.db.base import utcnow
from manara.entity import service as entity_service
from manara.entity.actions import do_upsert_entities, make_placement
from manara.entity.ftm import validate_entity
from manara.entity.models import Entity
from manara.errors import ManaraError, NotFound
from manara.identity import Actor, Perm
from manara.notice import actions as notice_actions
from manara.notice.access import access_notice_for_owner
from manara.notice.models import Notice, NoticeType
from manara.notice.schemas import NoticeIn, NoticePatch
from manara.visibility import Visibility
from manara.web import i18n
from manara.web import notice_form as nf
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import gettext, page

router = APIRouter()
PERSON = "Person"


async def form_fields(request: Request) -> dict[str, str]:
    """Return the posted form's text fields (the form is parsed once per request)."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    fields["crime_areas"] = ", ".join(v for v in form.getlist("crime_areas") if isinstance(v, str))  # multi-select
    return fields


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def _posted(fields: dict[str, str]) -> dict[str, str]:
    form = nf.empty_form()
    form.update({name: fields.get(name, "")[:10_000] for name in nf.FIELDS})
    return form


def subject_of(session: Session, notice: Notice | None) -> Entity | None:
    """Return the subject record of a notice the actor may already see (shared through the notice)."""
    if notice is None or notice.subject_id is None:
        return None
    return session.get(Entity, notice.subject_id)


def render_form(
    request: Request,
    *,
    form: dict[str, str],
    errors: nf.FormErrors,
    notice: Notice | None,
    token: str,
    status: int = 200,
    checks_failed: bool = False,
) -> Response:
    """Render the notice form with the translated messages beside their fields."""
    messages = {name: gettext(request, msg) % errors.args.get(name, {}) for name, msg in errors.fields.items()}
    return page(
        request,
        "notice_form.html",
        status=status,
        form=form,
        errors=messages,
        notice=notice,
        token=token,
        types=[t.value for t in NoticeType],
        required=nf.required_types(),
        fieldset_types=nf.fieldset_types,
        checks_failed=checks_failed,
        crime_area_choices=[(a.value, crime_label(a.value, i18n.choose_language(request))) for a in CrimeArea],
    )


def _writer(actor: Actor) -> None:
    if not actor.can(Perm.NOTICE_WRITE):
        raise NotFound("page", "notice form")


def _save_subject(
    session: Session, actor: Actor, props: dict[str, list[str]], existing: Entity | None, token: str
) -> str:
    """Create or update the subject Person through the entity action; return its record id."""
    if existing is not None:
        managed = {*nf.SUBJECT.values(), "name"}
        props = {**{k: v for k, v in existing.properties.items() if k not in managed}, **props}
        review = existing.review_date if existing.review_date > utcnow().date() else None
        place = make_placement(session, actor, Visibility(existing.visibility), list(existing.shared_with), review)
        entity_id = existing.entity_id
    else:
        place = make_placement(session, actor, Visibility.OWNER, [], None)
        entity_id = f"console-{token}"
    do_upsert_entities(
        session, actor, [validate_entity({"id": entity_id, "schema": PERSON, "properties": props})], place
    )
    saved = entity_service.get_by_natural_key(session, actor.country, entity_id)
    assert saved is not None  # just written in this transaction
    return saved.id


def _check(form: dict[str, str], notice: Notice | None, subject: Entity | None, errors: nf.FormErrors) -> None:
    """Validate the form against the API's schemas before anything is written."""
    body = nf.notice_body(form)
    try:
        if notice is None:
            NoticeIn.model_validate(body)
        else:
            NoticePatch.model_validate({k: v for k, v in body.items() if k != "type"})
    except ValidationError as exc:
        nf.from_pydantic(exc, errors)
    props = nf.subject_properties(form)
    if props and (subject is None or subject.schema == PERSON):
        try:
            validate_entity({"id": "form-check", "schema": PERSON, "properties": props})
        except ManaraError as exc:
            nf.from_domain(exc, errors)


def save_notice(
    session: Session, actor: Actor, form: dict[str, str], notice: Notice | None, token: str
) -> Notice | nf.FormErrors:
    """Write the form through the API's actions, or return the errors per field (nothing written)."""
    subject = subject_of(session, notice)
    errors = nf.FormErrors()
    _check(form, notice, subject, errors)
    if errors:
        return errors
    body, props = nf.notice_body(form), nf.subject_properties(form)
    try:
        with session.begin_nested():
            if props and (subject is None or subject.schema == PERSON):
                body["subject_id"] = _save_subject(session, actor, props, subject, token)
            if notice is None:
                idem = nf.form_token(token)
                return notice_actions.do_create_notice_once(session, actor, NoticeIn.model_validate(body), idem)
            patch = NoticePatch.model_validate({k: v for k, v in body.items() if k != "type"})
            return notice_actions.do_update_notice(session, actor, notice, patch)
    except ManaraError as exc:
        nf.from_domain(exc, errors)  # re-raises what is not about a field (404, 409)
        return errors


@router.get("/notices/new")
def new_notice(request: Request, actor: ConsoleActor) -> Response:
    """Show the form of a new notice (bureau officers)."""
    _writer(actor)
    return render_form(
        request, form=nf.empty_form(), errors=nf.FormErrors(), notice=None, token=secrets.token_urlsafe(24)
    )


@router.post("/notices/new", dependencies=[CsrfChecked])
def create_notice(request: Request, session: DbSession, actor: ConsoleActor, fields: FormFields) -> Response:
    """Create a draft notice from the form; a resubmitted form returns the notice it created."""
    _writer(actor)
    form, token = _posted(fields), nf.form_token(fields.get("form_token")) or secrets.token_urlsafe(24)
    result = save_notice(session, actor, form, None, token)
    if isinstance(result, nf.FormErrors):
        return render_form(request, form=form, errors=result, notice=None, token=token, status=422)
    return RedirectResponse(f"/console/notices/{result.id}", status_code=303)


@router.get("/notices/{notice_id}/edit")
def edit_notice(notice_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Show the form of one of your draft or refused notices."""
    notice = access_notice_for_owner(session, actor, notice_id)
    if notice.status not in notice_actions.EDITABLE:
        return RedirectResponse(f"/console/notices/{notice.id}", status_code=303)
    form = nf.form_of(notice, subject_of(session, notice))
    return render_form(request, form=form, errors=nf.FormErrors(), notice=notice, token=secrets.token_urlsafe(24))


@router.post("/notices/{notice_id}/edit", dependencies=[CsrfChecked])
def update_notice(
    notice_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    fields: FormFields,
) -> Response:
    """Save the edited notice (a refused notice returns to draft)."""
    notice = access_notice_for_owner(session, actor, notice_id)
    if notice.status not in notice_actions.EDITABLE or fields.get("version") != str(notice.version):
        return RedirectResponse(f"/console/notices/{notice.id}?stale=1", status_code=303)
    form = _posted(fields)
    form["type"] = notice.type
    token = nf.form_token(fields.get("form_token")) or secrets.token_urlsafe(24)
    result = save_notice(session, actor, form, notice, token)
    if isinstance(result, nf.FormErrors):
        return render_form(request, form=form, errors=result, notice=notice, token=token, status=422)
    return RedirectResponse(f"/console/notices/{result.id}", status_code=303)
