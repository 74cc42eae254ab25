"""Document reports: lost and stolen documents checked by number, visibility, and who may report or withdraw.

MA issues and reports the documents; FR checks them; EG is a third member."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from conftest import Net
from manara.audit.models import AuditEvent
from manara.identity import Perm, Role
from screening.helpers import can


def test_stolen_document_check_raises_a_hit_to_the_issuer(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    created = client.post(
        "/api/v1/documents", json={"number": "XK-441 9273", "issuing_country": "MA", "status": "stolen"}, headers=ma
    )
    assert created.status_code == 201, created.text
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    check = client.get("/api/v1/documents/check", params={"number": "xk4419273", "country": "ma"}, headers=fr).json()
    assert check["reported"] is True and check["reports"][0]["status"] == "stolen" and len(check["hit_ids"]) == 1
    other = client.get("/api/v1/documents/check", params={"number": "XK4419274", "country": "MA"}, headers=fr).json()
    assert other["reported"] is False and other["hit_ids"] == []
    client.post(f"/api/v1/documents/{created.json()['id']}/withdraw", headers=ma)
    after = client.get("/api/v1/documents/check", params={"number": "XK4419273", "country": "MA"}, headers=fr).json()
    assert after["reported"] is False


def test_owner_only_document_report_is_invisible_to_others(client: TestClient, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    client.post(
        "/api/v1/documents",
        json={"number": "AB123456", "issuing_country": "MA", "status": "lost", "visibility": "owner"},
        headers=ma,
    )
    fr = net.user("FR", Role.FRONTLINE_OFFICER).headers
    check = client.get("/api/v1/documents/check", params={"number": "AB123456", "country": "MA"}, headers=fr).json()
    assert check["reported"] is False
    listing = client.get("/api/v1/documents", params={"own": "false"}, headers=fr).json()
    assert listing["total"] == 0


def test_other_members_reports_are_never_listed_only_checked_by_number(
    client: TestClient, session: Session, net: Net
) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).headers
    body = {"number": "CD7654321", "issuing_country": "MA", "status": "stolen", "visibility": "all"}
    created = client.post("/api/v1/documents", json=body, headers=ma).json()
    fr = net.user("FR", Role.BUREAU_OFFICER).headers
    for params in ({}, {"own": "false"}, {"own": "0"}, {"page_size": "500"}):
        assert client.get("/api/v1/documents", params=params, headers=fr).json()["total"] == 0
    assert [r["id"] for r in client.get("/api/v1/documents", headers=ma).json()["items"]] == [created["id"]]
    check = client.get("/api/v1/documents/check", params={"number": "CD7654321", "country": "MA"}, headers=fr).json()
    assert check["reported"] is True
    session.expire_all()
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (event.action, event.country, event.target_ids) == ("document.checked", "FR", [created["id"]])


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
