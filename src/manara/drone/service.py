"""Drone queries and pure helpers shared by the API, the console and the CLI; never writes."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from typing import Any

from shapely.geometry import shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.drone import odid
from manara.drone.access import (
    geofence_visibility_filter,
    incident_visibility_filter,
    track_visibility_filter,
)
from manara.drone.geo import Zone, ZoneIndex
from manara.drone.models import (
    DroneCustody,
    DroneEvidence,
    DroneIdentifier,
    DroneIncident,
    DroneReceiver,
    DroneTrack,
    DroneTrackPoint,
    Geofence,
    IncidentStatus,
)
from manara.drone.schemas import DecodedMessage
from manara.identity import Actor, Perm
from manara.pagination import Page, paginate

GENESIS = "0" * 64


def decoded(message: odid.Message) -> list[DecodedMessage]:
    """Describe a decoded message (a pack as its parts)."""
    return [
        DecodedMessage(type=m.type.name.lower(), version=m.version, fields=m.fields()) for m in odid.flatten(message)
    ]


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of ``data`` in hex."""
    return hashlib.sha256(data).hexdigest()


def custody_hash(prev: str, seq: int, at: str, country: str, username: str, action: str, detail: Any) -> str:
    """Hash of one custody entry, chained to the previous one."""
    body = json.dumps([prev, seq, at, country, username, action, detail], sort_keys=True, separators=(",", ":"))
    return sha256_hex(body.encode())


def custody_intact(entries: Sequence[DroneCustody]) -> bool:
    """Tell whether a custody log is unbroken: consecutive, each hash recomputed and chained."""
    prev = GENESIS
    for i, e in enumerate(entries, start=1):
        expected = custody_hash(prev, e.seq, e.at.isoformat(), e.country, e.username, e.action, e.detail)
        if e.seq != i or e.prev_hash != prev or e.hash != expected:
            return False
        prev = e.hash
    return True


def custody_log(session: Session, incident_id: str) -> list[DroneCustody]:
    """An incident's custody entries in order."""
    stmt = select(DroneCustody).where(DroneCustody.incident_id == incident_id).order_by(DroneCustody.seq)
    return list(session.scalars(stmt))


def evidence_of(session: Session, incident_id: str) -> list[DroneEvidence]:
    """An incident's preserved messages, oldest first."""
    stmt = select(DroneEvidence).where(DroneEvidence.incident_id == incident_id)
    return list(session.scalars(stmt.order_by(DroneEvidence.received_at, DroneEvidence.id)))


def list_incidents(
    session: Session, actor: Actor, *, status: str | None, page: int, page_size: int
) -> Page[DroneIncident]:
    """A page of the incidents the actor may see, newest first."""
    stmt = select(DroneIncident).where(incident_visibility_filter(actor))
    if status:
        stmt = stmt.where(DroneIncident.status == status)
    stmt = stmt.order_by(DroneIncident.opened_at.desc(), DroneIncident.id)
    return paginate(session, stmt, page=page, page_size=page_size)


def open_incidents_by_country(session: Session, actor: Actor) -> dict[str, int]:
    """The open incidents the actor may see, counted per country where they happened (operations wall)."""
    stmt = (
        select(DroneIncident.country, func.count())
        .where(incident_visibility_filter(actor), DroneIncident.status == IncidentStatus.OPEN.value)
        .group_by(DroneIncident.country)
    )
    return {country: int(n) for country, n in session.execute(stmt)}


def list_tracks(session: Session, actor: Actor, *, page: int, page_size: int) -> Page[DroneTrack]:
    """A page of the tracks the actor may see, most recently seen first."""
    stmt = select(DroneTrack).where(track_visibility_filter(actor))
    return paginate(session, stmt.order_by(DroneTrack.last_seen.desc(), DroneTrack.id), page=page, page_size=page_size)


def track_points(session: Session, track_id: str, limit: int = 2000) -> list[DroneTrackPoint]:
    """The latest ``limit`` points of a track, oldest first."""
    stmt = (
        select(DroneTrackPoint)
        .where(DroneTrackPoint.track_id == track_id)
        .order_by(DroneTrackPoint.at.desc(), DroneTrackPoint.id.desc())
        .limit(limit)
    )
    return list(reversed(list(session.scalars(stmt))))


