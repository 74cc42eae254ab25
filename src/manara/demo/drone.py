"""Demo of the drone domain: receivers of five members, zones around a prison, two borders and the airports
(from ``airportsdata``), and Remote ID traffic built with the decoder's own encoder: a drone dropping over the
Tiflet prison wall (MA), a drone crossing from Algeria into Morocco near Oujda seen by both sides' receivers
(its serial links the two members' tracks), a drone crossing from Libya into Egypt at Salloum, and a spoofed
serial reported in Tunis at the same moment as over Tiflet. Incidents are shared between members."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.db.session import unit_of_work
from manara.drone import actions
from manara.drone.geo import circle
from manara.drone.models import DroneIncident, DroneTrack, IncidentKind, ZoneKind
from manara.drone.odid import BasicId, Location, MessagePack, OperatorId, SelfId, System
from manara.drone.schemas import BatchIn, GeofenceIn, IncidentIn, LinkIn, MessageIn, ReceiverIn, ShareIn
from manara.entity.models import Entity
from manara.identity import Actor, Role
from manara.member.service import get_user_by_username
from manara.visibility import Visibility

Point = tuple[float, float]

RECEIVERS = {
    "MA": [("Tiflet prison mast", 33.905, -6.300), ("Oujda east border sensor", 34.690, -1.820)],
    "DZ": [("Maghnia west border sensor", 34.860, -1.760)],
    "EG": [("Salloum crossing sensor", 31.555, 25.150), ("Tora complex sensor", 29.985, 31.275)],
    "TN": [("Tunis Carthage sensor", 36.850, 10.210)],
    "FR": [("Lyon Saint-Exupéry sensor", 45.720, 5.080)],
}
TIFLET_PRISON: Point = (33.9010, -6.3070)
TORA_PRISON: Point = (29.9800, 31.2730)


def demo_actor(session: Session, country: str, role: Role) -> Actor:
    """The demo user of ``country`` in ``role`` (as ``network.demo_actor``, which imports this module)."""
    user = get_user_by_username(session, f"{country.lower()}.{role.value}")
    assert user is not None
    return Actor(user_id=user.id, username=user.username, country=user.country, role=role)


def _strip(a: Point, b: Point, half_width: float) -> dict[str, object]:
    """A GeoJSON band of ``half_width`` degrees on each side of the segment a–b (a border strip)."""
    (lat1, lon1), (lat2, lon2) = a, b
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon1 - half_width, lat1],
                [lon1 + half_width, lat1],
                [lon2 + half_width, lat2],
                [lon2 - half_width, lat2],
                [lon1 - half_width, lat1],
            ]
        ],
    }


def _pack(serial: str, at: Point, op: Point, operator: str, text: str, speed: float, alt: float, heading: int) -> str:
    messages = (
        BasicId.build(serial, id_type=1, ua_type=2),
        Location.build(
            latitude=at[0],
            longitude=at[1],
            geodetic_altitude=alt,
            height=alt - 20,
            speed=speed,
            direction=heading,
            vertical_speed=0.5,
        ),
        SelfId.build(text),
        System.build(operator_latitude=op[0], operator_longitude=op[1], operator_altitude=alt - 60, area_radius=50),
        OperatorId.build(operator),
    )
    return MessagePack(2, messages).encode().hex()


def _flight(
    rng: random.Random,
    serial: str,
    path: Sequence[Point],
    start: datetime,
    *,
    operator: str,
    op: Point,
    text: str = "Recreational",
    every: float = 4.0,
    speed: float = 9.0,
    source: str = "",
) -> list[MessageIn]:
    """Positions along ``path`` every ``every`` seconds at about ``speed`` m/s, with a little GNSS noise."""
    items: list[MessageIn] = []
    at = start
    mac = source or ":".join(f"{rng.randrange(256):02x}" for _ in range(6))
    for (lat1, lon1), (lat2, lon2) in zip(path, path[1:], strict=False):
        metres = max(((lat2 - lat1) * 111_320) ** 2 + ((lon2 - lon1) * 92_000) ** 2, 1) ** 0.5
        steps = max(int(metres / (speed * every)), 1)
        for i in range(steps):
            f = i / steps
            p = (lat1 + (lat2 - lat1) * f + rng.gauss(0, 2e-6), lon1 + (lon2 - lon1) * f + rng.gauss(0, 2e-6))
            payload = _pack(serial, p, op, operator, text, speed + rng.uniform(-1, 1), 80 + rng.uniform(-5, 5), 90)
            items.append(MessageIn(received_at=at, payload=payload, transport="bt_long_range", source=mac, rssi=-70))
            at += timedelta(seconds=every)
    return items


def load(seed: int) -> str:
    """Load the drone demo; return a summary."""
    rng = random.Random(seed)  # noqa: S311 - demo data
    now = utcnow().replace(microsecond=0)
    with unit_of_work() as session:
        receivers = {}
        for country, specs in RECEIVERS.items():
            duty = demo_actor(session, country, Role.BUREAU_OFFICER)
            for name, lat, lon in specs:
                receivers[name] = actions.do_register_receiver(
                    session, duty, ReceiverIn(name=name, latitude=lat, longitude=lon)
                )
        ma, dz, eg = (demo_actor(session, c, Role.BUREAU_OFFICER) for c in ("MA", "DZ", "EG"))
        zones = [
            (
                ma,
                GeofenceIn(
                    name="Tiflet local prison",
                    kind=ZoneKind.PRISON,
                    country="MA",
                    geometry=circle(*TIFLET_PRISON, 450),
                    ceiling_m=600,
                ),
            ),
            (
                ma,
                GeofenceIn(
                    name="Oujda–Maghnia border strip",
                    kind=ZoneKind.BORDER,
                    country="MA",
                    geometry=_strip((34.60, -1.745), (34.80, -1.745), 0.02),
                    visibility=Visibility.COUNTRIES,
                    shared_with=["DZ"],
                ),
            ),
            (
                eg,
                GeofenceIn(
                    name="Salloum border crossing",
                    kind=ZoneKind.BORDER,
                    country="EG",
                    geometry=_strip((31.45, 25.15), (31.65, 25.15), 0.03),
                    visibility=Visibility.COUNTRIES,
                    shared_with=["JO", "AE"],
                ),
            ),
            (
                eg,
                GeofenceIn(
                    name="Tora prison complex", kind=ZoneKind.PRISON, country="EG", geometry=circle(*TORA_PRISON, 600)
                ),
            ),
        ]
        for actor, zone in zones:
            actions.do_create_geofence(session, actor, zone)
        airports = sum(
            actions.do_import_airports(session, demo_actor(session, c, Role.BUREAU_OFFICER), [c])
            for c in ("MA", "DZ", "TN", "EG")
        )

    def post(receiver_name: str, items: list[MessageIn]) -> int:
        with unit_of_work() as session:
            rx = receivers[receiver_name]
            actor = demo_actor(session, rx.owner_country, Role.DUTY_OFFICER)
            out = actions.do_ingest_batch(session, actor, rx, BatchIn(receiver_id=rx.id, messages=items))
            return len(out.breaches)

    breaches = 0
    # 1. a drone from the fields north of Tiflet to over the prison yard, hovering, then back (MA)
    t1 = now - timedelta(hours=5)
    path = [(33.9150, -6.3200), (33.9060, -6.3110), TIFLET_PRISON, (33.9012, -6.3068), (33.9150, -6.3200)]
    tiflet = _flight(
        rng, "1581F5FJD2391001", path, t1, operator="MAR-OP-88231X", op=(33.9160, -6.3215), text="Photo survey"
    )
    breaches += post("Tiflet prison mast", tiflet)
    # 2. a drone crossing from Algeria (Maghnia) into Morocco (Oujda), seen by both sides' receivers
    t2 = now - timedelta(hours=3)
    crossing = [(34.8550, -1.7000), (34.7800, -1.7300), (34.7200, -1.7600), (34.6900, -1.8100)]
    items = _flight(
        rng,
        "1668B2X3K4J5L6M7",
        crossing,
        t2,
        operator="DZA-OP-5521K",
        op=(34.8560, -1.6990),
        speed=14.0,
        source="60:60:1f:aa:10:02",
    )
    half = len(items) // 2
    breaches += post("Maghnia west border sensor", items[: half + 5])
    breaches += post("Oujda east border sensor", items[half - 5 :])
    # 3. a drone crossing from Libya into Egypt at Salloum
    t3 = now - timedelta(hours=2)
    salloum = [(31.5600, 25.0600), (31.5550, 25.1500), (31.5500, 25.2200)]
    breaches += post(
        "Salloum crossing sensor",
        _flight(rng, "1581F6GKE3504422", salloum, t3, operator="LBY-UNREG-0007", op=(31.5620, 25.0550), speed=12.0),
    )
    # 4. the Tiflet drone's serial broadcast at the same moment in Tunis: a spoofed or cloned identity
    twin_start = tiflet[-1].received_at - timedelta(seconds=8)
    twin = _flight(
        rng,
        "1581F5FJD2391001",
        [(36.8500, 10.2000), (36.8504, 10.2006)],
        twin_start,
        operator="MAR-OP-88231X",
        op=(36.8500, 10.2000),
    )
    post("Tunis Carthage sensor", twin)
    # 5. Tora prison: a night drop, with the operator reported 20 km away (implausible for the controller)
    t5 = now - timedelta(hours=1)
    tora = [(29.9900, 31.2900), TORA_PRISON, (29.9900, 31.2900)]
    breaches += post(
        "Tora complex sensor",
        _flight(rng, "SRN-TORA-0X99", tora, t5, operator="EGY-OP-0031", op=(30.1600, 31.3300), text="Delivery"),
    )

    with unit_of_work() as session:
        ma, eg = demo_actor(session, "MA", Role.BUREAU_OFFICER), demo_actor(session, "EG", Role.BUREAU_OFFICER)
        incidents = list(session.scalars(select(DroneIncident).order_by(DroneIncident.opened_at)))
        for inc in incidents:
            if inc.owner_country == "MA" and inc.site == "Tiflet local prison":
                actions.do_share_incident(
                    session, ma, inc, ShareIn(visibility=Visibility.COUNTRIES, shared_with=["TN", "FR", "ES"])
                )
                person = session.scalar(select(Entity.id).where(Entity.owner_country == "MA").limit(1))
                if person is not None:
                    actions.do_link_incident(session, ma, inc, LinkIn(entity_ids=[person]))
            elif inc.owner_country == "EG" and inc.site == "Salloum border crossing":
                actions.do_share_incident(session, eg, inc, ShareIn(visibility=Visibility.ALL))
        dz = demo_actor(session, "DZ", Role.BUREAU_OFFICER)
        dz_tracks = list(
            session.scalars(
                select(DroneTrack).where(DroneTrack.owner_country == "DZ", DroneTrack.uas_id == "1668B2X3K4J5L6M7")
            )
        )
        if dz_tracks:
            actions.do_open_incident(
                session,
                dz,
                IncidentIn(
                    kind=IncidentKind.BORDER_CROSSING,
                    country="DZ",
                    site="Maghnia",
                    title="Drone crossing west towards Oujda",
                    track_ids=[dz_tracks[0].id],
                ),
            )
        count = len(incidents) + (1 if dz_tracks else 0)
    return (
        f"{sum(len(s) for s in RECEIVERS.values())} drone receivers, {len(zones) + airports} geofences "
        f"({airports} airports), {breaches} breaches, {count} drone incidents"
    )
