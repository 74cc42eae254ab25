"""Access matrix of the screening routes: role x country x visibility -> status, and no leaks.

MA owns the notice and the document report; FR screens; EG is a third member."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conftest import Net
from manara.identity import ROLE_PERMS, Perm, Role
from screening.helpers import publish_red

COUNTRIES = ("MA", "FR", "EG")
QUERY = {"names": ["Abderrahmane Ben Salah"], "birth_date": "1985-04-12"}


def can(role: Role, perm: Perm) -> bool:
    return perm in ROLE_PERMS[role]


def test_screen_route_by_role(client: TestClient, net: Net) -> None:
    wrong = []
    for country in COUNTRIES:
        for role in Role:
            got = client.post("/api/v1/screen", json=QUERY, headers=net.user(country, role).headers).status_code
            want = 200 if can(role, Perm.SCREEN) else 403
            if got != want:
                wrong.append((country, role.value, want, got))
    assert wrong == []


@pytest.mark.parametrize("visibility", ["owner", "countries", "all"])
def test_screening_results_follow_notice_visibility(client: TestClient, net: Net, visibility: str) -> None:
    notice = publish_red(client, net, visibility=visibility, shared=["FR"] if visibility == "countries" else [])
    for country in COUNTRIES:
        body = client.post("/api/v1/screen", json=QUERY, headers=net.user(country, Role.ANALYST).headers).json()
        seen = notice["id"] in [r["notice_id"] for r in body["results"]]
        expected = country == "MA" or visibility == "all" or (visibility == "countries" and country == "FR")
        assert seen == expected, (country, visibility)
        if not expected:
            assert notice["reference"] not in str(body) and "Wanted" not in str(body)


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


def test_document_report_routes_by_role(client: TestClient, net: Net) -> None:
    body = {"number": "ZX9988776", "issuing_country": "MA", "status": "stolen"}
    wrong = []
    for role in Role:
        got = client.post(
            "/api/v1/documents",
            json={**body, "number": f"ZX99887{list(Role).index(role)}0"},
            headers=net.user("MA", role).headers,
        ).status_code
        want = 201 if can(role, Perm.DOCUMENT_WRITE) else 403
        if got != want:
            wrong.append((role.value, want, got))
    assert wrong == []
    created = client.post("/api/v1/documents", json=body, headers=net.user("MA", Role.BUREAU_OFFICER).headers).json()
    for country in ("FR", "EG"):
        withdraw = client.post(
            f"/api/v1/documents/{created['id']}/withdraw", headers=net.user(country, Role.BUREAU_OFFICER).headers
        )
        assert withdraw.status_code == 404
    foreign = client.post(
        "/api/v1/documents", json={**body, "issuing_country": "FR"}, headers=net.user("MA", Role.BUREAU_OFFICER).headers
    )
    assert foreign.status_code == 422
    duplicate = client.post("/api/v1/documents", json=body, headers=net.user("MA", Role.BUREAU_OFFICER).headers)
    assert duplicate.status_code == 409
