"""Console pages of notices: the filtered list and the detail page (same access rules as the API)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from manara.api.deps import DbSession
from manara.crime import label as crime_label
from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.notice import actions as notice_actions
from manara.notice import service as notice_service
from manara.notice.access import access_notice_by_id, access_notice_for_owner, access_notice_for_review, in_review_queue
from manara.notice.models import Notice, NoticeStatus, NoticeType
from manara.notice.service import notice_out
from manara.web import i18n
from manara.web.deps import ConsoleActor, optional_date
from manara.web.render import page

router = APIRouter()
PAGE_SIZE = 25
TYPES = [t.value for t in NoticeType]
STATUSES = [s.value for s in NoticeStatus]
REVALIDATABLE = {NoticeStatus.PUBLISHED, NoticeStatus.EXPIRED}


def _choice(value: str | None, allowed: list[str]) -> str | None:
    """Return ``value`` if it is one of ``allowed``; an empty or unknown filter means 'any'."""
    return value if value in allowed else None


@router.get("/notices")
def notices(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    type: Annotated[str | None, Query(max_length=20)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    owner: Annotated[str | None, Query(max_length=2)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    review_from: Annotated[str | None, Query(max_length=10)] = None,
    review_to: Annotated[str | None, Query(max_length=10)] = None,
    after: Annotated[str | None, Query(max_length=80)] = None,
    before: Annotated[str | None, Query(max_length=80)] = None,
) -> Response:
    """List the notices the user may see, newest first, with filters; pages by cursor (keyset)."""
    filters: dict[str, Any] = {
        "type": _choice(type, TYPES),
        "status": _choice(status, STATUSES),
        "owner": owner.upper() if owner and len(owner) == 2 and owner.isalpha() else None,
        "q": (q or "").strip() or None,
        "review_from": optional_date(review_from),
        "review_to": optional_date(review_to),
    }
    clauses = notice_service.notice_filters(
        type_=filters["type"],
        status=filters["status"],
        owner=filters["owner"],
        q=filters["q"],
        review_from=filters["review_from"],
        review_to=filters["review_to"],
    )
    result = notice_service.slice_notices(
        session, actor, clauses, after=parse_cursor(after), before=parse_cursor(before), page_size=PAGE_SIZE
    )
    query = {k: v.isoformat() if isinstance(v, date) else v for k, v in filters.items()}
    notice_actions.do_log_notice_search(session, actor, [n.id for n in result.rows], {**query, "console": True})
    links = {k: v for k, v in query.items() if v}
    return page(
        request,
        "notices.html",
        result=result,
        filters=query,
        links=links,
        types=TYPES,
        statuses=STATUSES,
        may_create=actor.can(Perm.NOTICE_WRITE),
        cursor=format_cursor,
        first_page=not (after or before),
    )


def format_cursor(cursor: notice_service.Cursor) -> str:
    """Write a list cursor for a link: ``<updated_at ISO>,<id>``."""
    return f"{cursor[0].isoformat()},{cursor[1]}"


def parse_cursor(value: str | None) -> notice_service.Cursor | None:
    """Read a cursor of a link; a malformed one means the first page (never an error page)."""
    when, _, notice_id = (value or "").partition(",")
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return None
    if moment.tzinfo is None or not 0 < len(notice_id) <= 36:
        return None
    return moment, notice_id


def _allowed(session: Session, actor: Actor, notice: Notice) -> set[str]:
    """Return the lifecycle steps the actor may take now, decided by the API's access functions."""
    allowed: set[str] = set()
    try:
        access_notice_for_owner(session, actor, notice.id)
    except NotFound:
        pass
    else:
        status = NoticeStatus(notice.status)
        allowed |= {"edit", "submit"} if status in notice_actions.EDITABLE else set()
        allowed |= {"cancel"} if status in notice_actions.CANCELLABLE else set()
        allowed |= {"revalidate"} if status in REVALIDATABLE else set()
    try:
        access_notice_for_review(session, actor, notice.id)
    except NotFound:
        pass
    else:
        allowed |= {"review"} if in_review_queue(notice) else set()
    return allowed


def detail_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    notice: Notice,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    """Render a notice the actor may see, with the buttons of the steps they may take (the read is audited)."""
    notice_actions.do_log_notice_read(session, actor, notice)
    return page(
        request,
        "notice.html",
        status=status,
        notice=notice_out(notice),
        allowed=_allowed(session, actor, notice),
        errors=errors or {},
        form=form or {},
        stale=request.query_params.get("stale") == "1",
        crime_area_names=[crime_label(a, i18n.choose_language(request)) for a in notice.crime_areas or []],
    )


@router.get("/notices/{notice_id}")
def notice_detail(notice_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Show a notice the user may see, with its subject; anything else is the 404 page."""
    return detail_page(request, session, actor, access_notice_by_id(session, actor, notice_id))