def also_seen_by(session: Session, track: DroneTrack) -> list[str]:
    """Other member countries that saw this track's serial number or operator id (countries only)."""
    own = select(DroneIdentifier.kind, DroneIdentifier.value).where(DroneIdentifier.track_id == track.id)
    pairs = list(session.execute(own))
    if not pairs:
        return []
    countries: set[str] = set()
    for kind, value in pairs:
        stmt = select(DroneIdentifier.country).where(
            DroneIdentifier.kind == kind, DroneIdentifier.value == value, DroneIdentifier.country != track.owner_country
        )
        countries.update(session.scalars(stmt))
    return sorted(countries)


def identifier_matches(session: Session, actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
    """Identifiers (serials, operator ids) the actor's country saw that other members saw too."""
    if not actor.can(Perm.DRONE_READ):
        return []
    other = DroneIdentifier.__table__.alias("other")
    stmt = (
        select(DroneIdentifier.kind, DroneIdentifier.value, DroneIdentifier.track_id, other.c.country)
        .join(other, (other.c.kind == DroneIdentifier.kind) & (other.c.value == DroneIdentifier.value))
        .where(DroneIdentifier.country == actor.country, other.c.country != actor.country)
        .order_by(DroneIdentifier.last_seen.desc())
    )
    found: dict[tuple[str, str, str], set[str]] = {}
    for kind, value, track_id, country in session.execute(stmt):
        found.setdefault((kind, value, track_id), set()).add(country)
        if len(found) >= limit:
            break
    return [{"kind": k, "value": v, "track_id": t, "countries": sorted(c)} for (k, v, t), c in found.items()]


def list_geofences(session: Session, actor: Actor, *, kind: str | None, page: int, page_size: int) -> Page[Geofence]:
    """A page of the zones the actor may see."""
    stmt = select(Geofence).where(geofence_visibility_filter(actor))
    if kind:
        stmt = stmt.where(Geofence.kind == kind)
    return paginate(
        session, stmt.order_by(Geofence.country, Geofence.name, Geofence.id), page=page, page_size=page_size
    )


def list_receivers(session: Session, actor: Actor) -> list[DroneReceiver]:
    """The receivers of the actor's country."""
    if not actor.can(Perm.DRONE_READ):
        return []
    stmt = select(DroneReceiver).where(DroneReceiver.owner_country == actor.country).order_by(DroneReceiver.name)
    return list(session.scalars(stmt))


# ----------------------------------------------------------------------------------------- zone index

_index_lock = threading.Lock()
_index: tuple[tuple[Any, ...], ZoneIndex] | None = None


def _zone_stamp(session: Session) -> tuple[Any, ...]:
    row = session.execute(
        select(func.count(), func.max(Geofence.updated_at), func.max(Geofence.created_at)).where(
            Geofence.active.is_(True)
        )
    ).one()
    return (session.get_bind().engine.url.render_as_string(), *row)


def zone_index(session: Session) -> ZoneIndex:
    """The spatial index of active zones, rebuilt when a zone was added, changed or deactivated (a cheap
    aggregate over ``drone_geofence`` decides; geofence writes also announce ``drone.geofence.*`` events)."""
    global _index
    stamp = _zone_stamp(session)
    with _index_lock:
        if _index is not None and _index[0] == stamp:
            return _index[1]
    rows = session.scalars(select(Geofence).where(Geofence.active.is_(True))).all()
    built = build_index(rows)
    with _index_lock:
        _index = (stamp, built)
    return built


def build_index(rows: Sequence[Geofence]) -> ZoneIndex:
    """Build a zone index from geofence rows."""
    zones = [
        Zone(
            z.id,
            z.owner_country,
            z.visibility,
            tuple(z.shared_with),
            z.floor_m,
            z.ceiling_m,
            z.valid_from,
            z.valid_until,
        )
        for z in rows
    ]
    return ZoneIndex(zones, [shape(z.geometry) for z in rows])  # validated by parse_zone when created
