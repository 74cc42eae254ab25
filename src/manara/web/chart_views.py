"""The link chart: an entity's network, expanded on demand, with suggested links to judge.

The page is server-rendered (the start entity, its neighbours and suggested links in tables, usable
without JavaScript); ``chart.js`` draws them with Cytoscape.js and fetches more through the JSON
endpoints below. Every read goes through the entity and link access functions (404 for what one may
not see) and is audited, as in the analysis API.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from manara.analysis import graph
from manara.analysis import service as analysis_service
from manara.analysis.access import access_link_for_judge
from manara.analysis.actions import do_judge_link, do_log_analysis_read
from manara.analysis.models import SuggestedLink
from manara.api.deps import DbSession
from manara.entity.access import access_entity_by_id
from manara.entity.actions import do_log_entity_read
from manara.entity.models import Entity
from manara.errors import Forbidden
from manara.identity import Actor, Perm
from manara.text import N_
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import page

router = APIRouter()
Pk = Annotated[str, Query(max_length=64)]
# Labels of edge kinds, translated in the template and passed to the script.
EDGE_KINDS = {
    "relationship": N_("Relationship"),
    "reference": N_("Reference"),
    "same": N_("Same person (judged)"),
    "suggested": N_("Suggested link"),
}
JUDGEMENTS = {"same": N_("Same"), "not_same": N_("Not the same"), "unsure": N_("Unsure")}


def _require_read(actor: Actor) -> None:
    if not actor.can(Perm.ENTITY_READ):
        raise Forbidden("this role may not read entities")


def _node(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "entity_id": entity.entity_id,
        "schema": entity.schema,
        "caption": entity.caption,
        "owner": entity.owner_country,
    }


def _link_edge(link: SuggestedLink) -> dict[str, Any]:
    return {
        "id": f"link:{link.id}",
        "source": link.left_pk,
        "target": link.right_pk,
        "kind": "suggested",
        "label": link.kind,
        "link": link.id,
        "score": round(link.score, 3),
        "status": link.status,
        "explanation": link.explanation,
    }


def chart_data(session: Session, actor: Actor, root: Entity) -> dict[str, Any]:
    """Return the root's neighbours and the open suggested links touching them, as the viewer may see them."""
    hood = graph.expand(session, actor, root, 1)
    # An edge's id does not depend on the side it was reached from: expanding either end finds the same edge.
    edges = [
        {
            "id": f"{d['kind']}:{min(u, v)}:{max(u, v)}:{d['via']}",
            "source": u,
            "target": v,
            "kind": d["kind"],
            "label": d["label"],
        }
        for u, v, d in hood.graph.edges(data=True)
    ]
    links = analysis_service.open_links(session, actor, set(hood.entities))
    others = analysis_service.refs(session, actor, {pk for x in links for pk in (x.left_pk, x.right_pk)})
    entities = {**others, **hood.entities}
    edges += [_link_edge(x) for x in links if x.left_pk in entities and x.right_pk in entities]
    do_log_analysis_read(session, actor, "entity", sorted(entities), query={"console": "chart", "root": root.id})
    return {"root": root.id, "nodes": [_node(e) for e in entities.values()], "edges": edges}


@router.get("/chart")
def chart_page(request: Request, session: DbSession, actor: ConsoleActor, entity: Pk = "") -> Response:
    """Show the link chart, started from ``entity`` (a primary key) when one is given."""
    _require_read(actor)
    data = chart_data(session, actor, access_entity_by_id(session, actor, entity.strip())) if entity else None
    return page(
        request,
        "chart.html",
        entity=entity,
        data=data,
        kinds=EDGE_KINDS,
        judgements=JUDGEMENTS,
        may_judge=actor.can(Perm.ANALYSIS_JUDGE),
    )


@router.get("/chart/entities/{entity_pk}/neighbours")
def neighbours(entity_pk: str, session: DbSession, actor: ConsoleActor) -> dict[str, Any]:
    """Return an entity's neighbours and open suggested links as JSON (404 if hidden or missing)."""
    _require_read(actor)
    return chart_data(session, actor, access_entity_by_id(session, actor, entity_pk))


@router.get("/chart/entities/{entity_pk}")
def details(entity_pk: str, session: DbSession, actor: ConsoleActor) -> dict[str, Any]:
    """Return an entity's details (its FtM properties) as JSON; the read is audited."""
    _require_read(actor)
    entity = access_entity_by_id(session, actor, entity_pk)
    do_log_entity_read(session, actor, entity, extra={"console": "chart"})
    return {**_node(entity), "properties": entity.properties, "visibility": entity.visibility}


@router.post("/chart/links/{link_id}/judge", dependencies=[CsrfChecked])
def judge(
    link_id: str,
    session: DbSession,
    actor: ConsoleActor,
    judgement: Annotated[Literal["same", "not_same", "unsure"], Form()],
) -> JSONResponse:
    """Judge a suggested pair from the chart (as the analysis API does); answer with its new status."""
    if not actor.can(Perm.ANALYSIS_JUDGE):
        raise Forbidden("this role may not judge suggested links")
    link = do_judge_link(session, actor, access_link_for_judge(session, actor, link_id), judgement)
    return JSONResponse({"id": link.id, "status": link.status, "edge": _link_edge(link)})
