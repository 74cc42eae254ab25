"""Write path of the drone domain: receivers, message batches (tracks, identifiers, plausibility, breaches),
geofences, incidents with evidence and custody. Each ``do_*`` audits and announces; none commits."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete as sa_delete
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import new_id, utcnow
from manara.drone import odid
from manara.drone.access import can_view_geofence, can_view_track
from manara.drone.geo import (
    MAX_DRONE_SPEED,
    MAX_IMPLIED_SPEED,
    OPERATOR_FAR_M,
    circle,
    distance_m,
    implied_speed,
    parse_zone,
)
from manara.drone.models import (
    DroneCustody,
    DroneEvidence,
    DroneIdentifier,
    DroneIncident,
    DroneIncidentShare,
    DroneMessage,
    DroneReceiver,
    DroneTrack,
    DroneTrackPoint,
    Geofence,
    IncidentKind,
    IncidentStatus,
    ZoneKind,
)
from manara.drone.schemas import (
    BatchIn,
    BatchOut,
    BreachOut,
    GeofenceIn,
    IncidentIn,
    LinkIn,
    ReceiverIn,
    ShareIn,
)
from manara.drone.service import GENESIS, custody_hash, sha256_hex, zone_index
from manara.entity.access import can_view_entity
from manara.entity.models import Entity
from manara.errors import Conflict, Forbidden, InvalidTransition, PayloadTooLarge, ValidationFailed
from manara.identity import Actor, Perm, Role
from manara.member.service import require_members
from manara.outbox.service import enqueue
from manara.settings import get_settings
from manara.visibility import Visibility, replace_shares, share_key

SAME_SOURCE_WINDOW = timedelta(minutes=10)  # a transmitter without Basic ID belongs to its recent track
TWIN_WINDOW = timedelta(seconds=30)
ID_KINDS = {1: "serial", 2: "registration", 3: "uuid", 4: "session"}
MAX_FLAGS = 50


def _require(actor: Actor, perm: Perm, what: str) -> None:
    if not actor.can(perm):
        raise Forbidden(f"this role or key may not {what}")


# ------------------------------------------------------------------------------------------- receivers


def do_register_receiver(session: Session, actor: Actor, data: ReceiverIn) -> DroneReceiver:
    """Register a Remote ID receiver of the actor's country."""
    _require(actor, Perm.DRONE_WRITE, "register receivers")
    if session.scalar(
        select(DroneReceiver.id).where(DroneReceiver.owner_country == actor.country, DroneReceiver.name == data.name)
    ):
        raise Conflict("a receiver of your country already has this name", name=data.name)
    receiver = DroneReceiver(
        owner_country=actor.country,
        name=data.name,
        latitude=data.latitude,
        longitude=data.longitude,
        active=True,
        created_by=actor.user_id,
    )
    session.add(receiver)
    session.flush()
    record(
        session, actor, AuditAction.DRONE_RECEIVER_REGISTERED, target_type="drone_receiver", target_ids=[receiver.id]
    )
    enqueue(session, "drone.receiver.registered", {"id": receiver.id, "owner": actor.country}, country=actor.country)
    return receiver


def do_set_receiver_active(session: Session, actor: Actor, receiver: DroneReceiver, active: bool) -> DroneReceiver:
    """Switch a receiver on or off (a switched-off receiver's batches are refused)."""
    receiver.active = active
    record(
        session,
        actor,
        AuditAction.DRONE_RECEIVER_UPDATED,
        target_type="drone_receiver",
        target_ids=[receiver.id],
        extra={"active": active},
    )
    enqueue(
        session,
        "drone.receiver.updated",
        {"id": receiver.id, "owner": actor.country, "active": active},
        country=actor.country,
    )
    return receiver


# ------------------------------------------------------------------------------------------- ingest


@dataclass
class _Item:
    index: int
    received_at: datetime
    payload: bytes
    digest: str
    transport: str
    source: str
    rssi: int | None
    message: odid.Message
    singles: list[odid.Single]
    uas: tuple[str, str, odid.BasicId] | None = None  # (key, kind, basic id)
    operator_id: str | None = None
    message_id: str = field(default_factory=new_id)


