"""Authentication: no credentials, bad, revoked and expired keys answer 401; scopes narrow a role."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import Net
from manara.api import deps
from manara.db.base import utcnow
from manara.identity import Actor, Role
from manara.member import actions as member_actions
from manara.member import keys
from manara.member.models import ApiKey, User

MISSING_ID = "00000000-0000-4000-8000-000000000000"


def api_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, path) of the JSON API from the OpenAPI document, path parameters filled in."""
    found = []
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        if path.startswith("/api/v1"):
            found += [(m.upper(), re.sub(r"\{[^}]+\}", MISSING_ID, path)) for m in sorted(operations)]
    return found


def test_every_api_route_requires_credentials(client: TestClient) -> None:
    routes = api_routes(client)
    assert len(routes) >= 19  # members, users, keys, entities, notices, audit
    for method, path in routes:
        for headers in (
            {},
            {"Authorization": "Bearer nonsense"},
            {"X-API-Key": "mnr_abc_def"},
            {"Authorization": "Basic dXNlcjpwYXNz"},
        ):
            resp = client.request(method, path, headers=headers)
            assert resp.status_code == 401, (method, path, headers, resp.text)
            assert resp.json()["error"]["code"] == "unauthenticated"
            assert resp.headers["www-authenticate"] == "Bearer"


def test_x_api_key_header_is_accepted(client: TestClient, net: Net) -> None:
    user = net.user("FR", Role.ANALYST)
    resp = client.get("/api/v1/me", headers={"X-API-Key": user.token})
    assert resp.status_code == 200 and resp.json()["username"] == user.actor.username


def test_wrong_secret_with_a_real_prefix_is_refused(client: TestClient, net: Net) -> None:
    token = net.user("MA", Role.BUREAU_OFFICER).token
    forged = token[: token.rindex("_") + 1] + "x" * 43
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def _key(session: Session, actor: Actor) -> ApiKey:
    return session.query(ApiKey).filter(ApiKey.user_id == actor.user_id).one()


def test_revoked_key_is_refused_at_once(client: TestClient, session: Session, net: Net) -> None:
    user = net.user("MA", Role.BUREAU_OFFICER)
    key = _key(session, user.actor)
    assert client.post(f"/api/v1/api-keys/{key.id}/revoke", headers=user.headers).status_code == 200
    for path in ("/api/v1/me", "/api/v1/notices", "/api/v1/entities"):
        assert client.get(path, headers=user.headers).status_code == 401


def test_expired_key_is_refused(
    client: TestClient, session: Session, net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keys.CACHE, "ttl", 0.2)
    user = net.user("EG", Role.DUTY_OFFICER)
    assert client.get("/api/v1/me", headers=user.headers).status_code == 200
    _key(session, user.actor).expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    time.sleep(0.25)  # a key verified just before is trusted for at most the cache's lifetime
    assert client.get("/api/v1/me", headers=user.headers).status_code == 401


def test_verified_keys_are_cached_briefly_and_changes_elsewhere_apply_within_the_bound(
    client: TestClient, session: Session, net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keys.CACHE, "ttl", 60)  # long enough for a slow machine to stay within it
    reads: list[str] = []
    real = deps.get_api_key_by_prefix
    monkeypatch.setattr(deps, "get_api_key_by_prefix", lambda s, prefix: reads.append(prefix) or real(s, prefix))
    user = net.user("MA", Role.FRONTLINE_OFFICER)
    for _ in range(3):
        assert client.get("/api/v1/me", headers=user.headers).status_code == 200
    assert len(reads) == 1  # one database read, then the cache
    me = client.get("/api/v1/me", headers={**user.headers, "X-Manara-Purpose": "case 12"}).json()
    assert me["user_id"] == user.actor.user_id  # the cached actor, with this request's purpose
    # revoked or disabled by another process (no cache cleared here): refused once the entry is stale
    monkeypatch.setattr(keys.CACHE, "ttl", 0.3)
    session.execute(ApiKey.__table__.update().where(ApiKey.user_id == user.actor.user_id).values(revoked_at=utcnow()))
    time.sleep(0.35)
    assert client.get("/api/v1/me", headers=user.headers).status_code == 401
    other = net.user("MA", Role.ANALYST)
    assert client.get("/api/v1/me", headers=other.headers).status_code == 200
    session.get(User, other.actor.user_id).active = False  # type: ignore[union-attr]
    session.flush()
    time.sleep(0.35)
    assert client.get("/api/v1/me", headers=other.headers).status_code == 401
    bad = {"Authorization": user.headers["Authorization"][:-2] + "xx"}
    assert client.get("/api/v1/me", headers=bad).status_code == 401  # a wrong secret never hits the cache


def test_disabled_user_is_refused(client: TestClient, session: Session, net: Net) -> None:
    user = net.user("EG", Role.ANALYST)
    session.get(User, user.actor.user_id).active = False  # type: ignore[union-attr]
    session.flush()
    assert client.get("/api/v1/me", headers=user.headers).status_code == 401


@pytest.fixture
def read_only(session: Session, net: Net, system_actor: Actor) -> dict[str, str]:
    """A bureau officer's second key, narrowed to notice:read and member:read."""
    user = session.get(User, net.user("MA", Role.BUREAU_OFFICER).actor.user_id)
    assert user is not None
    _, token = member_actions.do_create_api_key(
        session, user, acting=system_actor, scopes=["notice:read", "member:read"]
    )
    return {"Authorization": f"Bearer {token}"}


def test_narrowed_key_loses_permissions_outside_its_scopes(client: TestClient, read_only: dict[str, str]) -> None:
    me = client.get("/api/v1/me", headers=read_only).json()
    assert me["role"] == "bureau_officer" and me["permissions"] == ["member:read", "notice:read"]
    assert client.get("/api/v1/notices", headers=read_only).status_code == 200
    assert client.get("/api/v1/members", headers=read_only).status_code == 200
    assert client.post("/api/v1/notices", json={"type": "blue", "title": "x"}, headers=read_only).status_code == 403
    assert client.get("/api/v1/entities", headers=read_only).status_code == 403
    assert (
        client.post(
            "/api/v1/entities", json={"id": "a", "schema": "Person", "properties": {"name": ["A"]}}, headers=read_only
        ).status_code
        == 403
    )


def test_scopes_never_widen_a_role(session: Session, net: Net, system_actor: Actor) -> None:
    user = session.get(User, net.user("FR", Role.FRONTLINE_OFFICER).actor.user_id)
    assert user is not None
    key, _ = member_actions.do_create_api_key(session, user, acting=system_actor, scopes=["notice:write", "audit:read"])
    actor = Actor(
        user_id=user.id, username=user.username, country="FR", role=Role.FRONTLINE_OFFICER, scopes=frozenset(key.scopes)
    )
    assert actor.perms == frozenset()
