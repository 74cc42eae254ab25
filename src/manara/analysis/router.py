"""JSON API of analysis: suggested links, judgements, identity clusters and the entity graph."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from manara.analysis import service as analysis_service
from manara.analysis.access import access_link_by_id, access_link_for_judge
from manara.analysis.actions import do_judge_link
from manara.analysis.models import LinkStatus
from manara.analysis.schemas import ClusterOut, EntityRef, LinkJudgeIn, LinkOut
from manara.api.deps import CurrentActor, DbSession, PageParams, require
from manara.audit.actions import AuditAction, record
from manara.entity.access import access_entity_by_id
from manara.member.roles import Perm
from manara.pagination import PageOut

router = APIRouter(prefix="/analysis", tags=["analysis"])


@router.get("/links", response_model=PageOut[LinkOut])
def list_links(
    session: DbSession, actor: CurrentActor, paging: PageParams, status: LinkStatus | None = None,
    entity: str | None = None,
) -> PageOut[LinkOut]:  # fmt: skip
    """List suggested links whose two entities you may see, best score first."""
    page = analysis_service.list_links(session, actor, status=status, entity_pk=entity, page=paging.page,
                                       page_size=paging.page_size)  # fmt: skip
    items = analysis_service.links_out(session, actor, list(page.items))
    record(session, actor, AuditAction.ANALYSIS_VIEWED, target_type="suggested_link",
           target_ids=[i.id for i in items], query={"status": status, "entity": entity})  # fmt: skip
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/links/{link_id}", response_model=LinkOut)
def get_link(link_id: str, session: DbSession, actor: CurrentActor) -> LinkOut:
    """Return a suggested link whose two entities you may see."""
    link = access_link_by_id(session, actor, link_id)
    record(session, actor, AuditAction.ANALYSIS_VIEWED, target_type="suggested_link", target_ids=[link.id])
    return analysis_service.links_out(session, actor, [link])[0]


@router.post("/links/{link_id}/judge", response_model=LinkOut,
             dependencies=[Depends(require(Perm.ANALYSIS_JUDGE))])  # fmt: skip
def judge_link(link_id: str, body: LinkJudgeIn, session: DbSession, actor: CurrentActor) -> LinkOut:
    """Judge a pair involving your country's data: same, not_same (never suggested again) or unsure."""
    link = do_judge_link(session, actor, access_link_for_judge(session, actor, link_id), body.judgement)
    return analysis_service.links_out(session, actor, [link])[0]


@router.get("/entities/{entity_pk}/cluster", response_model=ClusterOut)
def get_cluster(entity_pk: str, session: DbSession, actor: CurrentActor) -> ClusterOut:
    """Return the identity cluster of an entity: the transitive closure of "same" links you may see."""
    root = access_entity_by_id(session, actor, entity_pk)
    members, links = analysis_service.cluster(session, actor, root.id)
    entities = analysis_service.refs(session, actor, members)
    record(session, actor, AuditAction.ANALYSIS_VIEWED, target_type="entity", target_ids=sorted(entities))
    ordered = sorted(entities.values(), key=lambda e: (e.id != root.id, e.owner_country, e.caption))
    return ClusterOut(entity_id=root.id, members=[EntityRef.model_validate(e) for e in ordered], links=sorted(links))
