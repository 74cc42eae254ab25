"""The owner's hits inbox: acknowledge and judge (htmx swaps the row; without JavaScript the page reloads)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from manara.api.deps import DbSession
from manara.db.base import utcnow
from manara.errors import Forbidden, ValidationFailed
from manara.hit import actions as hit_actions
from manara.hit import service as hit_service
from manara.hit.access import access_hit_for_owner
from manara.hit.models import Hit
from manara.hit.schemas import JudgeIn
from manara.identity import Actor, Perm
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import page
from manara.web.screening_views import explain

router = APIRouter()
PAGE_SIZE = 50


def _require_answer(actor: Actor) -> None:
    if not actor.can(Perm.HIT_ANSWER):
        raise Forbidden("this role may not answer hits")


def _after(request: Request, hit: Hit) -> Response:
    """Answer an htmx request with the updated row, a plain form post with a redirect to the inbox."""
    if request.headers.get("hx-request") == "true":
        return page(request, "_hit_row.html", hit=hit, now=utcnow(), reasons=explain)
    return RedirectResponse("/console/hits", status_code=303)


@router.get("/hits")
def inbox(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    show: Annotated[Literal["open", "all"], Query()] = "open",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """List hits on the user's country's records, nearest deadline first."""
    _require_answer(actor)
    result = hit_service.list_hits(
        session, actor, side="owner", open_only=show == "open", page=page_no, page_size=PAGE_SIZE
    )
    query = {"side": "owner", "show": show, "console": True}
    hit_actions.do_log_hits_read(session, actor, [h.id for h in result.items], query)
    pages = max((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return page(
        request,
        "hits.html",
        result=result,
        show=show,
        now=utcnow(),
        reasons=explain,
        pages=pages,
        links={"show": show},
    )


@router.post("/hits/{hit_id}/acknowledge", dependencies=[CsrfChecked])
def acknowledge(hit_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Acknowledge a hit: seen and being handled."""
    hit = access_hit_for_owner(session, actor, hit_id)
    return _after(request, hit_actions.do_acknowledge_hit(session, actor, hit))


@router.post("/hits/{hit_id}/judge", dependencies=[CsrfChecked])
def judge(
    hit_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    judgement: Annotated[Literal["confirmed", "rejected", "inconclusive"], Form()],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Confirm, reject or mark inconclusive a hit."""
    hit = access_hit_for_owner(session, actor, hit_id)
    try:
        body = JudgeIn(judgement=judgement, note=note)  # the API's own validation of the note
    except ValidationError as exc:
        raise ValidationFailed("invalid judgement note") from exc
    return _after(request, hit_actions.do_judge_hit(session, actor, hit, body.judgement, body.note))
