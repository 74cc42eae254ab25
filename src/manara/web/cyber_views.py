"""Console pages of cyber indicators: search with TLP badges, an indicator with its links and the members that
hold the same value, STIX/MISP import with the refusal report, and the TAXII collections and partner feeds.
Same access rules and write path as the API."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from manara.api.deps import DbSession
from manara.cyber import actions, service, stix
from manara.cyber.access import access_indicator_by_id, require_read
from manara.cyber.misp import distribution_placement, read_event
from manara.cyber.normalize import KINDS
from manara.cyber.schemas import IndicatorIn, Placement
from manara.errors import Conflict, Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from manara.identity import Actor, Perm
from manara.settings import get_settings
from manara.text import N_
from manara.tlp import TLP_VALUES, Tlp
from manara.visibility import Visibility
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import page

router = APIRouter()
Line = Annotated[str, Form(max_length=2048)]
REFUSED = (ValidationFailed, Conflict, Forbidden, PayloadTooLarge, NotFound)
KIND_LABELS = {
    "domain-name": N_("Domain name"),
    "ipv4-addr": N_("IPv4 address"),
    "ipv6-addr": N_("IPv6 address"),
    "url": N_("URL"),
    "file-md5": N_("File MD5"),
    "file-sha1": N_("File SHA-1"),
    "file-sha256": N_("File SHA-256"),
    "email-addr": N_("E-mail address"),
    "cryptocurrency-wallet": N_("Crypto wallet"),
    "vulnerability": N_("Vulnerability (CVE)"),
}


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()]
    assert isinstance(exc, REFUSED)
    details = [f"{e.get('field', '')}: {e.get('message', '')}" for e in exc.data.get("errors") or []]
    return [exc.message, *details[:20]]


def _index(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    q: str = "",
    kind: str = "",
    tlp: str = "",
    pg: int = 1,
    status: int = 200,
    **extra: Any,
) -> Response:
    require_read(actor)
    found = service.search_indicators(
        session, actor, q=q, kind=kind or None, tlp=tlp or None, page=pg, page_size=get_settings().page_size_default
    )
    if q:
        actions.do_log_indicator_read(session, actor, [i.id for i in found.items], how="console-search")
    context: dict[str, Any] = {
        "found": found,
        "result": found,
        "pages": max(1, -(-found.total // found.page_size)),
        "pager_url": "/console/cyber",
        "links": {k: v for k, v in (("q", q), ("kind", kind), ("tlp", tlp)) if v},
        "q": q,
        "kind": kind,
        "tlp": tlp,
        "kinds": KINDS,
        "kind_labels": KIND_LABELS,
        "tlps": TLP_VALUES,
        "may_write": actor.can(Perm.CYBER_WRITE),
        "matches": service.shared_values(session, actor, limit=20),
        "errors": [],
        "form": {},
    }
    context.update(extra)
    return page(request, "cyber/index.html", status=status, **context)


@router.get("/cyber")
def index(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    q: Annotated[str, Query(max_length=2048)] = "",
    kind: Annotated[str, Query(max_length=30)] = "",
    tlp: Annotated[str, Query(max_length=16)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Search the indicators the user may see; the values the user's country shares with other members."""
    if kind and kind not in KINDS:
        kind = ""
    if tlp and tlp not in TLP_VALUES:
        tlp = ""
    return _index(request, session, actor, q=q, kind=kind, tlp=tlp, pg=page_number)


@router.post("/cyber/indicators", dependencies=[CsrfChecked])
def add_indicator(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    kind: Line = "",
    value: Line = "",
    name: Line = "",
    malware: Line = "",
    threat_actor: Line = "",
    confidence: Annotated[int, Form(ge=0, le=100)] = 50,
    tlp: Line = "amber",
    visibility: Line = "owner",
    shared_with: Line = "",
) -> Response:
    """Record an indicator of the user's country."""
    shared = [c.strip().upper() for c in shared_with.replace(";", ",").split(",") if c.strip()]
    form = {"kind": kind, "value": value, "name": name, "malware": malware, "threat_actor": threat_actor}
    try:
        body = IndicatorIn.model_validate(
            {
                "kind": kind,
                "value": value,
                "name": name,
                "malware": malware,
                "threat_actor": threat_actor,
                "confidence": confidence,
                "tlp": tlp,
                "visibility": visibility,
                "shared_with": shared,
            }
        )
        with session.begin_nested():
            ind = actions.do_add_indicator(session, actor, body)
    except (ValidationError, *REFUSED) as exc:
        code = 403 if isinstance(exc, Forbidden) else 409 if isinstance(exc, Conflict) else 422
        return _index(request, session, actor, status=code, errors=_messages(exc), form=form)
    return RedirectResponse(f"/console/cyber/indicators/{ind.id}", status_code=303)


