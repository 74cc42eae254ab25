"""JSON API of hits: the owner's inbox, acknowledgement and judgement."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from manara.api.deps import CurrentActor, DbSession, PageParams
from manara.db.base import utcnow
from manara.hit import actions
from manara.hit import service as hit_service
from manara.hit.access import access_hit_by_id, access_hit_for_owner
from manara.hit.models import Hit, HitStatus
from manara.hit.schemas import HitOut, JudgeIn
from manara.pagination import PageOut

router = APIRouter(prefix="/hits", tags=["hits"])


def hit_out(hit: Hit) -> HitOut:
    """Serialise a hit, flagging it overdue when unanswered past its deadline."""
    out = HitOut.model_validate(hit)
    out.overdue = hit.status in actions.OPEN_STATES and hit.deadline_at < utcnow()
    return out


@router.get("", response_model=PageOut[HitOut])
def list_hits(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    side: Literal["owner", "querying", "any"] = "owner",
    status: HitStatus | None = None,
) -> PageOut[HitOut]:
    """List hits: on your country's records (``side=owner``, your inbox) or raised by your searches."""
    page = hit_service.list_hits(session, actor, side=side, status=status, page=paging.page, page_size=paging.page_size)
    actions.do_log_hits_read(session, actor, [h.id for h in page.items], {"side": side, "status": status})
    return PageOut(items=[hit_out(h) for h in page.items], total=page.total, page=page.page, page_size=page.page_size)


@router.get("/{hit_id}", response_model=HitOut)
def get_hit(hit_id: str, session: DbSession, actor: CurrentActor) -> HitOut:
    """Return a hit your country raised or received."""
    hit = access_hit_by_id(session, actor, hit_id)
    actions.do_log_hits_read(session, actor, [hit.id])
    return hit_out(hit)


@router.post("/{hit_id}/acknowledge", response_model=HitOut)
def acknowledge(hit_id: str, session: DbSession, actor: CurrentActor) -> HitOut:
    """Acknowledge a hit on your country's record (you have seen it and are on it)."""
    return hit_out(actions.do_acknowledge_hit(session, actor, access_hit_for_owner(session, actor, hit_id)))


@router.post("/{hit_id}/judge", response_model=HitOut)
def judge(hit_id: str, body: JudgeIn, session: DbSession, actor: CurrentActor) -> HitOut:
    """Confirm, reject or mark inconclusive a hit on your country's record."""
    hit = access_hit_for_owner(session, actor, hit_id)
    return hit_out(actions.do_judge_hit(session, actor, hit, body.judgement, body.note))