def decode_batch(body: BatchIn) -> list[_Item]:
    """Decode every message of a batch; any malformed one refuses the whole batch, naming each fault."""
    limit = get_settings().drone_max_batch
    if len(body.messages) > limit:
        raise PayloadTooLarge(f"a batch holds at most {limit} messages", limit=limit)
    items: list[_Item] = []
    errors: list[dict[str, Any]] = []
    for i, m in enumerate(body.messages):
        raw = bytes.fromhex(m.payload)
        try:
            message = odid.decode_message(raw)
            singles = odid.flatten(message)
            item = _Item(
                i, m.received_at, raw, sha256_hex(raw), m.transport, m.source.lower(), m.rssi, message, singles
            )
            for s in singles:
                if isinstance(s, odid.BasicId) and s.id_type in ID_KINDS and s.uas_id:
                    kind = ID_KINDS[s.id_type]
                    item.uas = (f"{kind}:{s.uas_id.upper()}", kind, s)
                elif isinstance(s, odid.OperatorId) and s.operator_id:
                    item.operator_id = s.operator_id.upper()
            items.append(item)
        except odid.DecodeError as exc:
            errors.append({"field": f"messages.{i}.payload", "code": exc.code, "message": exc.reason})
    if errors:
        raise ValidationFailed(f"{len(errors)} of {len(body.messages)} messages could not be decoded", errors)
    return items


class _Tracks:
    """The tracks a batch touches, looked up once and created when new."""

    def __init__(self, session: Session, country: str) -> None:
        self.session, self.country = session, country
        self.by_key: dict[str, DroneTrack] = {}
        self.by_source: dict[str, DroneTrack] = {}
        self.created: list[DroneTrack] = []

    def by_uas(self, key: str, at: datetime) -> DroneTrack:
        track = self.by_key.get(key)
        if track is None:
            track = self.session.scalar(
                select(DroneTrack).where(DroneTrack.owner_country == self.country, DroneTrack.uas_key == key)
            )
        if track is None:
            track = DroneTrack(
                id=new_id(),
                owner_country=self.country,
                uas_key=key,
                first_seen=at,
                last_seen=at,
                point_count=0,
                flags=[],
                share_key=",",
            )
            self.session.add(track)
            self.created.append(track)
        self.by_key[key] = track
        return track

    def for_source(self, source: str, at: datetime) -> DroneTrack | None:
        if not source:
            return None
        track = self.by_source.get(source)
        if track is None:
            track = self.session.scalar(
                select(DroneTrack)
                .where(
                    DroneTrack.owner_country == self.country,
                    DroneTrack.source == source,
                    DroneTrack.last_seen >= at - SAME_SOURCE_WINDOW,
                )
                .order_by(DroneTrack.last_seen.desc())
                .limit(1)
            )
        return track


def _flag(track: DroneTrack, kind: str, reason: str, at: datetime) -> None:
    """Record a plausibility flag; a kind already flagged keeps its first time and counts, with the latest reason."""
    flags = [dict(f) for f in track.flags or []]
    for f in flags:
        if f["kind"] == kind:
            f["reason"], f["last"], f["count"] = reason, at.isoformat(), int(f.get("count", 1)) + 1
            break
    else:
        flags.append({"kind": kind, "reason": reason, "at": at.isoformat(), "last": at.isoformat(), "count": 1})
    track.flags = flags[-MAX_FLAGS:]


def do_ingest_batch(session: Session, actor: Actor, receiver: DroneReceiver, body: BatchIn) -> BatchOut:
    """Store a receiver's batch: raw messages (until the retention ends), tracks with their points, the
    identifiers they carry, plausibility flags, and an incident for every track entering a zone."""
    _require(actor, Perm.DRONE_INGEST, "post Remote ID messages")
    items = decode_batch(body)
    country = receiver.owner_country
    retention = timedelta(hours=get_settings().drone_message_retention_hours)
    seen = {(it.received_at, it.digest) for it in items}
    existing: set[tuple[datetime, str]] = set()
    for chunk_start in range(0, len(items), 500):
        chunk = list(seen)[chunk_start : chunk_start + 500]
        if not chunk:
            break
        stmt = select(DroneMessage.received_at, DroneMessage.sha256).where(
            DroneMessage.receiver_id == receiver.id,
            tuple_(DroneMessage.received_at, DroneMessage.sha256).in_(chunk),
        )
        existing.update((at, digest) for at, digest in session.execute(stmt))
    fresh: list[_Item] = []
    batch_keys: set[tuple[datetime, str]] = set()
    for it in sorted(items, key=lambda x: (x.received_at, x.index)):
        key = (it.received_at, it.digest)
        if key in existing or key in batch_keys:
            continue
        batch_keys.add(key)
        fresh.append(it)
    tracks = _Tracks(session, country)
    source_uas: dict[str, str] = {}
    for it in fresh:  # a Basic ID names its transmitter's track for the whole batch
        if it.uas and it.source:
            source_uas.setdefault(it.source, it.uas[0])
    points: list[tuple[DroneTrack, DroneTrackPoint, _Item]] = []
    messages: list[DroneMessage] = []
    identifiers: dict[tuple[str, str, str], tuple[DroneTrack, datetime]] = {}
    touched: dict[str, DroneTrack] = {}
    last_fix: dict[str, datetime] = {}
    with session.no_autoflush:  # lookups of this batch's tracks need not write the ones being built
        for it in fresh:
            track = _track_for(tracks, it, source_uas)
            if track is not None:
                touched[track.id] = track
                _apply(track, it, receiver, points, identifiers, last_fix)
            messages.append(
                DroneMessage(
                    id=it.message_id,
                    receiver_id=receiver.id,
                    owner_country=country,
                    received_at=it.received_at,
                    transport=it.transport,
                    source=it.source,
                    rssi=it.rssi,
                    msg_type=int(it.message.type),
                    payload=it.payload,
                    sha256=it.digest,
                    track_id=track.id if track else None,
                    expires_at=it.received_at + retention,
                )
            )
    session.flush()  # new tracks first: messages and points refer to them
    session.add_all(messages)
    session.add_all([p for _, p, _ in points])
    _upsert_identifiers(session, country, identifiers)
    _twins(session, touched.values())
    breaches = _breaches(session, actor, receiver, points)
    record(
        session,
        actor,
        AuditAction.DRONE_MESSAGES_INGESTED,
        target_type="drone_receiver",
        target_ids=[receiver.id],
        extra={
            "accepted": len(fresh),
            "duplicates": len(items) - len(fresh),
            "tracks": len(touched),
            "breaches": len(breaches),
        },
    )
    if touched:
        enqueue(
            session,
            "drone.tracks.updated",
            {"owner": country, "receiver": receiver.id, "tracks": sorted(touched)[:200]},
            country=country,
        )
    return BatchOut(accepted=len(fresh), duplicates=len(items) - len(fresh), tracks=sorted(touched), breaches=breaches)


