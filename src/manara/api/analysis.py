"""JSON API of analysis: suggested links, judgements, identity clusters and the entity graph."""

from __future__ import annotations

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Response

from manara.analysis import graph, network
from manara.analysis import service as analysis_service
from manara.analysis.access import access_link_by_id, access_link_for_judge
from manara.analysis.actions import do_judge_link, do_log_analysis_export, do_log_analysis_read
from manara.analysis.models import LinkStatus
from manara.analysis.schemas import (
    CentralOut,
    ClusterOut,
    EdgeOut,
    EntityRef,
    GraphOut,
    LinkJudgeIn,
    LinkOut,
    NetworkOut,
    PathOut,
)
from manara.api.deps import CurrentActor, DbSession, PageParams, require
from manara.entity.access import access_entity_by_id
from manara.errors import ValidationFailed
from manara.identity import Perm
from manara.pagination import PageOut

router = APIRouter(prefix="/analysis", tags=["analysis"])
Depth = Annotated[int, Query(ge=1, le=3, description="hops from the entity")]


@router.get("/links", response_model=PageOut[LinkOut])
def list_links(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    status: LinkStatus | None = None,
    entity: str | None = None,
) -> PageOut[LinkOut]:
    """List suggested links whose two entities you may see, best score first."""
    page = analysis_service.list_links(
        session, actor, status=status, entity_pk=entity, page=paging.page, page_size=paging.page_size
    )
    items = analysis_service.links_out(session, actor, list(page.items))
    query = {"status": status, "entity": entity}
    do_log_analysis_read(session, actor, "suggested_link", [i.id for i in items], query=query)
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/links/{link_id}", response_model=LinkOut)
def get_link(link_id: str, session: DbSession, actor: CurrentActor) -> LinkOut:
    """Return a suggested link whose two entities you may see."""
    link = access_link_by_id(session, actor, link_id)
    do_log_analysis_read(session, actor, "suggested_link", [link.id])
    return analysis_service.links_out(session, actor, [link])[0]


@router.post("/links/{link_id}/judge", response_model=LinkOut, dependencies=[Depends(require(Perm.ANALYSIS_JUDGE))])
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
    do_log_analysis_read(session, actor, "entity", sorted(entities))
    ordered = sorted(entities.values(), key=lambda e: (e.id != root.id, e.owner_country, e.caption))
    return ClusterOut(entity_id=root.id, members=[EntityRef.model_validate(e) for e in ordered], links=sorted(links))


def _graph_out(hood: graph.Neighbourhood, root: str, depth: int) -> GraphOut:
    edges = [
        EdgeOut(source=u, target=v, kind=d["kind"], label=d["label"], via=d["via"] or None)
        for u, v, d in hood.graph.edges(data=True)
    ]
    nodes = [EntityRef.model_validate(e) for e in hood.entities.values()]
    return GraphOut(root=root, depth=depth, nodes=nodes, edges=edges)


@router.get("/entities/{entity_pk}/neighbours", response_model=GraphOut)
def neighbours(entity_pk: str, session: DbSession, actor: CurrentActor, depth: Depth = 1) -> GraphOut:
    """Expand an entity's relationships, references and "same" links, keeping only what you may see."""
    root = access_entity_by_id(session, actor, entity_pk)
    hood = graph.expand(session, actor, root, depth)
    do_log_analysis_read(session, actor, "entity", sorted(hood.entities))
    return _graph_out(hood, root.id, depth)


@router.get("/network", response_model=NetworkOut)
def get_network(
    session: DbSession,
    actor: CurrentActor,
    ids: Annotated[list[str], Query(description="entity primary keys (repeat, or comma-separate)")],
    depth: Depth = 1,
) -> NetworkOut:
    """Return the network around entities you may see: nodes, edges, connected components, central nodes."""
    pks = list(dict.fromkeys(pk.strip() for value in ids for pk in value.split(",") if pk.strip()))
    if not pks or len(pks) > network.MAX_ROOTS:
        raise ValidationFailed("bad ids", [{"field": "ids", "message": f"1 to {network.MAX_ROOTS} entities"}])
    roots = [access_entity_by_id(session, actor, pk) for pk in pks]  # any hidden or missing one: 404
    hood = network.expand_many(session, actor, roots, depth)
    do_log_analysis_read(session, actor, "entity", sorted(hood.entities))
    out = _graph_out(hood, roots[0].id, depth)
    central = [CentralOut(id=c.pk, degree=c.degree, betweenness=c.betweenness) for c in network.central(hood)]
    return NetworkOut(
        roots=[r.id for r in roots],
        depth=depth,
        nodes=out.nodes,
        edges=out.edges,
        components=network.components(hood),
        central=central,
    )


@router.get("/path", response_model=PathOut)
def path(
    session: DbSession,
    actor: CurrentActor,
    source: Annotated[str, Query(alias="from")],
    target: Annotated[str, Query(alias="to")],
    depth: Annotated[int, Query(ge=1, le=6)] = 4,
) -> PathOut:
    """Return a shortest path between two entities you may see, within ``depth`` hops."""
    start, end = access_entity_by_id(session, actor, source), access_entity_by_id(session, actor, target)
    hood = graph.expand(session, actor, start, depth)
    pks = graph.shortest_path(session, actor, start, end, depth) if end.id in hood.graph else []
    do_log_analysis_read(session, actor, "entity", pks)
    edges = [
        EdgeOut(source=u, target=v, **{k: hood.graph.edges[u, v][k] or None for k in ("kind", "label", "via")})
        for u, v in zip(pks, pks[1:], strict=False)
    ]
    return PathOut(
        source=start.id,
        target=end.id,
        found=bool(pks),
        nodes=[EntityRef.model_validate(hood.entities[pk]) for pk in pks],
        edges=edges,
    )


@router.get("/entities/{entity_pk}/export")
def export(
    entity_pk: str,
    session: DbSession,
    actor: CurrentActor,
    depth: Depth = 1,
    fmt: Annotated[Literal["ftm", "graphml"], Query(alias="format")] = "ftm",
) -> Response:
    """Export a neighbourhood as FtM JSON lines (relationship entities included) or GraphML; audited."""
    root = access_entity_by_id(session, actor, entity_pk)
    hood = graph.expand(session, actor, root, depth)
    vias = {d["via"] for _, _, d in hood.graph.edges(data=True) if d["kind"] == "relationship"}
    extra = analysis_service.refs(session, actor, vias)
    do_log_analysis_export(session, actor, sorted(set(hood.entities) | set(extra)), fmt=fmt, depth=depth)
    if fmt == "graphml":
        return Response(graph.graphml(hood), media_type="application/graphml+xml")
    entities = [*hood.entities.values(), *extra.values()]
    body = b"".join(
        orjson.dumps({"id": e.entity_id, "schema": e.schema, "properties": e.properties}) + b"\n" for e in entities
    )
    return Response(body, media_type="application/x-ndjson")
