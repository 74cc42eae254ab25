"""JSON API of the drone domain: receivers post Remote ID batches; tracks, geofences, incidents and evidence."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from manara.api.deps import DbSession, PageParams, require
from manara.drone import actions, odid, service
from manara.drone.access import (
    access_geofence_by_id,
    access_geofence_for_owner,
    access_incident_by_id,
    access_incident_for_owner,
    access_receiver_for_ingest,
    access_receiver_for_owner,
    access_track_by_id,
)
from manara.drone.models import DroneIncident, DroneTrack
from manara.drone.schemas import (
    BatchIn,
    BatchOut,
    CloseIn,
    CustodyOut,
    DecodeIn,
    DecodeOut,
    EvidenceBundleOut,
    EvidenceOut,
    GeofenceIn,
    GeofenceOut,
    IncidentIn,
    IncidentOut,
    LinkIn,
    MatchOut,
    PointOut,
    ReceiverIn,
    ReceiverOut,
    ShareIn,
    TrackDetailOut,
    TrackOut,
)
from manara.errors import ValidationFailed
from manara.identity import Actor, Perm
from manara.pagination import PageOut

router = APIRouter(prefix="/drones", tags=["drones"])
Reader = Annotated[Actor, Depends(require(Perm.DRONE_READ))]
Writer = Annotated[Actor, Depends(require(Perm.DRONE_WRITE))]
Ingester = Annotated[Actor, Depends(require(Perm.DRONE_INGEST))]


@router.post("/receivers", response_model=ReceiverOut, status_code=201)
def register_receiver(body: ReceiverIn, session: DbSession, actor: Writer) -> ReceiverOut:
    """Register a Remote ID receiver of your country."""
    return ReceiverOut.model_validate(actions.do_register_receiver(session, actor, body))


@router.get("/receivers", response_model=list[ReceiverOut])
def list_receivers(session: DbSession, actor: Reader) -> list[ReceiverOut]:
    """Your country's receivers."""
    return [ReceiverOut.model_validate(r) for r in service.list_receivers(session, actor)]


@router.post("/receivers/{receiver_id}/active", response_model=ReceiverOut)
def set_receiver_active(receiver_id: str, active: bool, session: DbSession, actor: Writer) -> ReceiverOut:
    """Switch one of your receivers on or off."""
    receiver = access_receiver_for_owner(session, actor, receiver_id)
    return ReceiverOut.model_validate(actions.do_set_receiver_active(session, actor, receiver, active))


@router.post("/messages", response_model=BatchOut)
def post_messages(body: BatchIn, session: DbSession, actor: Ingester) -> BatchOut:
    """Post a receiver's batch of Remote ID messages (hex, 25-byte messages or message packs).

    All or nothing: one malformed message refuses the batch (422, each fault named) and stores nothing.
    Messages already received (same receiver, time and bytes) are counted as duplicates and skipped.
    A track entering a zone opens an incident for the zone's owner and raises ``drone.breach`` on the live feed."""
    receiver = access_receiver_for_ingest(session, actor, body.receiver_id)
    return actions.do_ingest_batch(session, actor, receiver, body)


@router.post("/decode", response_model=DecodeOut)
def decode(body: DecodeIn, actor: Reader) -> DecodeOut:
    """Decode one Remote ID message or message pack without storing anything."""
    try:
        message = odid.decode_message(bytes.fromhex(body.payload))
    except (odid.DecodeError, ValueError) as exc:
        code = getattr(exc, "code", "bad_hex")
        raise ValidationFailed(
            "undecodable payload", [{"field": "payload", "code": code, "message": str(exc)}]
        ) from exc
    return DecodeOut(messages=service.decoded(message))


def _track_out(track: DroneTrack) -> TrackOut:
    return TrackOut.model_validate(track)


@router.get("/tracks", response_model=PageOut[TrackOut])
def list_tracks(session: DbSession, actor: Reader, paging: PageParams) -> PageOut[TrackOut]:
    """Tracks you may see (your receivers', and those of incidents shared with you), most recent first."""
    page = service.list_tracks(session, actor, page=paging.page, page_size=paging.page_size)
    actions.do_log_tracks_listed(session, actor, [t.id for t in page.items], {"page": paging.page})
    return PageOut(
        items=[_track_out(t) for t in page.items], total=page.total, page=page.page, page_size=page.page_size
    )


@router.get("/tracks/{track_id}", response_model=TrackDetailOut)
def get_track(track_id: str, session: DbSession, actor: Reader) -> TrackDetailOut:
    """A track with its latest positions, plausibility flags and the members that saw the same identifiers."""
    track = access_track_by_id(session, actor, track_id)
    actions.do_log_track_read(session, actor, track)
    base = TrackOut.model_validate(track).model_dump()
    points = [PointOut.model_validate(p) for p in service.track_points(session, track.id)]
    return TrackDetailOut(**base, points=points, also_seen_by=service.also_seen_by(session, track))


@router.get("/matches", response_model=list[MatchOut])
def matches(session: DbSession, actor: Reader) -> list[MatchOut]:
    """Serial numbers and operator ids your receivers saw that other members' receivers saw too."""
    found = service.identifier_matches(session, actor)
    actions.do_log_matches_viewed(session, actor, len(found))
    return [MatchOut(**m) for m in found]


