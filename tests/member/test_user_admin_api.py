"""PATCH /api/v1/users/{id}: the same action the console's administration uses (role, disable)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from conftest import Net
from manara.identity import Role


def test_an_administrator_changes_a_role_and_disables_a_user_of_their_country(client: TestClient, net: Net) -> None:
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    analyst = net.user("MA", Role.ANALYST)
    url = f"/api/v1/users/{analyst.actor.user_id}"
    changed = client.patch(url, json={"role": "reviewer"}, headers=admin)
    assert changed.status_code == 200 and changed.json()["role"] == "reviewer"
    assert client.get("/api/v1/notices?review_queue=true", headers=analyst.headers).status_code == 200
    assert client.patch(url, json={"active": False}, headers=admin).json()["active"] is False
    assert client.get("/api/v1/me", headers=analyst.headers).status_code == 401  # a disabled user's key stops
    assert client.patch(url, json={"role": "emperor"}, headers=admin).status_code == 422


def test_other_countries_and_other_roles_cannot_and_nobody_demotes_themself(client: TestClient, net: Net) -> None:
    target = f"/api/v1/users/{net.user('MA', Role.ANALYST).actor.user_id}"
    body = {"active": False}
    assert client.patch(target, json=body, headers=net.user("FR", Role.ADMINISTRATOR).headers).status_code == 404
    assert client.patch(target, json=body, headers=net.user("MA", Role.BUREAU_OFFICER).headers).status_code == 403
    admin = net.user("MA", Role.ADMINISTRATOR)
    own = client.patch(f"/api/v1/users/{admin.actor.user_id}", json={"role": "analyst"}, headers=admin.headers)
    assert own.status_code == 422
