"""The drone API: ingest, tracks, geofence breaches, incidents shared across borders, evidence, access.

MA owns a prison zone near Rabat; MA and FR operate receivers; EG is a third member that sees nothing unless
an incident is shared with it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import Net
from drone.helpers import RABAT_PRISON, T0, flight, pack, receiver, zone
from manara.audit.models import AuditEvent
from manara.drone import service
from manara.drone.models import DroneCustody, DroneEvidence, DroneMessage, DroneTrack
from manara.identity import Role
from manara.outbox.models import OutboxEvent

API = "/api/v1/drones"


def _count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _through_prison(serial: str = "1596F3A7B0C2D4E6F8A1", **kw: Any) -> list[dict[str, Any]]:
    lat, lon = RABAT_PRISON
    return flight(serial, (lat - 0.03, lon), (lat + 0.001, lon), steps=12, **kw)


def test_a_track_entering_a_prison_zone_opens_an_incident_with_evidence(
    client: TestClient, net: Net, session: Session
) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    prison = zone(client, ma, "Rabat central prison", RABAT_PRISON)
    rid = receiver(client, ma, "Rabat north mast", 34.02, -6.84)
    got = client.post(f"{API}/messages", json={"receiver_id": rid, "messages": _through_prison()}, headers=ma)
    assert got.status_code == 200, got.text
    out = got.json()
    assert out["accepted"] == 12 and out["duplicates"] == 0 and len(out["tracks"]) == 1
    assert len(out["breaches"]) == 1
    breach = out["breaches"][0]
    assert breach["zone_id"] == prison["id"] and breach["owner_country"] == "MA"
    incident = client.get(f"{API}/incidents/{breach['incident_id']}", headers=ma).json()
    assert incident["kind"] == "geofence_breach" and incident["status"] == "open" and incident["site"] == prison["name"]
    assert incident["track_ids"] == out["tracks"]
    bundle = client.get(f"{API}/incidents/{breach['incident_id']}/evidence", headers=ma).json()
    assert bundle["evidence"] and all(e["digest_ok"] for e in bundle["evidence"])
    assert bundle["custody_intact"] is True
    assert [c["action"] for c in bundle["custody"]][:2] == ["opened", "evidence_added"]
    topics = session.scalars(select(OutboxEvent.topic)).all()
    assert "drone.breach" in topics and "drone.tracks.updated" in topics
    actions = set(session.scalars(select(AuditEvent.action)).all())
    assert {"drone.messages_ingested", "drone.incident_opened", "drone.evidence_exported"} <= actions
    # the same batch again: every message a duplicate, nothing stored twice, no second incident
    again = client.post(f"{API}/messages", json={"receiver_id": rid, "messages": _through_prison()}, headers=ma).json()
    assert again["accepted"] == 0 and again["duplicates"] == 12 and again["breaches"] == []
    assert _count(session, DroneMessage) == 12
    track = client.get(f"{API}/tracks/{out['tracks'][0]}", headers=ma).json()
    assert track["uas_id"] == "1596F3A7B0C2D4E6F8A1" and track["operator_id"] == "MAR-OP-77AA"
    assert len(track["points"]) == 12 and track["flags"] == []
    assert service.open_incidents_by_country(session, net.user("MA", Role.DUTY_OFFICER).actor) == {"MA": 1}


def test_a_breach_seen_by_a_neighbour_goes_to_the_zone_owner_and_is_shared_back(
    client: TestClient, net: Net, session: Session
) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER).headers, net.user("FR", Role.BUREAU_OFFICER).headers
    zone(client, ma, "Border post", RABAT_PRISON, visibility="countries", shared_with=["FR"], kind="border")
    rid = receiver(client, fr, "FR liaison sensor", 34.0, -6.9)
    out = client.post(f"{API}/messages", json={"receiver_id": rid, "messages": _through_prison()}, headers=fr).json()
    incident_id = out["breaches"][0]["incident_id"]
    assert out["breaches"][0]["owner_country"] == "MA"
    ma_view = client.get(f"{API}/incidents/{incident_id}", headers=ma).json()
    assert ma_view["owner_country"] == "MA" and ma_view["shared_with"] == ["FR"]
    assert client.get(f"{API}/tracks/{out['tracks'][0]}", headers=ma).status_code == 200  # the owner sees the track
    assert client.get(f"{API}/incidents/{incident_id}", headers=fr).status_code == 200
    eg = net.user("EG", Role.BUREAU_OFFICER).headers
    assert client.get(f"{API}/incidents/{incident_id}", headers=eg).status_code == 404
    assert client.get(f"{API}/tracks/{out['tracks'][0]}", headers=eg).status_code == 404
    assert client.get(f"{API}/incidents/{incident_id}/evidence", headers=eg).status_code == 404
    shared = client.post(
        f"{API}/incidents/{incident_id}/share",
        json={"visibility": "countries", "shared_with": ["FR", "EG"]},
        headers=ma,
    )
    assert shared.status_code == 200, shared.text
    assert client.get(f"{API}/incidents/{incident_id}", headers=eg).status_code == 200
    assert client.get(f"{API}/tracks/{out['tracks'][0]}", headers=eg).status_code == 200
    eg_list = client.get(f"{API}/incidents", headers=eg).json()
    assert [i["id"] for i in eg_list["items"]] == [incident_id]
    # only the owner changes it
    assert client.post(f"{API}/incidents/{incident_id}/close", json={"reason": "x"}, headers=fr).status_code == 404
    closed = client.post(f"{API}/incidents/{incident_id}/close", json={"reason": "drone seized"}, headers=ma)
    assert closed.json()["status"] == "closed"
    again = client.post(f"{API}/incidents/{incident_id}/close", json={"reason": "again"}, headers=ma)
    assert again.status_code == 409
    log = session.scalars(select(DroneCustody.action).order_by(DroneCustody.seq)).all()
    assert log[0] == "opened" and "shared" in log and log[-1] == "closed"


def test_zone_not_visible_to_the_receivers_member_raises_nothing(client: TestClient, net: Net) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER).headers, net.user("FR", Role.BUREAU_OFFICER).headers
    zone(client, ma, "Private zone", RABAT_PRISON)  # owner only
    rid = receiver(client, fr, "FR sensor", 34.0, -6.9)
    out = client.post(f"{API}/messages", json={"receiver_id": rid, "messages": _through_prison()}, headers=fr).json()
    assert out["breaches"] == []


def test_altitude_band_and_validity_window(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    zone(client, ma, "Stadium event", RABAT_PRISON, kind="event", floor_m=100, ceiling_m=500)
    zone(client, ma, "Tomorrow's summit", RABAT_PRISON, kind="event", valid_from=(T0 + timedelta(days=1)).isoformat())
    rid = receiver(client, ma, "mast", 34.0, -6.8)
    low = client.post(f"{API}/messages", json={"receiver_id": rid, "messages": _through_prison(alt=60)}, headers=ma)
    assert low.json()["breaches"] == []  # below the floor; and the summit zone is not in force yet
    high = _through_prison("SERIALHIGH0001", alt=150, source="aa:bb:cc:00:00:02")
    out = client.post(f"{API}/messages", json={"receiver_id": rid, "messages": high}, headers=ma).json()
    assert [b["zone_name"] for b in out["breaches"]] == ["Stadium event"]


def test_malformed_batch_is_refused_whole_and_stores_nothing(client: TestClient, net: Net, session: Session) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    rid = receiver(client, ma, "mast", 34.0, -6.8)
    items = _through_prison()
    items[3]["payload"] = items[3]["payload"][:-2]  # one byte short
    items[5]["payload"] = "72" + "00" * 24  # unknown message type 7
    got = client.post(f"{API}/messages", json={"receiver_id": rid, "messages": items}, headers=ma)
    assert got.status_code == 422
    details = got.json()["error"]["details"]["errors"]
    assert {d["field"] for d in details} == {"messages.3.payload", "messages.5.payload"}
    assert {d["code"] for d in details} == {"wrong_length", "unknown_type"}
    assert _count(session, DroneMessage) == 0 and _count(session, DroneTrack) == 0
    for bad in (
        {"receiver_id": rid, "messages": [{"received_at": T0.isoformat(), "payload": "zz"}]},
        {"receiver_id": rid, "messages": [{"received_at": "2026-12-04T20:00:00", "payload": "00" * 25}]},  # naive
        {"receiver_id": rid, "messages": []},
        {"receiver_id": rid, "messages": "nope"},
        {"receiver_id": rid, "messages": [{"received_at": T0.isoformat(), "payload": "00" * 25, "extra": 1}]},
    ):
        assert client.post(f"{API}/messages", json=bad, headers=ma).status_code == 422, bad
    raw = client.post(f"{API}/messages", content=b"{not json", headers=ma | {"content-type": "application/json"})
    assert raw.status_code == 422
    assert _count(session, DroneMessage) == 0


def test_receivers_post_only_for_their_own_active_receivers(client: TestClient, net: Net) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER).headers, net.user("FR", Role.BUREAU_OFFICER).headers
    rid = receiver(client, ma, "mast", 34.0, -6.8)
    body = {"receiver_id": rid, "messages": _through_prison()[:1]}
    assert client.post(f"{API}/messages", json=body, headers=fr).status_code == 404
    assert client.post(f"{API}/messages", json=body | {"receiver_id": "nope"}, headers=ma).status_code == 404
    analyst = net.user("MA", Role.ANALYST).headers  # reads and writes, does not ingest
    assert client.post(f"{API}/messages", json=body, headers=analyst).status_code == 403
    assert client.post(f"{API}/messages", json=body).status_code == 401
    assert client.post(f"{API}/receivers/{rid}/active", params={"active": "false"}, headers=ma).status_code == 200
    assert client.post(f"{API}/messages", json=body, headers=ma).status_code == 404
    dup = client.post(f"{API}/receivers", json={"name": "mast", "latitude": 1, "longitude": 1}, headers=ma)
    assert dup.status_code == 409


def test_routes_by_role(client: TestClient, net: Net) -> None:
    allowed_read = {Role.FRONTLINE_OFFICER, Role.BUREAU_OFFICER, Role.ANALYST, Role.DUTY_OFFICER}
    allowed_write = {Role.BUREAU_OFFICER, Role.ANALYST, Role.DUTY_OFFICER}
    for role in Role:
        h = net.user("EG", role).headers
        assert (client.get(f"{API}/incidents", headers=h).status_code == 200) == (role in allowed_read), role
        assert (client.get(f"{API}/tracks", headers=h).status_code == 200) == (role in allowed_read), role
        z = client.post(
            f"{API}/geofences",
            json={
                "name": f"z {role.value}",
                "kind": "airport",
                "country": "EG",
                "geometry": {"type": "Polygon", "coordinates": [[[31, 30], [31.1, 30], [31.1, 30.1], [31, 30]]]},
            },
            headers=h,
        )
        assert (z.status_code == 201) == (role in allowed_write), (role, z.text)


def test_geofence_input_is_checked(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    base = {"name": "Z", "kind": "prison", "country": "MA"}
    for geometry in (
        {"type": "Point", "coordinates": [1, 2]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},  # bow-tie
        {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [200, 1], [0, 0]]]},  # off the globe
        {"type": "Polygon", "coordinates": "junk"},
        {"type": "Polygon", "coordinates": []},
    ):
        got = client.post(f"{API}/geofences", json=base | {"geometry": geometry}, headers=ma)
        assert got.status_code == 422, (geometry, got.text)
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    assert (
        client.post(f"{API}/geofences", json=base | {"geometry": square, "country": "QQ"}, headers=ma).status_code
        == 422
    )
    assert (
        client.post(f"{API}/geofences", json=base | {"geometry": square, "kind": "moon"}, headers=ma).status_code == 422
    )
    assert (
        client.post(
            f"{API}/geofences", json=base | {"geometry": square, "floor_m": 200, "ceiling_m": 100}, headers=ma
        ).status_code
        == 422
    )
    hostile = client.post(
        f"{API}/geofences", json=base | {"geometry": square, "name": "Prison\u202e\u0000 evil"}, headers=ma
    )
    assert hostile.status_code in (201, 422)
    if hostile.status_code == 201:
        assert "\u202e" not in hostile.json()["name"] and "\x00" not in hostile.json()["name"]
    ok = client.post(f"{API}/geofences", json=base | {"geometry": square, "name": "Square"}, headers=ma)
    assert ok.status_code == 201
    assert (
        client.post(f"{API}/geofences", json=base | {"geometry": square, "name": "Square"}, headers=ma).status_code
        == 409
    )
    eg = net.user("EG", Role.BUREAU_OFFICER).headers
    assert client.get(f"{API}/geofences/{ok.json()['id']}", headers=eg).status_code == 404
    assert (
        client.post(f"{API}/geofences/{ok.json()['id']}/active", params={"active": "false"}, headers=eg).status_code
        == 404
    )


def test_spoofing_flags_on_generated_tracks(client: TestClient, net: Net, session: Session) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER).headers, net.user("FR", Role.BUREAU_OFFICER).headers
    rid = receiver(client, ma, "mast", 34.0, -6.8)
    # a jump of ~55 km in one second, a reported speed of 90 m/s, an operator 40 km away
    jumpy = flight("JUMPY000000000001", (34.0, -6.8), (34.5, -6.8), steps=2, source="aa:00:00:00:00:01")
    fast = flight("FAST0000000000001", (34.0, -6.8), (34.0001, -6.8), steps=2, speed=90.0, source="aa:00:00:00:00:02")
    far = flight(
        "FAR00000000000001",
        (34.0, -6.8),
        (34.0001, -6.8),
        steps=2,
        op_lat=34.36,
        op_lon=-6.8,
        source="aa:00:00:00:00:03",
    )
    out = client.post(f"{API}/messages", json={"receiver_id": rid, "messages": jumpy + fast + far}, headers=ma).json()
    flags = {t.uas_id: {f["kind"] for f in t.flags} for t in session.scalars(select(DroneTrack))}
    assert flags["JUMPY000000000001"] == {"jump"}
    assert flags["FAST0000000000001"] == {"impossible_speed"}
    assert flags["FAR00000000000001"] == {"operator_far"}
    assert len(out["tracks"]) == 3
    # the same serial reported at the same time 1,000 km away by FR's receiver: a twin on both sides
    fr_rid = receiver(client, fr, "Marseille", 43.3, 5.4)
    twin = flight("FAST0000000000001", (43.3, 5.4), (43.3001, 5.4), steps=2, source="bb:00:00:00:00:09")
    client.post(f"{API}/messages", json={"receiver_id": fr_rid, "messages": twin}, headers=fr)
    kinds = {(t.owner_country, f["kind"]) for t in session.scalars(select(DroneTrack)) for f in t.flags}
    assert ("FR", "twin") in kinds and ("MA", "twin") in kinds
    detail = client.get(f"{API}/tracks/{out['tracks'][0]}", headers=ma).json()
    assert all(f["reason"] for f in detail["flags"])


def test_identifiers_cross_match_between_members(client: TestClient, net: Net) -> None:
    ma, fr = net.user("MA", Role.BUREAU_OFFICER).headers, net.user("FR", Role.BUREAU_OFFICER).headers
    ma_rid, fr_rid = receiver(client, ma, "mast", 34.0, -6.8), receiver(client, fr, "Nice", 43.7, 7.2)
    client.post(
        f"{API}/messages",
        json={
            "receiver_id": ma_rid,
            "messages": flight("SHARED-SERIAL-01", (34, -6.8), (34.001, -6.8), steps=3, operator="FRA-OP-1"),
        },
        headers=ma,
    )
    later = T0 + timedelta(days=2)
    client.post(
        f"{API}/messages",
        json={
            "receiver_id": fr_rid,
            "messages": flight("OTHER-SERIAL-02", (43.7, 7.2), (43.701, 7.2), steps=3, operator="FRA-OP-1", t0=later),
        },
        headers=fr,
    )
    got = client.get(f"{API}/matches", headers=ma).json()
    assert [(m["kind"], m["value"], m["countries"]) for m in got] == [("operator", "FRA-OP-1", ["FR"])]
    fr_got = client.get(f"{API}/matches", headers=fr).json()
    assert [(m["kind"], m["countries"]) for m in fr_got] == [("operator", ["MA"])]
    eg = net.user("EG", Role.BUREAU_OFFICER).headers
    assert client.get(f"{API}/matches", headers=eg).json() == []
    track = client.get(f"{API}/tracks/{got[0]['track_id']}", headers=ma).json()
    assert track["also_seen_by"] == ["FR"]


def test_transmitter_identified_later_joins_its_track(client: TestClient, net: Net, session: Session) -> None:
    from manara.drone.odid import Location

    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    rid = receiver(client, ma, "mast", 34.0, -6.8)
    first = [
        {
            "received_at": T0.isoformat(),
            "source": "AA:BB:CC:DD:EE:FF",
            "transport": "bt_legacy",
            "payload": Location.build(latitude=34.0, longitude=-6.8).encode().hex(),
        }
    ]
    client.post(f"{API}/messages", json={"receiver_id": rid, "messages": first}, headers=ma)
    second = [
        {
            "received_at": (T0 + timedelta(seconds=1)).isoformat(),
            "source": "aa:bb:cc:dd:ee:ff",
            "payload": pack("LATE-ID-0001", 34.0001, -6.8),
        }
    ]
    client.post(f"{API}/messages", json={"receiver_id": rid, "messages": second}, headers=ma)
    keys = {t.uas_key: t.point_count for t in session.scalars(select(DroneTrack))}
    assert keys == {"source:aa:bb:cc:dd:ee:ff": 1, "serial:LATE-ID-0001": 1}
    third = [
        {
            "received_at": (T0 + timedelta(seconds=2)).isoformat(),
            "source": "aa:bb:cc:dd:ee:ff",
            "payload": Location.build(latitude=34.0002, longitude=-6.8).encode().hex(),
        }
    ]
    client.post(f"{API}/messages", json={"receiver_id": rid, "messages": third}, headers=ma)
    keys = {t.uas_key: t.point_count for t in session.scalars(select(DroneTrack))}
    assert keys["serial:LATE-ID-0001"] == 2


def test_manual_incident_preserves_track_messages_and_links(client: TestClient, net: Net, session: Session) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    rid = receiver(client, ma, "mast", 34.0, -6.8)
    out = client.post(
        f"{API}/messages", json={"receiver_id": rid, "messages": _through_prison()[:4]}, headers=ma
    ).json()
    body = {"kind": "surveillance", "title": "Drone over the port", "country": "MA", "track_ids": out["tracks"]}
    got = client.post(f"{API}/incidents", json=body, headers=ma)
    assert got.status_code == 201, got.text
    assert _count(session, DroneEvidence) == 4
    eg = net.user("EG", Role.BUREAU_OFFICER).headers
    bad = client.post(f"{API}/incidents", json=body, headers=eg)  # EG cannot see MA's track
    assert bad.status_code == 422
    link = client.post(
        f"{API}/incidents/{got.json()['id']}/links",
        json={"wallets": ["bc1qexample"], "entity_ids": ["missing"]},
        headers=ma,
    )
    assert link.status_code == 422
    link = client.post(f"{API}/incidents/{got.json()['id']}/links", json={"wallets": ["bc1qexample"]}, headers=ma)
    assert link.json()["wallets"] == ["bc1qexample"]


def test_decode_endpoint(client: TestClient, net: Net) -> None:
    h = net.user("FR", Role.FRONTLINE_OFFICER).headers
    got = client.post(f"{API}/decode", json={"payload": pack("1596F3A7B0C2D4E6F8A1", 34.0, -6.8)}, headers=h)
    assert [m["type"] for m in got.json()["messages"]] == ["basic_id", "location", "system", "operator_id"]
    assert got.json()["messages"][1]["fields"]["latitude"] == 34.0
    bad = client.post(f"{API}/decode", json={"payload": "f2190100"}, headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["details"]["errors"][0]["code"] == "wrong_length"


def test_retention_purges_raw_messages_but_not_evidence(client: TestClient, net: Net, session: Session) -> None:
    from manara.drone import actions
    from manara.identity import SYSTEM

    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    zone(client, ma, "Rabat central prison", RABAT_PRISON)
    rid = receiver(client, ma, "mast", 34.0, -6.8)
    client.post(f"{API}/messages", json={"receiver_id": rid, "messages": _through_prison()}, headers=ma)
    kept = _count(session, DroneEvidence)
    assert kept > 0
    assert actions.do_purge_messages(session, SYSTEM, T0 + timedelta(hours=1)) == 0
    assert actions.do_purge_messages(session, SYSTEM, T0 + timedelta(days=30)) == 12
    assert _count(session, DroneMessage) == 0 and _count(session, DroneEvidence) == kept