def _track_for(tracks: _Tracks, it: _Item, source_uas: dict[str, str]) -> DroneTrack | None:
    key = it.uas[0] if it.uas else source_uas.get(it.source)
    if key is None:
        known = tracks.for_source(it.source, it.received_at)
        if known is not None:
            return known
        if not it.source:
            return None
        key = f"source:{it.source}"
    track = tracks.by_uas(key, it.received_at)
    if it.source:
        provisional = tracks.by_key.get(f"source:{it.source}")
        if provisional is not None and provisional is not track and not key.startswith("source:"):
            provisional.source = ""  # the transmitter identified itself: later messages go to the real track
        tracks.by_source[it.source] = track
    return track


def _apply(
    track: DroneTrack,
    it: _Item,
    receiver: DroneReceiver,
    points: list[tuple[DroneTrack, DroneTrackPoint, _Item]],
    identifiers: dict[tuple[str, str, str], tuple[DroneTrack, datetime]],
    last_fix: dict[str, datetime],
) -> None:
    at = it.received_at
    last_fix.setdefault(track.id, track.last_seen)
    track.first_seen, track.last_seen = min(track.first_seen, at), max(track.last_seen, at)
    if it.source:
        track.source = it.source
    if it.uas:
        _, kind, basic = it.uas
        track.uas_id, track.id_type = basic.uas_id.upper(), odid.ID_TYPES[basic.id_type]
        track.ua_type = odid.UA_TYPES[basic.ua_type]
        identifiers[(kind, track.uas_id, track.id)] = (track, at)
    if it.operator_id:
        track.operator_id = it.operator_id[:24]
        identifiers[("operator", it.operator_id, track.id)] = (track, at)
    system = next((s for s in it.singles if isinstance(s, odid.System)), None)
    if system is not None and system.operator_latitude is not None and system.operator_longitude is not None:
        track.operator_lat, track.operator_lon = system.operator_latitude, system.operator_longitude
    loc = next((s for s in it.singles if isinstance(s, odid.Location)), None)
    if loc is not None and loc.latitude is not None and loc.longitude is not None:
        point = _position(track, loc, at, receiver, last_fix)
        if point is not None:
            last_fix[track.id] = at
            points.append((track, point, it))


