"""Drone access matrix: incident routes × role × visibility × member, and the live feed's breach line.

MA owns the incident; FR is named when shared with ``countries``; EG never is."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from drone.helpers import RABAT_PRISON, flight, receiver, zone
from manara.identity import ROLE_PERMS, Perm, Role
from manara.outbox.models import OutboxEvent
from manara.web.feed import render_for

API = "/api/v1/drones"


def _incident(client: TestClient, net: Net) -> dict[str, Any]:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    zone(client, ma, "Rabat central prison", RABAT_PRISON)
    rid = receiver(client, ma, "mast", 34.02, -6.84)
    lat, lon = RABAT_PRISON
    items = flight("1596F3A7B0C2D4E6F8A1", (lat - 0.03, lon), (lat + 0.001, lon), steps=12)
    out: dict[str, Any] = client.post(
        f"{API}/messages", json={"receiver_id": rid, "messages": items}, headers=ma
    ).json()
    return out


@pytest.mark.parametrize("visibility", ["owner", "countries", "all"])
def test_incident_routes_by_role_visibility_and_member(client: TestClient, net: Net, visibility: str) -> None:
    out = _incident(client, net)
    iid, tid = out["breaches"][0]["incident_id"], out["tracks"][0]
    share = {"visibility": visibility, "shared_with": ["FR"] if visibility == "countries" else []}
    assert (
        client.post(
            f"{API}/incidents/{iid}/share", json=share, headers=net.user("MA", Role.BUREAU_OFFICER).headers
        ).status_code
        == 200
    )
    for country in ("MA", "FR", "EG"):
        sees = country == "MA" or visibility == "all" or (visibility == "countries" and country == "FR")
        for role in Role:
            h = net.user(country, role).headers
            reader = Perm.DRONE_READ in ROLE_PERMS[role]
            expected = 200 if reader and sees else (403 if not reader else 404)
            for path in (f"/incidents/{iid}", f"/incidents/{iid}/evidence", f"/tracks/{tid}"):
                got = client.get(f"{API}{path}", headers=h).status_code
                assert got == expected, (country, role, path, got)
            listed = client.get(f"{API}/incidents", headers=h)
            if reader:
                assert (iid in listed.text) == sees, (country, role)
            writer = Perm.DRONE_WRITE in ROLE_PERMS[role]
            close = client.post(f"{API}/incidents/{iid}/close", json={"reason": "test"}, headers=h)
            if not writer:
                assert close.status_code == 403
            elif country != "MA":
                assert close.status_code == 404, (country, role)


def test_breach_line_reaches_the_owner_and_the_audience_only(client: TestClient, net: Net, session: Session) -> None:
    _incident(client, net)
    event = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "drone.breach")).one()
    payload = dict(event.payload) | {"shared_with": ["FR"]}
    line = render_for(net.user("MA", Role.DUTY_OFFICER).actor, "drone.breach", payload, lambda s: s)
    assert line is not None and "Rabat central prison" in line.text and line.level == "urgent"
    assert render_for(net.user("FR", Role.DUTY_OFFICER).actor, "drone.breach", payload, lambda s: s) is not None
    assert render_for(net.user("EG", Role.DUTY_OFFICER).actor, "drone.breach", payload, lambda s: s) is None
    assert render_for(net.user("MA", Role.REVIEWER).actor, "drone.breach", payload, lambda s: s) is None
    assert render_for(net.user("MA", Role.DUTY_OFFICER).actor, "drone.breach", {"owner": "MA"}, lambda s: s) is None
