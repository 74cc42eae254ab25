"""JSON API of cyber indicators: records and links, cross-matching, STIX 2.1 bundles and MISP events in and out,
the KEV reference feed and partner TAXII feeds. TLP:AMBER+STRICT and TLP:RED never leave their owner."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from pydantic import ValidationError

from manara.api.deps import CurrentActor, DbSession, PageParams
from manara.cyber import actions, service, stix
from manara.cyber.access import access_indicator_by_id, access_indicator_for_owner, require_read, require_write
from manara.cyber.misp import build_event, distribution_placement, read_event
from manara.cyber.models import CyberIndicator
from manara.cyber.schemas import (
    CitationOut,
    CiteIn,
    ExportIn,
    FeedIn,
    FeedOut,
    ImportReport,
    IndicatorDetailOut,
    IndicatorIn,
    IndicatorOut,
    KevOut,
    LinkIn,
    LinkOut,
    Placement,
    SeenInOut,
)
from manara.errors import ValidationFailed
from manara.identity import Actor
from manara.pagination import PageOut
from manara.tlp import Tlp
from manara.visibility import Visibility

router = APIRouter(prefix="/cyber", tags=["cyber"])
STIX_MEDIA = "application/stix+json;version=2.1"


def placement(tlp: Tlp, visibility: Visibility, shared_with: list[str]) -> Placement:
    """The placement of imported records from query parameters (validated by the schema)."""
    try:
        return Placement.model_validate({"tlp": tlp, "visibility": visibility, "shared_with": shared_with})
    except ValidationError as exc:
        problems = [{"field": ".".join(map(str, e["loc"])), "message": str(e["msg"])} for e in exc.errors()]
        raise ValidationFailed("invalid placement of the imported records", problems) from None


TlpQuery = Annotated[Tlp, Query(description="Marking of objects that carry none")]
VisibilityQuery = Annotated[Visibility, Query(description="Who in Manara may see the records")]
SharedQuery = Annotated[list[str], Query(description="Member countries, with visibility=countries")]


def detail(session: DbSession, actor: Actor, ind: CyberIndicator) -> IndicatorDetailOut:
    """An indicator with its links and the other members' records of the same value (audited read)."""
    others = service.seen_in(session, actor, ind)
    actions.do_log_indicator_read(session, actor, [ind.id, *(o.id for o in others)], how="detail")
    out = IndicatorOut.model_validate(ind).model_dump()
    return IndicatorDetailOut(
        **out,
        links=[LinkOut.model_validate(x) for x in service.links_of(session, ind)],
        seen_in=[
            SeenInOut(indicator_id=o.id, owner_country=o.owner_country, kind=o.kind, tlp=o.tlp, date_added=o.date_added)
            for o in others
        ],
    )


@router.post("/indicators", response_model=IndicatorOut, status_code=201)
def add_indicator(body: IndicatorIn, session: DbSession, actor: CurrentActor) -> IndicatorOut:
    """Record an indicator of your country (the value is validated and normalised)."""
    return IndicatorOut.model_validate(actions.do_add_indicator(session, actor, body))