def _position(
    track: DroneTrack, loc: odid.Location, at: datetime, receiver: DroneReceiver, last_fix: dict[str, datetime]
) -> DroneTrackPoint | None:
    """Check a reported position for plausibility (flags with reasons) and make it the track's latest."""
    lat, lon = loc.latitude, loc.longitude
    assert lat is not None and lon is not None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        _flag(track, "bad_position", f"reported position {lat}, {lon} is off the globe", at)
        return None
    alt = loc.geodetic_altitude if loc.geodetic_altitude is not None else loc.height
    if loc.speed is not None and loc.speed > MAX_DRONE_SPEED:
        _flag(track, "impossible_speed", f"reported ground speed {loc.speed:.1f} m/s exceeds {MAX_DRONE_SPEED:.0f}", at)
    if track.last_lat is not None and track.last_lon is not None and track.point_count:
        speed = implied_speed((last_fix[track.id], track.last_lat, track.last_lon), (at, lat, lon))
        if speed is not None and speed > MAX_IMPLIED_SPEED:
            jump = distance_m(track.last_lat, track.last_lon, lat, lon)
            _flag(track, "jump", f"moved {jump / 1000:.1f} km at an implied {min(speed, 99_999):.0f} m/s", at)
    if track.operator_lat is not None and track.operator_lon is not None:
        far = distance_m(track.operator_lat, track.operator_lon, lat, lon)
        if far > OPERATOR_FAR_M:
            _flag(track, "operator_far", f"operator reported {far / 1000:.1f} km from the drone", at)
    track.last_lat, track.last_lon, track.last_alt, track.last_speed = lat, lon, alt, loc.speed
    track.point_count += 1
    return DroneTrackPoint(
        track_id=track.id,
        at=at,
        lat=lat,
        lon=lon,
        alt=alt,
        speed=loc.speed,
        direction=loc.direction,
        operator_lat=track.operator_lat,
        operator_lon=track.operator_lon,
        receiver_id=receiver.id,
    )


def _upsert_identifiers(
    session: Session, country: str, identifiers: dict[tuple[str, str, str], tuple[DroneTrack, datetime]]
) -> None:
    if not identifiers:
        return
    keys = list(identifiers)
    stmt = select(DroneIdentifier).where(
        tuple_(DroneIdentifier.kind, DroneIdentifier.value, DroneIdentifier.track_id).in_(keys)
    )
    have = {(i.kind, i.value, i.track_id): i for i in session.scalars(stmt)}
    for key, (track, at) in identifiers.items():
        row = have.get(key)
        if row is None:
            session.add(
                DroneIdentifier(
                    kind=key[0], value=key[1][:64], country=country, track_id=track.id, first_seen=at, last_seen=at
                )
            )
        elif at > row.last_seen:
            row.last_seen = at


def _twins(session: Session, tracks: Iterable[DroneTrack]) -> None:
    """Flag a serial number reported at the same time in two places too far apart to be one drone."""
    for track in tracks:
        if not track.uas_id or track.last_lat is None or track.last_lon is None:
            continue
        stmt = select(DroneTrack).where(
            DroneTrack.uas_id == track.uas_id,
            DroneTrack.id != track.id,
            DroneTrack.last_seen >= track.last_seen - TWIN_WINDOW,
            DroneTrack.last_seen <= track.last_seen + TWIN_WINDOW,
        )
        for other in session.scalars(stmt):
            if other.last_lat is None or other.last_lon is None:
                continue
            speed = implied_speed(
                (other.last_seen, other.last_lat, other.last_lon), (track.last_seen, track.last_lat, track.last_lon)
            )
            if speed is not None and speed > MAX_IMPLIED_SPEED:
                km = distance_m(other.last_lat, other.last_lon, track.last_lat, track.last_lon) / 1000
                for a, b in ((track, other), (other, track)):
                    _flag(
                        a,
                        "twin",
                        f"serial {track.uas_id} reported {km:.0f} km away at the same time "
                        f"(receivers of {b.owner_country})",
                        a.last_seen,
                    )


# ------------------------------------------------------------------------------------------- breaches


def _breaches(
    session: Session, actor: Actor, receiver: DroneReceiver, points: list[tuple[DroneTrack, DroneTrackPoint, _Item]]
) -> list[BreachOut]:
    if not points:
        return []
    index = zone_index(session)
    if not len(index):
        return []
    pairs = index.query([p.lon for _, p, _ in points], [p.lat for _, p, _ in points])
    hits: dict[tuple[str, str], list[tuple[DroneTrack, DroneTrackPoint, _Item]]] = {}
    for pi, zi in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        zone = index.zones[zi]
        track, point, item = points[pi]
        visible = (
            zone.owner == receiver.owner_country
            or zone.visibility == Visibility.ALL
            or (zone.visibility == Visibility.COUNTRIES and receiver.owner_country in zone.shared_with)
        )
        if visible and zone.applies(point.at, point.alt):
            hits.setdefault((track.id, zone.id), []).append((track, point, item))
    out: list[BreachOut] = []
    for (track_id, zone_id), found in sorted(hits.items()):
        zone_row = session.get(Geofence, zone_id)
        if zone_row is None:
            continue
        track = found[0][0]
        open_ids = _open_breach_incidents(session, zone_id, track_id)
        incident = session.get(DroneIncident, open_ids[0]) if open_ids else None
        new = incident is None
        if incident is None:
            incident = _breach_incident(session, zone_row, track, receiver, found[0][1])
        evidence = [(item, receiver) for _, _, item in found]
        _add_evidence(session, actor, incident, evidence, automatic=True)
        if new:
            out.append(
                BreachOut(
                    track_id=track_id,
                    zone_id=zone_id,
                    zone_name=zone_row.name,
                    incident_id=incident.id,
                    owner_country=incident.owner_country,
                )
            )
    return out