@router.get("/cyber/indicators/{indicator_id}")
def indicator_page(indicator_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """One indicator: its marking, its STIX pattern, its links and the other members that hold the same value."""
    require_read(actor)
    ind = access_indicator_by_id(session, actor, indicator_id)
    others = service.seen_in(session, actor, ind)
    actions.do_log_indicator_read(session, actor, [ind.id, *(o.id for o in others)], how="console")
    sdo = stix.sdo_of(ind)
    return page(
        request,
        "cyber/indicator.html",
        ind=ind,
        others=others,
        links=service.links_of(session, ind),
        pattern=sdo.get("pattern", ""),
        kind_labels=KIND_LABELS,
    )


@router.get("/cyber/import")
def import_page(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """The import form: a STIX 2.1 bundle or a MISP event."""
    require_read(actor)
    return page(
        request, "cyber/import.html", tlps=TLP_VALUES, report=None, errors=[], may_write=actor.can(Perm.CYBER_WRITE)
    )


@router.post("/cyber/import", dependencies=[CsrfChecked])
def import_file(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    file: Annotated[UploadFile | None, File()] = None,
    fmt: Annotated[str, Form(max_length=10)] = "stix",
    tlp: Annotated[str, Form(max_length=16)] = "amber",
    visibility: Annotated[str, Form(max_length=16)] = "owner",
) -> Response:
    """Import a file in one transaction: a malformed file stores nothing; refused objects are listed."""
    status = 200
    report: dict[str, Any] | None = None
    errors: list[str] = []
    try:
        if file is None or not file.filename:
            raise ValidationFailed("choose a file", [{"field": "file", "message": "nothing to import"}])
        limit = get_settings().max_request_bytes
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(f"file larger than {limit} bytes", limit=limit)
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationFailed("not JSON", [{"field": "file", "message": str(exc)[:200]}]) from exc
        place = Placement.model_validate({"tlp": tlp, "visibility": visibility})
        with session.begin_nested():
            if fmt == "misp":
                event, parsed = read_event(document)
                vis, countries = distribution_placement(event, [])
                countries = [c for c in service.placement_countries(session, countries) if c != actor.country]
                if vis == Visibility.COUNTRIES and not countries:
                    vis = Visibility.OWNER
                place = Placement(tlp=Tlp(tlp), visibility=vis, shared_with=countries)
            elif fmt == "stix":
                parsed = stix.read_objects(stix.validate_bundle(document))
            else:
                raise ValidationFailed("unknown format", [{"field": "fmt", "message": fmt[:10]}])
            report = actions.do_store_parsed(
                session, actor, parsed, place, source=f"console:{file.filename}"[:300], fmt=fmt
            )
    except (ValidationError, *REFUSED) as exc:
        status = 403 if isinstance(exc, Forbidden) else 413 if isinstance(exc, PayloadTooLarge) else 422
        errors = _messages(exc)
    return page(
        request,
        "cyber/import.html",
        status=status,
        tlps=TLP_VALUES,
        report=report,
        errors=errors,
        may_write=actor.can(Perm.CYBER_WRITE),
    )


@router.get("/cyber/collections")
def collections_page(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """The TAXII 2.1 collections the user may read (with their URLs) and the partner feeds the country pulls."""
    require_read(actor)
    return page(
        request,
        "cyber/collections.html",
        collections=service.collections_for(session, actor),
        feeds=service.feeds_of(session, actor),
        root=str(request.base_url).rstrip("/") + "/taxii2/api/collections/",
    )
