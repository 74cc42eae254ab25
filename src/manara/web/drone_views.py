"""Console pages of the drone domain: overview (incidents, tracks, cross-border matches), an incident with its
site map, evidence and custody log, a track with its flags, and the geofences. Same rules as the API."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from manara.api.deps import DbSession
from manara.drone import actions, service
from manara.drone.access import access_incident_by_id, access_incident_for_owner, access_track_by_id
from manara.drone.geo import circle
from manara.drone.models import DroneIncident, DroneTrack, Geofence, IncidentStatus, ZoneKind
from manara.drone.schemas import GeofenceIn, ShareIn
from manara.errors import Forbidden, ManaraError, ValidationFailed
from manara.identity import Perm
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.render import page

router = APIRouter()
PAGE_SIZE = 25
Line = Annotated[str, Form(max_length=500)]
Big = Annotated[str, Form(max_length=200_000)]
MAP_W, MAP_H = 640, 420


def site_map(shapes: Sequence[dict[str, Any]], lines: Sequence[Sequence[tuple[float, float]]]) -> dict[str, Any] | None:
    """Project zones (GeoJSON) and track lines ((lat, lon) lists) onto an SVG fitted to their extent
    (equirectangular, scaled by the cosine of the middle latitude: true to shape at a site's scale)."""
    rings: list[list[tuple[float, float]]] = []
    for geometry in shapes:
        polys = geometry["coordinates"] if geometry.get("type") == "MultiPolygon" else [geometry["coordinates"]]
        for poly in polys:
            rings.extend([[(float(p[1]), float(p[0])) for p in ring] for ring in poly[:1]])
    every = [p for r in rings for p in r] + [p for line in lines for p in line]
    if not every:
        return None
    lats, lons = [p[0] for p in every], [p[1] for p in every]
    mid = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * mid, 1e-4)
    span_y = max(max(lats) - min(lats), 1e-4)
    scale = min((MAP_W - 40) / span_x, (MAP_H - 40) / span_y)
    x0, y0 = min(lons), max(lats)

    def xy(p: tuple[float, float]) -> str:
        return f"{20 + (p[1] - x0) * mid * scale:.1f},{20 + (y0 - p[0]) * scale:.1f}"

    return {
        "w": MAP_W,
        "h": MAP_H,
        "zones": [" ".join(xy(p) for p in r) for r in rings],
        "tracks": [" ".join(xy(p) for p in line) for line in lines if line],
        "ends": [xy(line[-1]).split(",") for line in lines if line],
        "metres": round(min(span_x, span_y) * 111_320),
    }