def _open_breach_incidents(session: Session, zone_id: str, track_id: str) -> list[str]:
    """The open breach incidents of a zone that include a track (a zone has few open incidents at a time)."""
    stmt = select(DroneIncident.id, DroneIncident.track_ids).where(
        DroneIncident.zone_id == zone_id,
        DroneIncident.status == IncidentStatus.OPEN.value,
        DroneIncident.kind == IncidentKind.GEOFENCE_BREACH.value,
    )
    return [i for i, ids in session.execute(stmt) if track_id in (ids or [])]


def _expose_tracks(session: Session, incident: DroneIncident) -> None:
    """Let whoever may see an incident see its tracks: the incident's owner and audience join each track's
    ``share_key`` (``*``: every member). Additive: a track shown once stays readable to that member."""
    audience = {incident.owner_country, *incident.shared_with}
    if incident.visibility == Visibility.ALL:
        audience.add("*")
    for track_id in incident.track_ids:
        track = session.get(DroneTrack, track_id)
        if track is not None:
            current = {c for c in track.share_key.split(",") if c}
            if not audience <= current | {track.owner_country}:
                track.share_key = share_key((current | audience) - {track.owner_country})


def _reference(country: str, at: datetime) -> str:
    return f"DRN-{country}-{at:%Y%m%d}-{secrets.token_hex(3).upper()}"


def _breach_incident(
    session: Session, zone: Geofence, track: DroneTrack, receiver: DroneReceiver, point: DroneTrackPoint
) -> DroneIncident:
    """Open the incident of a zone breach, owned by the zone's owner and shared with the member whose receiver
    saw it (its sensor data is the evidence)."""
    owner = zone.owner_country
    shared = sorted({receiver.owner_country} - {owner})
    label = track.uas_id or track.uas_key
    incident = DroneIncident(
        reference=_reference(owner, point.at),
        kind=IncidentKind.GEOFENCE_BREACH.value,
        status=IncidentStatus.OPEN.value,
        owner_country=owner,
        country=zone.country,
        site=zone.name,
        title=f"{label} entered {zone.name}"[:300],
        summary="",
        zone_id=zone.id,
        track_ids=[track.id],
        entity_ids=[],
        wallets=[],
        visibility=Visibility.COUNTRIES.value if shared else Visibility.OWNER.value,
        shared_with=shared,
        opened_at=point.at,
        created_by="system",
    )
    incident.shares = [DroneIncidentShare(country=c) for c in shared]
    session.add(incident)
    session.flush()
    _expose_tracks(session, incident)
    system = Actor(user_id="system", username="drone-geofence", country=owner, role=Role.DUTY_OFFICER)
    _custody(
        session,
        incident,
        system,
        "opened",
        {
            "zone": zone.id,
            "track": track.id,
            "receiver": receiver.id,
            "at": point.at.isoformat(),
            "lat": point.lat,
            "lon": point.lon,
        },
    )
    record(
        session,
        system,
        AuditAction.DRONE_INCIDENT_OPENED,
        target_type="drone_incident",
        target_ids=[incident.id],
        extra={"zone": zone.id, "track": track.id, "automatic": True},
    )
    enqueue(
        session,
        "drone.breach",
        {
            "id": incident.id,
            "owner": owner,
            "shared_with": shared,
            "zone": zone.id,
            "zone_name": zone.name,
            "kind": zone.kind,
            "track": track.id,
            "uas_id": track.uas_id,
            "lat": point.lat,
            "lon": point.lon,
            "at": point.at.isoformat(),
            "reference": incident.reference,
        },
        country=owner,
    )
    return incident


def _custody(session: Session, incident: DroneIncident, actor: Actor, action: str, detail: dict[str, Any]) -> None:
    last = session.scalar(
        select(DroneCustody).where(DroneCustody.incident_id == incident.id).order_by(DroneCustody.seq.desc()).limit(1)
    )
    pending = [o for o in session.new if isinstance(o, DroneCustody) and o.incident_id == incident.id]
    if pending:
        last = max(pending, key=lambda o: o.seq)
    prev, seq = (last.hash, last.seq + 1) if last is not None else (GENESIS, 1)
    at = utcnow()
    entry = DroneCustody(
        incident_id=incident.id,
        seq=seq,
        at=at,
        country=actor.country,
        username=actor.username,
        action=action,
        detail=detail,
        prev_hash=prev,
        hash=custody_hash(prev, seq, at.isoformat(), actor.country, actor.username, action, detail),
    )
    session.add(entry)


