"""Member administration without the CLI: countries, users, API keys (shown once, digest at rest)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from conftest import Net
from manara.db.base import utcnow
from manara.errors import Conflict, ValidationFailed
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.member.models import ApiKey, Member


@pytest.mark.parametrize("code", ["XX", "zz", "EU", "", "MAR", "1a", "x"])
def test_unknown_countries_are_refused(session: Session, system_actor: Actor, code: str) -> None:
    with pytest.raises(ValidationFailed):
        member_actions.do_create_member(session, code, acting=system_actor)
    assert session.scalar(select(Member).where(Member.code == code.upper())) is None


def test_member_code_is_normalised_and_unique(session: Session, system_actor: Actor) -> None:
    member = member_actions.do_create_member(session, " ma ", acting=system_actor)
    assert (member.code, member.name) == ("MA", "Morocco")
    with pytest.raises(Conflict):
        member_actions.do_create_member(session, "MA", acting=system_actor)


def test_user_needs_a_member_country_and_a_unique_name(session: Session, net: Net, system_actor: Actor) -> None:
    with pytest.raises(Exception, match="not found"):
        member_actions.do_create_user(session, "de.officer", country="DE", role=Role.ANALYST, acting=system_actor)
    with pytest.raises(Conflict):
        member_actions.do_create_user(session, "ma.analyst", country="FR", role=Role.ANALYST, acting=system_actor)


def test_duplicate_user_over_the_api_is_409(client: TestClient, net: Net) -> None:
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    body = {"username": "ma.new", "full_name": "Amina Tazi", "role": "reviewer"}
    created = client.post("/api/v1/users", json=body, headers=admin)
    assert created.status_code == 201 and created.json()["country"] == "MA"
    other = net.user("FR", Role.ADMINISTRATOR).headers  # usernames are unique across the network
    assert client.post("/api/v1/users", json=body, headers=other).status_code == 409


def test_api_key_is_shown_once_and_only_its_digest_is_stored(client: TestClient, session: Session, net: Net) -> None:
    admin = net.user("FR", Role.ADMINISTRATOR).headers
    user_id = net.user("FR", Role.ANALYST).actor.user_id
    created = client.post(f"/api/v1/users/{user_id}/api-keys", json={"name": "laptop", "days": 30}, headers=admin)
    assert created.status_code == 201
    token = created.json()["token"]
    prefix, secret = token.split("_", 2)[1:]
    assert created.json()["prefix"] == prefix
    listed = client.get(f"/api/v1/users/{user_id}/api-keys", headers=admin)
    assert token not in listed.text and secret not in listed.text and "digest" not in listed.text
    assert len(listed.json()) == 2  # the fixture's key and the new one
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["user_id"] == user_id
    session.flush()
    for table in inspect(session.get_bind()).get_table_names():
        dump = str(session.execute(text(f'SELECT * FROM "{table}"')).all())
        assert secret not in dump, table


def test_revoke_and_expiry(client: TestClient, session: Session, net: Net) -> None:
    user = net.user("EG", Role.BUREAU_OFFICER)
    admin = net.user("EG", Role.ADMINISTRATOR).headers
    created = client.post(f"/api/v1/users/{user.actor.user_id}/api-keys", json={"days": 1}, headers=admin).json()
    fresh = {"Authorization": f"Bearer {created['token']}"}
    expires = created["expires_at"]
    assert abs((utcnow() + timedelta(days=1)).timestamp() - _ts(expires)) < 60
    revoked = client.post(f"/api/v1/api-keys/{created['id']}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/api/v1/me", headers=fresh).status_code == 401
    assert client.get("/api/v1/me", headers=user.headers).status_code == 200  # other keys unaffected
    again = client.post(f"/api/v1/api-keys/{created['id']}/revoke", headers=admin)
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]


def _ts(value: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize("body", [{"days": 0}, {"days": 3651}, {"scopes": ["root"]}, {"name": "x" * 501}])
def test_invalid_key_requests_are_refused(
    client: TestClient, session: Session, net: Net, body: dict[str, object]
) -> None:
    user_id = net.user("MA", Role.ANALYST).actor.user_id
    before = len(session.scalars(select(ApiKey.id)).all())
    admin = net.user("MA", Role.ADMINISTRATOR).headers
    resp = client.post(f"/api/v1/users/{user_id}/api-keys", json=body, headers=admin)
    assert resp.status_code == 422 and len(session.scalars(select(ApiKey.id)).all()) == before


def test_member_actions_write_audit_and_outbox(session: Session, net: Net, system_actor: Actor) -> None:
    from factories import counts

    before = counts(session)
    member_actions.do_create_member(session, "tn", acting=system_actor)
    user = member_actions.do_create_user(session, "tn.duty", country="TN", role=Role.DUTY_OFFICER, acting=system_actor)
    key, _ = member_actions.do_create_api_key(session, user, acting=system_actor)
    member_actions.do_revoke_api_key(session, key, acting=system_actor)
    assert counts(session) == (before[0] + 4, before[1] + 4)
