"""JSON API of notices: the whole lifecycle, from draft to publication, cancellation and expiry."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from manara.api.conditional import IfMatch, UpdatedAfter, require_match, send_location, send_tag
from manara.api.deps import CurrentActor, DbSession, PageParams
from manara.notice import actions, service
from manara.notice.access import access_notice_by_id, access_notice_for_owner, access_notice_for_review
from manara.notice.models import NoticeStatus, NoticeType
from manara.notice.schemas import CancelIn, NoticeIn, NoticeOut, NoticePatch, RevalidateIn, ReviewIn
from manara.notice.service import notice_out
from manara.pagination import PageOut

router = APIRouter(prefix="/notices", tags=["notices"])
IdempotencyKey = Annotated[str | None, Header(max_length=100, description="Makes a retried POST safe")]


@router.post("", response_model=NoticeOut, status_code=201)
def create_notice(
    body: NoticeIn,
    session: DbSession,
    actor: CurrentActor,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> NoticeOut:
    """Create a draft notice or diffusion owned by your country (``Idempotency-Key`` makes retries safe); the
    ``Location`` header names the new notice."""
    notice = actions.do_create_notice_once(session, actor, body, idempotency_key)
    send_location(request, response, notice.id)
    session.flush()
    send_tag(response, notice)
    return notice_out(notice)


@router.get("", response_model=PageOut[NoticeOut])
def list_notices(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    type: NoticeType | None = None,
    status: NoticeStatus | None = None,
    owner: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    review_queue: bool = False,
    review_from: date | None = None,
    review_to: date | None = None,
    updated_after: UpdatedAfter = None,
) -> PageOut[NoticeOut]:
    """List notices you may see (``review_queue=true``: those awaiting your review).

    ``q`` searches titles, references and subjects' names in any script; ``review_from``/``review_to``
    bound the review date.
    """
    page = service.list_notices(
        session,
        actor,
        type_=type,
        status=status,
        owner=owner,
        q=q,
        review_queue=review_queue,
        review_from=review_from,
        review_to=review_to,
        updated_after=updated_after,
        page=paging.page,
        page_size=paging.page_size,
    )
    actions.do_log_notice_search(
        session,
        actor,
        [n.id for n in page.items],
        {
            "type": type,
            "status": status,
            "owner": owner,
            "q": q,
            "review_queue": review_queue,
            "review_from": review_from and review_from.isoformat(),
            "review_to": review_to and review_to.isoformat(),
            "updated_after": updated_after and updated_after.isoformat(),
        },
    )
    items = [notice_out(n, with_subject=False) for n in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/{notice_id}", response_model=NoticeOut)
def get_notice(notice_id: str, session: DbSession, actor: CurrentActor, response: Response) -> NoticeOut:
    """Return a notice you may see, with its subject; the read is audited. The ``ETag`` header names this
    version: send it back as ``If-Match`` when you update the notice."""
    notice = access_notice_by_id(session, actor, notice_id)
    actions.do_log_notice_read(session, actor, notice)
    send_tag(response, notice)
    return notice_out(notice)


@router.patch("/{notice_id}", response_model=NoticeOut)
def update_notice(
    notice_id: str,
    body: NoticePatch,
    session: DbSession,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> NoticeOut:
    """Edit one of your draft or refused notices; with ``If-Match``, only if nobody changed it since you read it
    (412 otherwise)."""
    notice = access_notice_for_owner(session, actor, notice_id)
    require_match(if_match, notice)
    updated = actions.do_update_notice(session, actor, notice, body)
    session.flush()
    send_tag(response, updated)
    return notice_out(updated)


@router.post("/{notice_id}/submit", response_model=NoticeOut)
def submit_notice(notice_id: str, session: DbSession, actor: CurrentActor) -> NoticeOut:
    """Run the automated checks and send for review (diffusions publish at once, under review)."""
    notice = access_notice_for_owner(session, actor, notice_id)
    return notice_out(actions.do_submit_notice(session, actor, notice))


@router.post("/{notice_id}/review", response_model=NoticeOut)
def review_notice(notice_id: str, body: ReviewIn, session: DbSession, actor: CurrentActor) -> NoticeOut:
    """Approve or refuse a notice of another member that awaits review."""
    notice = access_notice_for_review(session, actor, notice_id)
    return notice_out(actions.do_review_notice(session, actor, notice, body.decision, list(body.reasons)))


@router.post("/{notice_id}/cancel", response_model=NoticeOut)
def cancel_notice(notice_id: str, body: CancelIn, session: DbSession, actor: CurrentActor) -> NoticeOut:
    """Cancel one of your notices."""
    notice = access_notice_for_owner(session, actor, notice_id)
    return notice_out(actions.do_cancel_notice(session, actor, notice, body.reason))


@router.post("/{notice_id}/revalidate", response_model=NoticeOut)
def revalidate_notice(notice_id: str, body: RevalidateIn, session: DbSession, actor: CurrentActor) -> NoticeOut:
    """Confirm one of your published or expired notices is valid until a new review date."""
    notice = access_notice_for_owner(session, actor, notice_id)
    return notice_out(actions.do_revalidate_notice(session, actor, notice, body.review_date))
