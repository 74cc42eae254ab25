"""Console lifecycle steps of a notice: submit, review (approve or refuse), cancel, re-validate.

Each step is the API's access function and action. The form carries the notice's version: a second
click, or a page older than the notice, changes nothing and shows the notice as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from manara.api.deps import DbSession
from manara.errors import ChecksFailed, ValidationFailed
from manara.identity import Actor
from manara.notice import actions as notice_actions
from manara.notice.access import access_notice_for_owner, access_notice_for_review
from manara.notice.models import Notice
from manara.notice.schemas import CancelIn, ReviewIn
from manara.text import N_
from manara.web import notice_form as nf
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.notice_edit_views import render_form, subject_of
from manara.web.notice_views import detail_page
from manara.web.render import gettext

router = APIRouter()
Version = Annotated[str, Form(max_length=20)]
REASONS = N_("Give the reasons for refusal, one per line.")
CANCEL_REASON = N_("Give the reason for cancelling.")
FUTURE = N_("Enter a date in the future.")


def _done(notice: Notice) -> Response:
    return RedirectResponse(f"/console/notices/{notice.id}", status_code=303)


def _stale(notice: Notice, version: str) -> Response | None:
    """Return the redirect that ignores a repeated or outdated form, or None when the form is current."""
    if version != str(notice.version):
        return RedirectResponse(f"/console/notices/{notice.id}?stale=1", status_code=303)
    return None


def _field_error(
    request: Request, session: DbSession, actor: Actor, notice: Notice, field: str, message: str, form: dict[str, str]
) -> Response:
    return detail_page(
        request, session, actor, notice, status=422, errors={field: gettext(request, message)}, form=form
    )


@router.post("/notices/{notice_id}/submit", dependencies=[CsrfChecked])
def submit(
    notice_id: str, request: Request, session: DbSession, actor: ConsoleActor, version: Version = ""
) -> Response:
    """Run the automated checks and send for review; failed checks come back beside the form's fields."""
    notice = access_notice_for_owner(session, actor, notice_id)
    stale = _stale(notice, version)
    if stale is not None:
        return stale
    try:
        with session.begin_nested():
            notice_actions.do_submit_notice(session, actor, notice)
    except ChecksFailed as exc:
        errors = nf.FormErrors()
        nf.from_domain(exc, errors)
        form = nf.form_of(notice, subject_of(session, notice))
        return render_form(request, form=form, errors=errors, notice=notice, status=422, checks_failed=True, token="")
    return _done(notice)


@router.post("/notices/{notice_id}/review", dependencies=[CsrfChecked])
def review(
    notice_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    decision: Annotated[Literal["approve", "refuse"], Form()],
    reasons: Annotated[str, Form(max_length=10_000)] = "",
    version: Version = "",
) -> Response:
    """Approve (publish) or refuse, with reasons, another member's notice awaiting review."""
    notice = access_notice_for_review(session, actor, notice_id)
    stale = _stale(notice, version)
    if stale is not None:
        return stale
    lines = [line.strip() for line in reasons.splitlines() if line.strip()]
    try:
        body = ReviewIn(decision=decision, reasons=lines)
        with session.begin_nested():
            notice_actions.do_review_notice(session, actor, notice, body.decision, list(body.reasons))
    except (ValidationError, ValidationFailed):
        return _field_error(request, session, actor, notice, "reasons", REASONS, {"reasons": reasons})
    return _done(notice)


@router.post("/notices/{notice_id}/cancel", dependencies=[CsrfChecked])
def cancel(
    notice_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    reason: Annotated[str, Form(max_length=1000)] = "",
    version: Version = "",
) -> Response:
    """Cancel one of your notices, with the reason."""
    return _owner_step(
        notice_id,
        request,
        session,
        actor,
        version,
        "reason",
        reason,
        CANCEL_REASON,
        lambda n: notice_actions.do_cancel_notice(session, actor, n, CancelIn(reason=reason).reason),
    )


@router.post("/notices/{notice_id}/revalidate", dependencies=[CsrfChecked])
def revalidate(
    notice_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    review_date: Annotated[str, Form(max_length=10)] = "",
    version: Version = "",
) -> Response:
    """Confirm one of your published or expired notices is valid until a new review date."""
    return _owner_step(
        notice_id,
        request,
        session,
        actor,
        version,
        "review_date",
        review_date,
        FUTURE,
        lambda n: notice_actions.do_revalidate_notice(session, actor, n, date.fromisoformat(review_date)),
    )


def _owner_step(
    notice_id: str,
    request: Request,
    session: DbSession,
    actor: Actor,
    version: str,
    field: str,
    value: str,
    message: str,
    step: Callable[[Notice], Notice],
) -> Response:
    """Run an owner's step; an invalid value comes back beside its field, with nothing changed."""
    notice = access_notice_for_owner(session, actor, notice_id)
    stale = _stale(notice, version)
    if stale is not None:
        return stale
    try:
        with session.begin_nested():
            step(notice)
    except (ValidationError, ValidationFailed, ValueError):
        return _field_error(request, session, actor, notice, field, message, {field: value})
    return _done(notice)