def _add_evidence(
    session: Session,
    actor: Actor,
    incident: DroneIncident,
    items: Sequence[tuple[_Item, DroneReceiver]],
    *,
    automatic: bool = False,
) -> int:
    stmt = select(DroneEvidence.sha256, DroneEvidence.received_at).where(DroneEvidence.incident_id == incident.id)
    have: set[tuple[str, datetime]] = {(digest, at) for digest, at in session.execute(stmt)}
    have |= {
        (o.sha256, o.received_at) for o in session.new if isinstance(o, DroneEvidence) and o.incident_id == incident.id
    }
    added = []
    for it, receiver in items:
        if (it.digest, it.received_at) in have:
            continue
        have.add((it.digest, it.received_at))
        row = DroneEvidence(
            incident_id=incident.id,
            message_id=it.message_id,
            receiver_id=receiver.id,
            receiver_country=receiver.owner_country,
            received_at=it.received_at,
            transport=it.transport,
            payload=it.payload,
            sha256=it.digest,
        )
        session.add(row)
        added.append(it.digest)
    if added:
        who = (
            actor
            if not automatic
            else Actor(
                user_id="system", username="drone-ingest", country=incident.owner_country, role=Role.DUTY_OFFICER
            )
        )
        _custody(session, incident, who, "evidence_added", {"sha256": added[:100], "count": len(added)})
        record(
            session,
            who,
            AuditAction.DRONE_EVIDENCE_ADDED,
            target_type="drone_incident",
            target_ids=[incident.id],
            extra={"count": len(added)},
        )
    return len(added)


def _preserve_track_messages(session: Session, actor: Actor, incident: DroneIncident, limit: int = 5000) -> int:
    """Preserve the retained raw messages of the incident's tracks as its evidence."""
    if not incident.track_ids:
        return 0
    stmt = (
        select(DroneMessage)
        .where(DroneMessage.track_id.in_(incident.track_ids))
        .order_by(DroneMessage.received_at.desc())
        .limit(limit)
    )
    items = []
    receivers: dict[str, DroneReceiver | None] = {}
    for m in session.scalars(stmt):
        if m.receiver_id not in receivers:
            receivers[m.receiver_id] = session.get(DroneReceiver, m.receiver_id)
        receiver = receivers[m.receiver_id]
        if receiver is None:
            continue
        message = odid.decode_message(m.payload)
        item = _Item(0, m.received_at, m.payload, m.sha256, m.transport, m.source, m.rssi, message, [], message_id=m.id)
        items.append((item, receiver))
    return _add_evidence(session, actor, incident, items)


# ------------------------------------------------------------------------------------------- retention


def do_purge_messages(session: Session, actor: Actor, now: datetime | None = None) -> int:
    """Delete raw messages past their retention (evidence keeps its own copies)."""
    cutoff = now or utcnow()
    result = session.execute(sa_delete(DroneMessage).where(DroneMessage.expires_at <= cutoff))
    count = int(getattr(result, "rowcount", 0) or 0)
    record(
        session,
        actor,
        AuditAction.DRONE_MESSAGES_PURGED,
        target_type="drone_message",
        extra={"count": count, "before": cutoff.isoformat()},
    )
    return count


# ------------------------------------------------------------------------------------------- geofences


def do_create_geofence(session: Session, actor: Actor, data: GeofenceIn, *, source: str = "manual") -> Geofence:
    """Create a zone of the actor's country around a sensitive site."""
    _require(actor, Perm.DRONE_WRITE, "create geofences")
    geom = parse_zone(data.geometry)
    if data.floor_m is not None and data.ceiling_m is not None and data.floor_m >= data.ceiling_m:
        raise ValidationFailed("bad altitude band", [{"field": "ceiling_m", "message": "must be above the floor"}])
    if data.valid_from and data.valid_until and data.valid_from >= data.valid_until:
        raise ValidationFailed("bad validity", [{"field": "valid_until", "message": "must be after valid_from"}])
    require_members(session, [data.country], field="country")
    shared = require_members(session, data.shared_with) if data.visibility == Visibility.COUNTRIES else []
    if data.visibility == Visibility.COUNTRIES and not shared:
        raise ValidationFailed("no countries", [{"field": "shared_with", "message": "name at least one country"}])
    if session.scalar(select(Geofence.id).where(Geofence.owner_country == actor.country, Geofence.name == data.name)):
        raise Conflict("a zone of your country already has this name", name=data.name)
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    zone = Geofence(
        owner_country=actor.country,
        name=data.name,
        kind=data.kind.value,
        country=data.country,
        geometry=data.geometry,
        min_lon=min_lon,
        min_lat=min_lat,
        max_lon=max_lon,
        max_lat=max_lat,
        floor_m=data.floor_m,
        ceiling_m=data.ceiling_m,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        active=True,
        visibility=data.visibility.value,
        shared_with=[c for c in shared if c != actor.country],
        share_key=share_key(shared),
        source=source,
        created_by=actor.user_id,
    )
    session.add(zone)
    session.flush()
    record(session, actor, AuditAction.DRONE_GEOFENCE_CREATED, target_type="drone_geofence", target_ids=[zone.id])
    enqueue(
        session,
        "drone.geofence.created",
        {"id": zone.id, "owner": actor.country, "visibility": zone.visibility, "shared_with": zone.shared_with},
        country=actor.country,
    )
    return zone


