"""Drone console pages in four languages: overview, an incident (map, evidence, custody; share and close for its
owner), a track with its flags, geofences with the creation form; 404 for what one may not see."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from drone.helpers import RABAT_PRISON, flight, receiver, zone
from manara.identity import Role
from web.conftest import Console, csrf_of

API = "/api/v1/drones"


def _breach(client: TestClient, net: Net) -> tuple[str, str]:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    zone(client, ma, "Rabat central prison", RABAT_PRISON)
    rid = receiver(client, ma, "Rabat north mast", 34.02, -6.84)
    lat, lon = RABAT_PRISON
    items = flight("1596F3A7B0C2D4E6F8A1", (lat - 0.03, lon), (lat + 0.001, lon), steps=12)
    out = client.post(f"{API}/messages", json={"receiver_id": rid, "messages": items}, headers=ma).json()
    return out["breaches"][0]["incident_id"], out["tracks"][0]


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Recent tracks"), ("fr", "Traces récentes"), ("ar", "المسارات الأخيرة"), ("es", "Trazas recientes")],
)
def test_overview_incident_and_track_in_four_languages(
    client: TestClient, session: Session, net: Net, lang: str, heading: str
) -> None:
    incident_id, track_id = _breach(client, net)
    Console(client, session, net).sign_in("MA", Role.DUTY_OFFICER)
    page = client.get(f"/console/drones?lang={lang}")
    assert page.status_code == 200 and heading in page.text and "<h1" in page.text
    assert f"/console/drones/incidents/{incident_id}" in page.text
    inc = client.get(f"/console/drones/incidents/{incident_id}?lang={lang}")
    assert inc.status_code == 200 and "<svg" in inc.text and "<polygon" in inc.text and "<polyline" in inc.text
    assert "Rabat central prison" in inc.text
    trk = client.get(f"/console/drones/tracks/{track_id}?lang={lang}")
    assert trk.status_code == 200 and "1596F3A7B0C2D4E6F8A1" in trk.text
    zones = client.get(f"/console/drones/geofences?lang={lang}")
    assert zones.status_code == 200 and "Rabat central prison" in zones.text


def test_other_members_get_404_and_roles_without_drone_access_403(
    client: TestClient, session: Session, net: Net
) -> None:
    incident_id, track_id = _breach(client, net)
    Console(client, session, net).sign_in("EG", Role.BUREAU_OFFICER)
    assert client.get(f"/console/drones/incidents/{incident_id}").status_code == 404
    assert client.get(f"/console/drones/tracks/{track_id}").status_code == 404
    assert client.get("/console/drones").status_code == 200
    Console(client, session, net).sign_in("MA", Role.REVIEWER)
    assert client.get("/console/drones").status_code == 403
    assert client.get(f"/console/drones/incidents/{incident_id}").status_code == 404


def test_owner_shares_and_closes_from_the_console(client: TestClient, session: Session, net: Net) -> None:
    incident_id, _ = _breach(client, net)
    Console(client, session, net).sign_in("MA", Role.BUREAU_OFFICER)
    page = client.get(f"/console/drones/incidents/{incident_id}")
    token = csrf_of(page.text)
    bad = client.post(
        f"/console/drones/incidents/{incident_id}/share",
        data={"visibility": "countries", "countries": "", "csrf_token": token},
    )
    assert bad.status_code == 422 and "is-invalid" in bad.text
    ok = client.post(
        f"/console/drones/incidents/{incident_id}/share",
        data={"visibility": "countries", "countries": "fr, eg", "csrf_token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    no_csrf = client.post(f"/console/drones/incidents/{incident_id}/close", data={"reason": "x"})
    assert no_csrf.status_code == 403
    closed = client.post(
        f"/console/drones/incidents/{incident_id}/close",
        data={"reason": "Drone seized at the wall", "csrf_token": token},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    after = client.get(f"/console/drones/incidents/{incident_id}").text
    assert "Drone seized at the wall" in after and ("FR, EG" in after or "EG, FR" in after)
    Console(client, session, net).sign_in("EG", Role.DUTY_OFFICER)
    assert client.get(f"/console/drones/incidents/{incident_id}").status_code == 200


def test_create_a_zone_from_the_console(client: TestClient, session: Session, net: Net) -> None:
    Console(client, session, net).sign_in("MA", Role.BUREAU_OFFICER)
    page = client.get("/console/drones/geofences")
    token = csrf_of(page.text)
    form = {
        "name": "Salé prison",
        "kind": "prison",
        "country": "MA",
        "latitude": "34.05",
        "longitude": "-6.79",
        "radius": "600",
        "visibility": "owner",
        "csrf_token": token,
    }
    assert client.post("/console/drones/geofences", data=form, follow_redirects=False).status_code == 303
    again = client.post("/console/drones/geofences", data=form)
    assert again.status_code == 422 and "is-invalid" in again.text
    junk = client.post("/console/drones/geofences", data=form | {"name": "Other", "geojson": "{not json"})
    assert junk.status_code == 422
    far = client.post("/console/drones/geofences", data=form | {"name": "Other", "latitude": "95"})
    assert far.status_code == 422
    listing = client.get("/console/drones/geofences").text
    assert len(re.findall("Salé prison", listing)) == 1