@router.post("/geofences", response_model=GeofenceOut, status_code=201)
def create_geofence(body: GeofenceIn, session: DbSession, actor: Writer) -> GeofenceOut:
    """Create a zone of your country around a sensitive site (GeoJSON Polygon or MultiPolygon)."""
    return GeofenceOut.model_validate(actions.do_create_geofence(session, actor, body))


@router.get("/geofences", response_model=PageOut[GeofenceOut])
def list_geofences(
    session: DbSession,
    actor: Reader,
    paging: PageParams,
    kind: Annotated[str | None, Query(max_length=32)] = None,
) -> PageOut[GeofenceOut]:
    """Zones you may see."""
    page = service.list_geofences(session, actor, kind=kind, page=paging.page, page_size=paging.page_size)
    items = [GeofenceOut.model_validate(z) for z in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/geofences/{zone_id}", response_model=GeofenceOut)
def get_geofence(zone_id: str, session: DbSession, actor: Reader) -> GeofenceOut:
    """One zone."""
    return GeofenceOut.model_validate(access_geofence_by_id(session, actor, zone_id))


@router.post("/geofences/{zone_id}/active", response_model=GeofenceOut)
def set_geofence_active(zone_id: str, active: bool, session: DbSession, actor: Writer) -> GeofenceOut:
    """Switch one of your zones on or off."""
    zone = access_geofence_for_owner(session, actor, zone_id)
    return GeofenceOut.model_validate(actions.do_set_geofence_active(session, actor, zone, active))


def _incident_out(incident: DroneIncident) -> IncidentOut:
    return IncidentOut.model_validate(incident)


@router.get("/incidents", response_model=PageOut[IncidentOut])
def list_incidents(
    session: DbSession,
    actor: Reader,
    paging: PageParams,
    status: Literal["open", "closed"] | None = None,
) -> PageOut[IncidentOut]:
    """Incidents you may see, newest first."""
    page = service.list_incidents(session, actor, status=status, page=paging.page, page_size=paging.page_size)
    actions.do_log_incidents_listed(session, actor, [i.id for i in page.items], {"status": status})
    items = [_incident_out(i) for i in page.items]
    return PageOut(items=items, total=page.total, page=page.page, page_size=page.page_size)


@router.get("/incidents/by-country", response_model=dict[str, int])
def incidents_by_country(session: DbSession, actor: Reader) -> dict[str, int]:
    """Open incidents you may see, counted per country where they happened."""
    return service.open_incidents_by_country(session, actor)


@router.post("/incidents", response_model=IncidentOut, status_code=201)
def open_incident(body: IncidentIn, session: DbSession, actor: Writer) -> IncidentOut:
    """Open an incident by hand on tracks you may see."""
    return _incident_out(actions.do_open_incident(session, actor, body))


@router.get("/incidents/{incident_id}", response_model=IncidentOut)
def get_incident(incident_id: str, session: DbSession, actor: Reader) -> IncidentOut:
    """One incident."""
    incident = access_incident_by_id(session, actor, incident_id)
    actions.do_log_incident_read(session, actor, incident)
    return _incident_out(incident)


@router.post("/incidents/{incident_id}/share", response_model=IncidentOut)
def share_incident(incident_id: str, body: ShareIn, session: DbSession, actor: Writer) -> IncidentOut:
    """Share one of your incidents (with its tracks and evidence) with members, or all, or none."""
    incident = access_incident_for_owner(session, actor, incident_id)
    return _incident_out(actions.do_share_incident(session, actor, incident, body))


@router.post("/incidents/{incident_id}/close", response_model=IncidentOut)
def close_incident(incident_id: str, body: CloseIn, session: DbSession, actor: Writer) -> IncidentOut:
    """Close one of your open incidents, with a reason."""
    incident = access_incident_for_owner(session, actor, incident_id)
    return _incident_out(actions.do_close_incident(session, actor, incident, body.reason))


@router.post("/incidents/{incident_id}/links", response_model=IncidentOut)
def link_incident(incident_id: str, body: LinkIn, session: DbSession, actor: Writer) -> IncidentOut:
    """Link subjects (persons) you may see and wallet addresses to one of your incidents."""
    incident = access_incident_for_owner(session, actor, incident_id)
    return _incident_out(actions.do_link_incident(session, actor, incident, body))


@router.get("/incidents/{incident_id}/evidence", response_model=EvidenceBundleOut)
def evidence(incident_id: str, session: DbSession, actor: Reader) -> EvidenceBundleOut:
    """An incident's preserved messages (bytes and SHA-256, each re-checked) and its custody log (chain
    checked). The read itself is recorded in the custody log."""
    incident = access_incident_by_id(session, actor, incident_id)
    actions.do_log_incident_read(session, actor, incident, evidence=True)
    session.flush()
    rows = service.evidence_of(session, incident.id)
    log = service.custody_log(session, incident.id)
    return EvidenceBundleOut(
        incident_id=incident.id,
        evidence=[
            EvidenceOut(
                id=e.id,
                receiver_id=e.receiver_id,
                receiver_country=e.receiver_country,
                received_at=e.received_at,
                transport=e.transport,
                sha256=e.sha256,
                payload_hex=e.payload.hex(),
                digest_ok=service.sha256_hex(e.payload) == e.sha256,
            )
            for e in rows
        ],
        custody=[CustodyOut.model_validate(c) for c in log],
        custody_intact=service.custody_intact(log),
    )