def do_set_geofence_active(session: Session, actor: Actor, zone: Geofence, active: bool) -> Geofence:
    """Switch a zone on or off."""
    zone.active = active
    zone.updated_at = utcnow()
    record(
        session,
        actor,
        AuditAction.DRONE_GEOFENCE_UPDATED,
        target_type="drone_geofence",
        target_ids=[zone.id],
        extra={"active": active},
    )
    enqueue(
        session,
        "drone.geofence.updated",
        {"id": zone.id, "owner": actor.country, "active": active},
        country=actor.country,
    )
    return zone


def do_import_airports(
    session: Session, actor: Actor, countries: Sequence[str], *, radius_m: float = 5_000, types: int = 0
) -> int:
    """Create a circular airport zone (5 km by default) for each airport with an IATA code in ``countries``,
    from the maintained ``airportsdata`` list; zones that exist already (same name) are skipped."""
    import airportsdata

    _require(actor, Perm.DRONE_WRITE, "create geofences")
    wanted = set(require_members(session, countries, field="countries"))
    existing = set(session.scalars(select(Geofence.name).where(Geofence.owner_country == actor.country)))
    created = 0
    for icao, a in sorted(airportsdata.load("ICAO").items()):
        if a["country"] not in wanted or not a.get("iata"):
            continue
        name = f"{a['name']} ({icao})"[:200]
        if name in existing:
            continue
        data = GeofenceIn(
            name=name,
            kind=ZoneKind.AIRPORT,
            country=a["country"],
            geometry=circle(float(a["lat"]), float(a["lon"]), radius_m),
            ceiling_m=None,
            visibility=Visibility.ALL,
        )
        do_create_geofence(session, actor, data, source="airportsdata")
        existing.add(name)
        created += 1
    record(
        session,
        actor,
        AuditAction.DRONE_GEOFENCES_IMPORTED,
        target_type="drone_geofence",
        extra={"created": created, "countries": sorted(wanted), "types": types},
    )
    return created


# ------------------------------------------------------------------------------------------- incidents


def do_open_incident(session: Session, actor: Actor, data: IncidentIn) -> DroneIncident:
    """Open an incident by hand, on tracks the actor may see (e.g. from a live alert)."""
    _require(actor, Perm.DRONE_WRITE, "open drone incidents")
    require_members(session, [data.country], field="country")
    tracks = [session.get(DroneTrack, t) for t in dict.fromkeys(data.track_ids)]
    if any(t is None or not can_view_track(actor, t) for t in tracks):
        raise ValidationFailed("unknown track", [{"field": "track_ids", "message": "no such track visible to you"}])
    if data.zone_id is not None:
        zone = session.get(Geofence, data.zone_id)
        if zone is None or not can_view_geofence(actor, zone):
            raise ValidationFailed("unknown zone", [{"field": "zone_id", "message": "no such zone visible to you"}])
    now = utcnow()
    incident = DroneIncident(
        reference=_reference(actor.country, now),
        kind=data.kind.value,
        status=IncidentStatus.OPEN.value,
        owner_country=actor.country,
        country=data.country,
        site=data.site,
        title=data.title,
        summary=data.summary,
        zone_id=data.zone_id,
        track_ids=[t.id for t in tracks if t is not None],
        entity_ids=[],
        wallets=[],
        visibility=Visibility.OWNER.value,
        shared_with=[],
        opened_at=now,
        created_by=actor.user_id,
    )
    session.add(incident)
    session.flush()
    _expose_tracks(session, incident)
    _custody(session, incident, actor, "opened", {"tracks": incident.track_ids})
    _preserve_track_messages(session, actor, incident)
    record(session, actor, AuditAction.DRONE_INCIDENT_OPENED, target_type="drone_incident", target_ids=[incident.id])
    enqueue(
        session,
        "drone.incident.opened",
        {"id": incident.id, "owner": actor.country, "shared_with": []},
        country=actor.country,
    )
    return incident


