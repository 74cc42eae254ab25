"""Hits: raised by screening, answered by the owner only (acknowledge, judge), routed by country and role.

MA owns the notice; FR screens and raises the hit; EG is a third member."""

from __future__ import annotations

from fastapi.testclient import TestClient

from conftest import COUNTRIES, Net
from manara.identity import Perm, Role
from screening.helpers import QUERY, can, publish_red, screen


def test_owner_acknowledges_then_rejects_and_the_pair_does_not_alert_again(client: TestClient, net: Net) -> None:
    publish_red(client, net)
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    hit_id = screen(client, fr, names=["Abderrahmane Ben Salah"], birth_date="1985-04-12")["results"][0]["hit_id"]
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    assert client.post(f"/api/v1/hits/{hit_id}/acknowledge", headers=ma).json()["status"] == "acknowledged"
    judged = client.post(
        f"/api/v1/hits/{hit_id}/judge", json={"judgement": "rejected", "note": "different DOB"}, headers=ma
    )
    assert judged.json()["status"] == "rejected"
    again = screen(client, fr, names=["Abderrahmane Ben Salah"], birth_date="1985-04-12")["results"][0]
    assert again["hit_id"] is None and again["previously_rejected"] is True and again["match"] is False


def test_only_the_owner_answers_a_hit_and_strangers_get_404(client: TestClient, net: Net) -> None:
    publish_red(client, net)
    hit_id = screen(
        client,
        net.user("FR", Role.FRONTLINE_OFFICER).headers,
        names=["Abderrahmane Ben Salah"],
        birth_date="1985-04-12",
    )["results"][0]["hit_id"]
    fr_fo = net.user("FR", Role.FRONTLINE_OFFICER).headers
    assert client.get(f"/api/v1/hits/{hit_id}", headers=fr_fo).status_code == 200
    assert client.get(f"/api/v1/hits/{hit_id}", headers=net.user("EG", Role.BUREAU_OFFICER).headers).status_code == 404
    fr_bo = net.user("FR", Role.BUREAU_OFFICER).headers
    assert client.post(f"/api/v1/hits/{hit_id}/acknowledge", headers=fr_bo).status_code == 404


def test_hit_routes_by_country_and_role(client: TestClient, net: Net) -> None:
    publish_red(client, net)
    results = client.post("/api/v1/screen", json=QUERY, headers=net.user("FR", Role.FRONTLINE_OFFICER).headers)
    hit_id = results.json()["results"][0]["hit_id"]
    wrong = []
    for country in COUNTRIES:
        for role in Role:
            headers = net.user(country, role).headers
            got = client.get(f"/api/v1/hits/{hit_id}", headers=headers).status_code
            want = 200 if can(role, Perm.NOTICE_READ) and country in ("MA", "FR") else 404
            listing = client.get("/api/v1/hits", params={"side": "any"}, headers=headers).json()
            listed = hit_id in str(listing)
            if got != want or listed != (want == 200):
                wrong.append((country, role.value, "get", want, got, listed))
            if country != "MA" or not can(role, Perm.HIT_ANSWER):
                ack = client.post(f"/api/v1/hits/{hit_id}/acknowledge", headers=headers).status_code
                if ack != 404:
                    wrong.append((country, role.value, "acknowledge", 404, ack, None))
    assert wrong == []
    assert (
        client.post(f"/api/v1/hits/{hit_id}/acknowledge", headers=net.user("MA", Role.DUTY_OFFICER).headers).status_code
        == 200
    )
