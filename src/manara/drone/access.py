"""Who may see and change drone records (default deny; 404 for what one may not see).

- Receivers and their raw messages: the owner member only.
- Tracks: the owner member (its receivers saw it), and the owner and audience of any incident including the track.
- Geofences: the owner, and others within the zone's visibility (owner / countries / all).
- Incidents: the owner, and others within the incident's visibility; evidence and custody go with the incident.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from manara.drone.models import DroneIncident, DroneIncidentShare, DroneReceiver, DroneTrack, Geofence
from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.visibility import Visibility, may_see, reaches


def can_view_incident(actor: Actor, incident: DroneIncident) -> bool:
    """Tell whether ``actor`` may see ``incident``."""
    return actor.can(Perm.DRONE_READ) and may_see(
        owner=incident.owner_country,
        visibility=incident.visibility,
        shared_with=incident.shared_with,
        country=actor.country,
    )


def incident_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """The WHERE clause of incident lists."""
    if not actor.can(Perm.DRONE_READ):
        return false()
    shared = exists(
        select(DroneIncidentShare.incident_id).where(
            DroneIncidentShare.incident_id == DroneIncident.id, DroneIncidentShare.country == actor.country
        )
    )
    return or_(
        DroneIncident.owner_country == actor.country,
        DroneIncident.visibility == Visibility.ALL,
        and_(DroneIncident.visibility == Visibility.COUNTRIES, shared),
    )


def access_incident_by_id(session: Session, actor: Actor, incident_id: str) -> DroneIncident:
    """Return an incident the actor may see, or NotFound."""
    incident = session.get(DroneIncident, incident_id)
    if incident is None or not can_view_incident(actor, incident):
        raise NotFound("drone_incident", incident_id)
    return incident


def access_incident_for_owner(session: Session, actor: Actor, incident_id: str) -> DroneIncident:
    """Return an incident of the actor's country the actor may change, or NotFound."""
    incident = session.get(DroneIncident, incident_id)
    if incident is None or incident.owner_country != actor.country or not actor.can(Perm.DRONE_WRITE):
        raise NotFound("drone_incident", incident_id)
    return incident


def can_view_track(actor: Actor, track: DroneTrack) -> bool:
    """Tell whether ``actor`` may see ``track``."""
    key = track.share_key
    return actor.can(Perm.DRONE_READ) and (
        track.owner_country == actor.country or f",{actor.country}," in key or ",*," in key
    )


def track_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """The WHERE clause of track lists."""
    if not actor.can(Perm.DRONE_READ):
        return false()
    return or_(
        DroneTrack.owner_country == actor.country,
        DroneTrack.share_key.contains(f",{actor.country},"),
        DroneTrack.share_key.contains(",*,"),
    )


def access_track_by_id(session: Session, actor: Actor, track_id: str) -> DroneTrack:
    """Return a track the actor may see, or NotFound."""
    track = session.get(DroneTrack, track_id)
    if track is None or not can_view_track(actor, track):
        raise NotFound("drone_track", track_id)
    return track


def can_view_geofence(actor: Actor, zone: Geofence) -> bool:
    """Tell whether ``actor`` may see ``zone``."""
    return actor.can(Perm.DRONE_READ) and may_see(
        owner=zone.owner_country, visibility=zone.visibility, shared_with=zone.shared_with, country=actor.country
    )


def geofence_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """The WHERE clause of geofence lists."""
    if not actor.can(Perm.DRONE_READ):
        return false()
    return or_(Geofence.owner_country == actor.country, reaches(Geofence, actor.country))


def access_geofence_by_id(session: Session, actor: Actor, zone_id: str) -> Geofence:
    """Return a zone the actor may see, or NotFound."""
    zone = session.get(Geofence, zone_id)
    if zone is None or not can_view_geofence(actor, zone):
        raise NotFound("drone_geofence", zone_id)
    return zone


def access_geofence_for_owner(session: Session, actor: Actor, zone_id: str) -> Geofence:
    """Return a zone of the actor's country the actor may change, or NotFound."""
    zone = session.get(Geofence, zone_id)
    if zone is None or zone.owner_country != actor.country or not actor.can(Perm.DRONE_WRITE):
        raise NotFound("drone_geofence", zone_id)
    return zone


def access_receiver_for_ingest(session: Session, actor: Actor, receiver_id: str) -> DroneReceiver:
    """Return an active receiver of the actor's country the actor may post for, or NotFound."""
    receiver = session.get(DroneReceiver, receiver_id)
    if (
        receiver is None
        or receiver.owner_country != actor.country
        or not receiver.active
        or not actor.can(Perm.DRONE_INGEST)
    ):
        raise NotFound("drone_receiver", receiver_id)
    return receiver


def access_receiver_for_owner(session: Session, actor: Actor, receiver_id: str) -> DroneReceiver:
    """Return a receiver of the actor's country the actor may manage, or NotFound."""
    receiver = session.get(DroneReceiver, receiver_id)
    if receiver is None or receiver.owner_country != actor.country or not actor.can(Perm.DRONE_WRITE):
        raise NotFound("drone_receiver", receiver_id)
    return receiver