def do_share_incident(session: Session, actor: Actor, incident: DroneIncident, data: ShareIn) -> DroneIncident:
    """Set who may see an incident; its tracks and evidence go with it."""
    shared = require_members(session, data.shared_with) if data.visibility == Visibility.COUNTRIES else []
    shared = [c for c in shared if c != actor.country]
    if data.visibility == Visibility.COUNTRIES and not shared:
        raise ValidationFailed("no countries", [{"field": "shared_with", "message": "name at least one other country"}])
    incident.visibility, incident.shared_with = data.visibility.value, shared
    replace_shares(incident, shared, lambda c: DroneIncidentShare(country=c))
    _expose_tracks(session, incident)
    _custody(session, incident, actor, "shared", {"visibility": data.visibility.value, "shared_with": shared})
    record(
        session,
        actor,
        AuditAction.DRONE_INCIDENT_SHARED,
        target_type="drone_incident",
        target_ids=[incident.id],
        extra={"visibility": data.visibility.value, "shared_with": shared},
    )
    enqueue(
        session,
        "drone.incident.shared",
        {"id": incident.id, "owner": actor.country, "visibility": data.visibility.value, "shared_with": shared},
        country=actor.country,
    )
    return incident


def do_close_incident(session: Session, actor: Actor, incident: DroneIncident, reason: str) -> DroneIncident:
    """Close an open incident with a reason."""
    if incident.status != IncidentStatus.OPEN.value:
        raise InvalidTransition("drone incident", incident.status, "close")
    incident.status, incident.closed_at, incident.close_reason = IncidentStatus.CLOSED.value, utcnow(), reason
    _custody(session, incident, actor, "closed", {"reason": reason[:500]})
    record(session, actor, AuditAction.DRONE_INCIDENT_CLOSED, target_type="drone_incident", target_ids=[incident.id])
    enqueue(
        session,
        "drone.incident.closed",
        {"id": incident.id, "owner": actor.country, "shared_with": incident.shared_with},
        country=actor.country,
    )
    return incident


def do_link_incident(session: Session, actor: Actor, incident: DroneIncident, data: LinkIn) -> DroneIncident:
    """Link persons (subjects the actor's country owns or may see) and wallet addresses to an incident."""
    for eid in data.entity_ids:
        entity = session.get(Entity, eid)
        if entity is None or not can_view_entity(actor, entity):
            raise ValidationFailed("unknown subject", [{"field": "entity_ids", "message": f"no such subject: {eid}"}])
    incident.entity_ids = list(dict.fromkeys([*incident.entity_ids, *data.entity_ids]))
    incident.wallets = list(dict.fromkeys([*incident.wallets, *(w.strip() for w in data.wallets if w.strip())]))
    _custody(session, incident, actor, "linked", {"entity_ids": data.entity_ids, "wallets": data.wallets})
    record(
        session,
        actor,
        AuditAction.DRONE_INCIDENT_LINKED,
        target_type="drone_incident",
        target_ids=[incident.id],
        extra={"entities": len(data.entity_ids), "wallets": len(data.wallets)},
    )
    return incident


# ------------------------------------------------------------------------------------------- audited reads


def do_log_incident_read(session: Session, actor: Actor, incident: DroneIncident, *, evidence: bool = False) -> None:
    """Audit a read of an incident (and of its evidence: also a custody entry)."""
    action = AuditAction.DRONE_EVIDENCE_EXPORTED if evidence else AuditAction.DRONE_INCIDENT_VIEWED
    record(session, actor, action, target_type="drone_incident", target_ids=[incident.id])
    if evidence:
        _custody(session, incident, actor, "evidence_read", {})


def do_log_incidents_listed(session: Session, actor: Actor, ids: list[str], query: dict[str, Any]) -> None:
    """Audit a list of incidents shown."""
    record(
        session, actor, AuditAction.DRONE_INCIDENTS_LISTED, target_type="drone_incident", target_ids=ids, query=query
    )


def do_log_track_read(session: Session, actor: Actor, track: DroneTrack) -> None:
    """Audit a read of a track (identifiers and positions of a drone and its operator)."""
    record(session, actor, AuditAction.DRONE_TRACK_VIEWED, target_type="drone_track", target_ids=[track.id])


def do_log_tracks_listed(session: Session, actor: Actor, ids: list[str], query: dict[str, Any]) -> None:
    """Audit a list of tracks shown."""
    record(session, actor, AuditAction.DRONE_TRACKS_LISTED, target_type="drone_track", target_ids=ids, query=query)


def do_log_matches_viewed(session: Session, actor: Actor, count: int) -> None:
    """Audit a read of the cross-border identifier matches."""
    record(session, actor, AuditAction.DRONE_MATCHES_VIEWED, target_type="drone_identifier", extra={"count": count})