@router.get("/drones")
def overview(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    status: Annotated[str, Query(pattern="^(open|closed|)$")] = "open",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Open incidents, recent tracks and identifiers other members saw too."""
    if not actor.can(Perm.DRONE_READ):
        raise Forbidden("this role may not read drone data")
    incidents = service.list_incidents(session, actor, status=status or None, page=page_no, page_size=PAGE_SIZE)
    tracks = service.list_tracks(session, actor, page=1, page_size=10)
    matches = service.identifier_matches(session, actor, limit=20)
    actions.do_log_incidents_listed(
        session, actor, [i.id for i in incidents.items], {"console": True, "status": status}
    )
    actions.do_log_tracks_listed(session, actor, [t.id for t in tracks.items], {"console": True})
    actions.do_log_matches_viewed(session, actor, len(matches))
    pages = max((incidents.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return page(
        request,
        "drone/overview.html",
        incidents=incidents,
        tracks=tracks.items,
        matches=matches,
        by_country=service.open_incidents_by_country(session, actor),
        receivers=service.list_receivers(session, actor),
        filter_status=status,
        pages=pages,
    )


def _incident_page(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    incident: DroneIncident,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    zone = None
    if incident.zone_id:
        zone = session.get(Geofence, incident.zone_id)
    tracks = [t for t in (session.get(DroneTrack, tid) for tid in incident.track_ids) if t is not None]
    lines = [[(p.lat, p.lon) for p in service.track_points(session, t.id, limit=500)] for t in tracks]
    svg = site_map([zone.geometry] if zone is not None else [], lines)
    return page(
        request,
        "drone/incident.html",
        status=status,
        incident=incident,
        zone=zone,
        tracks=tracks,
        svg=svg,
        evidence=service.evidence_of(session, incident.id),
        custody=service.custody_log(session, incident.id),
        intact=service.custody_intact(service.custody_log(session, incident.id)),
        owner=incident.owner_country == actor.country and actor.can(Perm.DRONE_WRITE),
        errors=errors or {},
    )


@router.get("/drones/incidents/{incident_id}")
def incident_detail(incident_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """One incident: site map, tracks, evidence with digests, custody log; share and close for its owner."""
    incident = access_incident_by_id(session, actor, incident_id)
    actions.do_log_incident_read(session, actor, incident, evidence=True)
    session.flush()
    return _incident_page(request, session, actor, incident)


@router.post("/drones/incidents/{incident_id}/share", dependencies=[CsrfChecked])
def share(
    incident_id: str,
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    visibility: Line = "owner",
    countries: Line = "",
) -> Response:
    """Share one of your incidents."""
    incident = access_incident_for_owner(session, actor, incident_id)
    codes = [c.strip().upper() for c in countries.replace(";", ",").split(",") if c.strip()]
    try:
        body = ShareIn.model_validate({"visibility": visibility, "shared_with": codes})
        with session.begin_nested():
            actions.do_share_incident(session, actor, incident, body)
    except (ValidationError, ManaraError) as exc:
        session.refresh(incident)
        return _incident_page(request, session, actor, incident, status=422, errors={"share": _message(exc)})
    return RedirectResponse(f"/console/drones/incidents/{incident.id}", status_code=303)


@router.post("/drones/incidents/{incident_id}/close", dependencies=[CsrfChecked])
def close(incident_id: str, request: Request, session: DbSession, actor: ConsoleActor, reason: Line = "") -> Response:
    """Close one of your incidents with a reason."""
    incident = access_incident_for_owner(session, actor, incident_id)
    if not reason.strip() or incident.status != IncidentStatus.OPEN.value:
        return _incident_page(request, session, actor, incident, status=422, errors={"close": "reason"})
    actions.do_close_incident(session, actor, incident, reason.strip())
    return RedirectResponse(f"/console/drones/incidents/{incident.id}", status_code=303)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(e["msg"]) for e in exc.errors())
    if isinstance(exc, ValidationFailed):
        return "; ".join(str(e.get("message", "")) for e in exc.data.get("errors", [])) or exc.message
    return exc.message if isinstance(exc, ManaraError) else str(exc)


@router.get("/drones/tracks/{track_id}")
def track_detail(track_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """One track: identity, plausibility flags with reasons, latest positions on a map, members that saw it."""
    track = access_track_by_id(session, actor, track_id)
    actions.do_log_track_read(session, actor, track)
    points = service.track_points(session, track.id, limit=500)
    return page(
        request,
        "drone/track.html",
        track=track,
        points=points[-50:],
        svg=site_map([], [[(p.lat, p.lon) for p in points]]),
        also=service.also_seen_by(session, track),
    )


@router.get("/drones/geofences")
def geofences(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """The zones the user may see, and a form to add one."""
    return _zones_page(request, session, actor, page_no)


def _zones_page(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    page_no: int = 1,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    if not actor.can(Perm.DRONE_READ):
        raise Forbidden("this role may not read drone data")
    result = service.list_geofences(session, actor, kind=None, page=page_no, page_size=PAGE_SIZE)
    return page(
        request,
        "drone/geofences.html",
        status=status,
        result=result,
        pages=max((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        kinds=[k.value for k in ZoneKind],
        may_write=actor.can(Perm.DRONE_WRITE),
        errors=errors or {},
        form=form or {},
    )


@router.post("/drones/geofences", dependencies=[CsrfChecked])
def create_geofence(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    name: Line = "",
    kind: Line = "prison",
    country: Line = "",
    latitude: Line = "",
    longitude: Line = "",
    radius: Line = "",
    geojson: Big = "",
    visibility: Line = "owner",
    countries: Line = "",
) -> Response:
    """Create a zone: a circle (centre and radius) or a pasted GeoJSON polygon."""
    form = {
        "name": name,
        "kind": kind,
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
        "radius": radius,
        "geojson": geojson,
        "visibility": visibility,
        "countries": countries,
    }
    errors: dict[str, str] = {}
    geometry: dict[str, Any] | None = None
    try:
        if geojson.strip():
            loaded = json.loads(geojson)
            geometry = loaded if isinstance(loaded, dict) else None
            if geometry is None:
                errors["geojson"] = "object"
        else:
            lat, lon, rad = float(latitude), float(longitude), float(radius)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 10 <= rad <= 100_000):
                raise ValueError("out of range")
            geometry = circle(lat, lon, rad)
    except ValueError:
        errors["geojson" if geojson.strip() else "latitude"] = "invalid"
    if not errors and geometry is not None:
        codes = [c.strip().upper() for c in countries.replace(";", ",").split(",") if c.strip()]
        try:
            body = GeofenceIn.model_validate(
                {
                    "name": name,
                    "kind": kind,
                    "country": country,
                    "geometry": geometry,
                    "visibility": visibility,
                    "shared_with": codes,
                }
            )
            with session.begin_nested():
                actions.do_create_geofence(session, actor, body)
        except ValidationError as exc:
            errors = {str(e["loc"][0]): str(e["msg"]) for e in exc.errors()}
        except ValidationFailed as exc:
            errors = {str(e.get("field", "name")): str(e.get("message", "")) for e in exc.data.get("errors", [])}
            errors = errors or {"name": exc.message}
        except ManaraError as exc:
            errors = {"name": exc.message}
    if errors:
        return _zones_page(request, session, actor, status=422, errors=errors, form=form)
    return RedirectResponse("/console/drones/geofences", status_code=303)