@router.get("/indicators", response_model=PageOut[IndicatorOut])
def list_indicators(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    q: Annotated[str, Query(max_length=2048)] = "",
    kind: str | None = None,
    tlp: Tlp | None = None,
    owner: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
) -> PageOut[IndicatorOut]:
    """Search the indicators you may see (your country's, and others' shared with you) — audited."""
    require_read(actor)
    page = service.search_indicators(
        session, actor, q=q, kind=kind, tlp=tlp, owner=owner, page=paging.page, page_size=paging.page_size
    )
    if q:
        actions.do_log_indicator_read(session, actor, [i.id for i in page.items], how="search")
    items = [IndicatorOut.model_validate(i) for i in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/indicators/{indicator_id}", response_model=IndicatorDetailOut)
def get_indicator(indicator_id: str, session: DbSession, actor: CurrentActor) -> IndicatorDetailOut:
    """One indicator, its links and where else its value is recorded ("seen in" other members)."""
    return detail(session, actor, access_indicator_by_id(session, actor, indicator_id))


@router.post("/indicators/{indicator_id}/revoke", response_model=IndicatorOut)
def revoke_indicator(indicator_id: str, session: DbSession, actor: CurrentActor) -> IndicatorOut:
    """Revoke one of your indicators."""
    ind = access_indicator_for_owner(session, actor, indicator_id)
    return IndicatorOut.model_validate(actions.do_revoke_indicator(session, actor, ind))


@router.post("/indicators/{indicator_id}/links", response_model=LinkOut, status_code=201)
def link_indicator(indicator_id: str, body: LinkIn, session: DbSession, actor: CurrentActor) -> LinkOut:
    """Link one of your indicators to a case, a subject, a crypto wallet or a media hash you may see."""
    ind = access_indicator_for_owner(session, actor, indicator_id)
    return LinkOut.model_validate(actions.do_link_indicator(session, actor, ind, body.target_kind, body.target_id))


@router.get("/matches")
def matches(session: DbSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """Values your country holds that other members hold too (cross-matching of indicators)."""
    require_read(actor)
    return [{"kind": k, "value": v, "members": n} for k, v, n in service.shared_values(session, actor)]


def _bundle_response(bundle: dict[str, Any], held: int) -> Response:
    return Response(
        json.dumps(bundle, ensure_ascii=False),
        media_type=STIX_MEDIA,
        headers={"X-Manara-Held-Back": str(held), "Cache-Control": "no-store"},
    )


@router.post("/stix/import", response_model=ImportReport)
def import_stix(
    bundle: Annotated[dict[str, Any], Body(description="A STIX 2.1 bundle")],
    session: DbSession,
    actor: CurrentActor,
    tlp: TlpQuery = Tlp.AMBER,
    visibility: VisibilityQuery = Visibility.OWNER,
    shared_with: SharedQuery = [],  # noqa: B006 - FastAPI copies defaults
) -> ImportReport:
    """Import a STIX 2.1 bundle into your country's indicators, in one transaction: a malformed bundle, an
    unknown object type or more than 20,000 objects stores nothing (422); objects Manara does not keep are
    refused one by one in the report, with the reason."""
    require_write(actor)
    place = placement(tlp, visibility, shared_with)
    objects = stix.validate_bundle(bundle)
    parsed = stix.read_objects(objects)
    return ImportReport(**actions.do_store_parsed(session, actor, parsed, place, source="stix-import", fmt="stix"))


@router.post("/stix/export", responses={200: {"content": {STIX_MEDIA: {}}}})
def export_stix(body: ExportIn, session: DbSession, actor: CurrentActor) -> Response:
    """Export indicators you may see as a STIX 2.1 bundle. TLP:AMBER+STRICT and TLP:RED are refused (422)."""
    require_read(actor)
    found = service.visible_by_ids(session, actor, body.indicator_ids)
    out, held = stix.exportable(found)
    if held:
        raise ValidationFailed(
            "TLP:AMBER+STRICT and TLP:RED never leave their owner",
            [{"field": "indicator_ids", "message": f"{i.id} is {Tlp(i.tlp).label}"} for i in held[:50]],
        )
    actions.do_log_export(session, actor, [i.id for i in out], fmt="stix", held=0, scope="list")
    return _bundle_response(stix.build_bundle(out), 0)


@router.get("/stix/collection", responses={200: {"content": {STIX_MEDIA: {}}}})
def export_collection(session: DbSession, actor: CurrentActor) -> Response:
    """Your country's whole collection as a STIX 2.1 bundle; AMBER+STRICT and RED are held back (counted in
    ``X-Manara-Held-Back``)."""
    require_read(actor)
    out, held = stix.exportable(service.own_indicators(session, actor))
    actions.do_log_export(session, actor, [i.id for i in out], fmt="stix", held=len(held), scope="collection")
    return _bundle_response(stix.build_bundle(out), len(held))


@router.get("/cases/{case_id}/stix", responses={200: {"content": {STIX_MEDIA: {}}}})
def export_case(case_id: str, session: DbSession, actor: CurrentActor) -> Response:
    """A case's indicators (those you may see) and the KEV entries it cites, as a STIX 2.1 bundle."""
    require_read(actor)
    out, held = stix.exportable(service.case_indicators(session, actor, case_id))
    actions.do_log_export(session, actor, [i.id for i in out], fmt="stix", held=len(held), scope=f"case:{case_id}")
    return _bundle_response(stix.build_bundle(out, extra=service.kev_objects(session, case_id)), len(held))


@router.post("/misp/import", response_model=ImportReport)
def import_misp(
    event: Annotated[dict[str, Any], Body(description='A MISP event: {"Event": {...}}')],
    session: DbSession,
    actor: CurrentActor,
    tlp: TlpQuery = Tlp.AMBER,
    community: SharedQuery = [],  # noqa: B006
) -> ImportReport:
    """Import a MISP event; its distribution gives the visibility (0 → owner, 1 → the ``community`` countries,
    2/3 → all, 4 → the sharing group's countries) and its ``tlp:*`` tags the marking."""
    require_write(actor)
    body, parsed = read_event(event)
    visibility, countries = distribution_placement(body, [c.upper() for c in community])
    countries = service.placement_countries(session, countries)
    if visibility == Visibility.COUNTRIES and not [c for c in countries if c != actor.country]:
        visibility, countries = Visibility.OWNER, []
    place = placement(tlp, visibility, countries)
    return ImportReport(**actions.do_store_parsed(session, actor, parsed, place, source="misp", fmt="misp"))


@router.post("/misp/export")
def export_misp(body: ExportIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Export indicators you may see as a MISP event; TLP:AMBER+STRICT and TLP:RED are refused (422)."""
    require_read(actor)
    found = service.visible_by_ids(session, actor, body.indicator_ids)
    out, held = stix.exportable(found)
    if held:
        raise ValidationFailed(
            "TLP:AMBER+STRICT and TLP:RED never leave their owner",
            [{"field": "indicator_ids", "message": f"{i.id} is {Tlp(i.tlp).label}"} for i in held[:50]],
        )
    actions.do_log_export(session, actor, [i.id for i in out], fmt="misp", held=0, scope="list")
    return build_event(out, info=f"Manara {actor.country} indicators", country=actor.country)


@router.get("/kev", response_model=PageOut[KevOut])
def list_kev(
    session: DbSession, actor: CurrentActor, paging: PageParams, q: Annotated[str, Query(max_length=100)] = ""
) -> PageOut[KevOut]:
    """CISA's Known Exploited Vulnerabilities catalogue (a public reference feed)."""
    require_read(actor)
    page = service.kev_entries(session, q=q, page=paging.page, page_size=paging.page_size)
    items = [KevOut.model_validate(k) for k in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.post("/cases/{case_id}/kev", response_model=CitationOut, status_code=201)
def cite_kev(case_id: str, body: CiteIn, session: DbSession, actor: CurrentActor) -> CitationOut:
    """Cite a KEV entry in a case you take part in."""
    return CitationOut.model_validate(actions.do_cite_kev(session, actor, case_id, body.cve_id, body.note))


@router.get("/cases/{case_id}/kev", response_model=list[CitationOut])
def case_kev(case_id: str, session: DbSession, actor: CurrentActor) -> list[CitationOut]:
    """The KEV entries a case cites."""
    require_read(actor)
    return [CitationOut.model_validate(c) for c in service.case_citations(session, actor, case_id)]


@router.get("/feeds", response_model=list[FeedOut])
def list_feeds(session: DbSession, actor: CurrentActor) -> list[FeedOut]:
    """The partner TAXII collections your country pulls from, with their cursors."""
    require_read(actor)
    return [FeedOut.model_validate(f) for f in service.feeds_of(session, actor)]


@router.post("/feeds", response_model=FeedOut, status_code=201)
def add_feed(body: FeedIn, session: DbSession, actor: CurrentActor) -> FeedOut:
    """Register a partner TAXII 2.1 collection to pull from (``manara cyber taxii pull``)."""
    return FeedOut.model_validate(actions.do_save_feed(session, actor, body))
